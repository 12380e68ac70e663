"""Sharing answers that a script's `attention:` rules pick out stores the reasons with the
conversation, for the case manager's caseload; keeping them private stores none."""

from __future__ import annotations

from sqlmodel import select

from storage.models import Conversation
from tests.support.tandem import Harness


async def _struggling_check_in(tandem: Harness, name: str, keep: str) -> int:
    chat, person_id = await tandem.joined_chat(name)
    await chat.click("Check-in between appointments")
    await chat.wait_for(lambda m: "Struggling" in m.labels)
    await chat.click("Struggling")
    await chat.wait_for(lambda m: "what has been hard" in m.text and m.buttons)
    await chat.send("Lost my job and the rent is due")
    question = await chat.wait_for(lambda m: "Done" in m.labels)
    await chat.click("Housing", message_id=question.id)
    await chat.wait_for(lambda m: m.id == question.id and any("✓" in label for label in m.labels))
    await chat.click("Done", message_id=question.id)
    await chat.wait_for(lambda m: "say a bit more" in m.text and m.buttons)
    await chat.send("I might lose my flat")
    await chat.wait_for(lambda m: "No, thanks" in m.labels)
    await chat.click("No, thanks")
    await chat.wait_for(lambda m: keep in m.labels)
    await chat.click(keep)
    await chat.wait_for("Thank you for checking in")
    return person_id


async def _conversation(tandem: Harness, person_id: int) -> Conversation:
    async with tandem.db.transaction() as session:
        [conv] = (
            await session.exec(
                select(Conversation).where(Conversation.service_user_id == person_id)
            )
        ).all()
    return conv


async def test_sharing_a_struggling_check_in_stores_why_it_needs_attention(
    tandem: Harness,
) -> None:
    person_id = await _struggling_check_in(tandem, "Cai", "Share with my probation officer")
    conv = await _conversation(tandem, person_id)
    assert conv.sharing == "shared"
    assert conv.attention == ["Check-in: struggling", "Check-in: would like support"]


async def test_keeping_it_private_stores_no_reasons(tandem: Harness) -> None:
    person_id = await _struggling_check_in(tandem, "Dai", "Keep it to myself for now")
    conv = await _conversation(tandem, person_id)
    assert conv.sharing == "private" and conv.attention == []
