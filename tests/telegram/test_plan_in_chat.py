"""The plan, end to end: a case manager turns an answer into a plan item in the review app and
sends it; the real bot delivers it through the sandbox, item by item; the person agrees,
changes something in their own words, or talks about it next time; the reply is kept with the
item and shows on the case manager's page. Older buttons of a changed item are refused kindly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import col, select

from bot.conversations import callbacks
from bot.review.web import ReviewConfig
from bot.sample_data import add_conversation
from bot.sandbox.client import Chat, Message
from storage.models import Answer, PlanItem, ServiceUser, Staff
from tests.support.notices import is_notice, show_me
from tests.support.review import Clock, ReviewHarness, Web
from tests.support.tandem import Harness

AGREE, CHANGE, TALK = "Yes, I agree", "I'd change something", "Let's talk about it next time"


async def case_manager(tandem: Harness, person_id: int) -> tuple[ReviewHarness, Staff]:
    """The review app on Tandem's own database, and Sam, the person's case manager."""
    config = ReviewConfig(
        db=tandem.db,
        catalogue=tandem.running.catalogue,
        on_queued=tandem.running.sender.wake,
    )
    review = ReviewHarness(tandem.db, config, Clock())
    # enrol() puts people in the "Tandem" organisation.
    sam = await review.staff(name="Sam Jones", org="Tandem")
    async with tandem.db.transaction() as session:
        person = await session.get(ServiceUser, person_id)
        assert person is not None
        person.case_manager_id = sam.id
        session.add(person)
    return review, sam


async def shared_answer(tandem: Harness, person_id: int, step: str, value: str) -> int:
    async with tandem.db.transaction() as session:
        conv = await add_conversation(
            session,
            tandem.running.catalogue,
            person_id,
            "good_day_bad_day",
            {step: value},
            at=datetime.now(UTC),
        )
        await session.flush()
        answer = (await session.exec(select(Answer).where(Answer.conversation_id == conv.id))).one()
        assert answer.id is not None
        return answer.id


async def plan_item(web: Web, tandem: Harness, person_id: int, **fields: Any) -> PlanItem:
    saved = await web.post(f"/people/{person_id}/plan", {"who": "Alex", **fields})
    assert saved.status_code == 303, saved.text
    return (await items(tandem, person_id))[-1]


async def items(tandem: Harness, person_id: int) -> list[PlanItem]:
    async with tandem.db.transaction() as session:
        rows = await session.exec(
            select(PlanItem).where(PlanItem.service_user_id == person_id).order_by(col(PlanItem.id))
        )
        return list(rows.all())


async def send(web: Web, person_id: int, chat: Chat, lang: str = "en") -> Message:
    """Send the plan from the review app; it arrives as one neutral line, and the person taps
    "Show me": the introduction is edited in, the steps follow."""
    sent = await web.post(f"/people/{person_id}/plan/send")
    assert sent.headers["location"].endswith("plan=sent#plan"), sent.headers["location"]
    notice = await chat.wait_for(lambda m: is_notice(m, lang))
    return await show_me(chat, notice, lang)


async def item_message(chat: Chat, what: str) -> Message:
    return await chat.wait_for(lambda m: (m.text or "").startswith(what) and bool(m.labels))


async def test_the_person_agrees_changes_in_their_own_words_and_old_buttons_are_refused(
    tandem: Harness,
) -> None:
    chat, person_id = await tandem.joined_chat("Alex")
    review, sam = await case_manager(tandem, person_id)
    answer_id = await shared_answer(
        tandem, person_id, "good_day", "I get up early and walk the dog"
    )
    async with review.signed_in(sam) as web:
        # 1. From an answer to a plan item, sent; the person agrees.
        dog = await plan_item(
            web, tandem, person_id, what="Walk the dog every morning", answer=str(answer_id)
        )
        assert dog.sources[0]["display"] == "I get up early and walk the dog"
        await send(web, person_id, chat)
        intro = await chat.wait_for("Here is the plan you made with Sam.")
        assert intro.labels == []
        first = await item_message(chat, "Walk the dog every morning")
        assert first.text == "Walk the dog every morning\n\nWho: Alex"
        assert first.labels == [AGREE, CHANGE, TALK]
        assert first.data_for(AGREE) == f"pl:{dog.id}:1:a"

        await chat.click(AGREE, message_id=first.id)
        await chat.wait_for("Thank you. Your probation officer will see that you agree.")
        shown = await chat.wait_for(
            lambda m: m.id == first.id and "✔ Yes, I agree" in (m.text or "")
        )
        assert shown.labels == []
        (agreed,) = await items(tandem, person_id)
        assert agreed.response == "agree" and agreed.responded_at is not None
        page = await web.get(f"/people/{person_id}/plan")
        assert "Agreed" in page.text

        # 2. A second item: they would change something, and say what in their own words.
        college = await plan_item(web, tandem, person_id, what="Phone the college about the course")
        await send(web, person_id, chat)
        second = await item_message(chat, "Phone the college about the course")
        assert "Walk the dog" not in (second.text or "")  # only what had not been sent
        await chat.click(CHANGE, message_id=second.id)
        await chat.wait_for("What would you change? Type it in your own words.")
        asked = await chat.wait_for(
            lambda m: m.id == second.id and "✔ I'd change something" in (m.text or "")
        )
        assert asked.labels == ["Talk about it next time instead"]
        waiting = (await items(tandem, person_id))[1]
        assert waiting.response == "change" and waiting.awaiting_words_since is not None
        await chat.send("I'd rather go there on Friday with my mum")
        await chat.wait_for("Thank you. Your probation officer will read this")
        kept = (await items(tandem, person_id))[1]
        assert kept.id == college.id
        assert kept.response_text == "I'd rather go there on Friday with my mum"
        assert kept.awaiting_words_since is None
        page = await web.get(f"/people/{person_id}/plan")
        assert "Wants to change it" in page.text
        assert "I&#39;d rather go there on Friday with my mum" in page.text
        # Changing their mind to a talk keeps their words for it.
        await chat.click("Talk about it next time instead", message_id=second.id)
        await chat.wait_for("You can talk about it at your next appointment")
        talk_it = (await items(tandem, person_id))[1]
        assert talk_it.response == "talk"
        assert talk_it.response_text == "I'd rather go there on Friday with my mum"
        # Only that one message was taken: the next goes where it always would.
        await chat.send("hello")
        await chat.wait_for("To start, pick one of these.")

        # 3. An item changed after it was sent: the old buttons are refused kindly.
        gym = await plan_item(web, tandem, person_id, what="Go to the gym twice a week")
        await send(web, person_id, chat)
        old = await item_message(chat, "Go to the gym twice a week")
        changed = await web.post(
            f"/people/{person_id}/plan/{gym.id}/edit",
            {"what": "Go to the gym once a week", "who": "Alex"},
        )
        assert changed.status_code == 303
        # Pressed before the new wording was sent: it is on its way.
        await chat.click(AGREE, message_id=old.id)
        await chat.wait_for_toast("This step has changed.")
        await chat.wait_for("Your probation officer has changed this step of your plan.")
        await send(web, person_id, chat)
        new = await item_message(chat, "Go to the gym once a week")
        assert new.data_for(AGREE) == f"pl:{gym.id}:2:a"
        await chat.press(old.id, f"pl:{gym.id}:1:a")  # an old button kept by a slow phone
        await chat.wait_for("This step of your plan has changed. The new one is further down.")
        assert (await items(tandem, person_id))[2].response is None
        await chat.click(TALK, message_id=new.id)
        await chat.wait_for("OK. You can talk about it at your next appointment.")
        talk = (await items(tandem, person_id))[2]
        assert (talk.response, talk.revision) == ("talk", 2)
        page = await web.get(f"/people/{person_id}/plan")
        assert "Wants to talk about it" in page.text

        # 4. A dropped item's buttons do nothing but say so.
        bus = await plan_item(web, tandem, person_id, what="Get a bus pass")
        await send(web, person_id, chat)
        bus_message = await item_message(chat, "Get a bus pass")
        await web.post(f"/people/{person_id}/plan/{bus.id}/status", {"status": "dropped"})
        await chat.click(AGREE, message_id=bus_message.id)
        await chat.wait_for("This step is not in your plan any more")
        assert (await items(tandem, person_id))[3].response is None


async def test_buttons_of_someone_elses_plan_do_nothing(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Alex")
    other, other_id = await tandem.joined_chat("Bo")
    review, sam = await case_manager(tandem, other_id)
    async with review.signed_in(sam) as web:
        theirs = await plan_item(web, tandem, other_id, what="Bo's own step")
        await send(web, other_id, other)
        await item_message(other, "Bo's own step")
    menu = chat.last_message
    assert menu is not None
    await chat.press(menu.id, f"pl:{theirs.id}:1:a")
    toast = await chat.wait_for_toast("That button doesn't work any more.")
    assert toast.text
    async with review.signed_in(sam) as web:
        assert (await items(tandem, other_id))[0].response is None


async def test_words_for_the_plan_do_not_break_a_conversation_in_progress(
    tandem: Harness,
) -> None:
    chat, person_id = await tandem.joined_chat("Alex")
    review, sam = await case_manager(tandem, person_id)
    await chat.click("Good day, bad day")
    await chat.wait_for("Think of a good day")
    async with review.signed_in(sam) as web:
        await plan_item(web, tandem, person_id, what="Look for a volunteering job")
        await send(web, person_id, chat)
        step = await item_message(chat, "Look for a volunteering job")
        await chat.click(CHANGE, message_id=step.id)
        await chat.wait_for("What would you change?")
        # A voice note is not words: they are asked to type.
        await chat.send_kind("voice")
        await chat.wait_for("Please type it in words")
        await chat.send("A paid job instead")
        await chat.wait_for("Your probation officer will read this")
        (item,) = await items(tandem, person_id)
        assert item.response_text == "A paid job instead"
    # The conversation carries on where it was: this answer is the tool's.
    await chat.send("I go to the gym")
    await chat.wait_for("Where are you on a good day")
    assert ("good_day", "I go to the gym") in await tandem.answers(person_id)


async def test_a_command_ends_the_wait_for_words(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Alex")
    review, sam = await case_manager(tandem, person_id)
    async with review.signed_in(sam) as web:
        await plan_item(web, tandem, person_id, what="Sort out the phone bill")
        await send(web, person_id, chat)
        step = await item_message(chat, "Sort out the phone bill")
        await chat.click(CHANGE, message_id=step.id)
        await chat.wait_for("What would you change?")
        await chat.send("/menu")
        await chat.wait_for("What would you like to do?")
        await chat.send("just saying hi")
        await chat.wait_for("To start, pick one of these.")
        (item,) = await items(tandem, person_id)
        assert item.response == "change" and item.response_text is None
        assert item.awaiting_words_since is None
        # The menu's buttons did not take the plan's away: they can still choose to talk
        # about it instead, from the same message.
        await chat.click("Talk about it next time instead", message_id=step.id)
        await chat.wait_for("You can talk about it at your next appointment")
        (item,) = await items(tandem, person_id)
        assert item.response == "talk"


async def test_a_welsh_speaker_gets_the_plan_in_welsh(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Dai")
    await chat.send("/language")
    await chat.wait_for(lambda m: "Cymraeg" in m.labels)
    await chat.click("Cymraeg")
    await chat.wait_for("Beth hoffech chi ei wneud?")
    review, sam = await case_manager(tandem, person_id)
    async with review.signed_in(sam) as web:
        await plan_item(
            web,
            tandem,
            person_id,
            what="Mynd i'r caffi trwsio",
            who="Dai a Sam",
            **{"by_when-day": "3", "by_when-month": "3", "by_when-year": "2099"},
        )
        await send(web, person_id, chat, "cy")
        await chat.wait_for("Dyma'r cynllun a wnaethoch chi gyda Sam.")
        step = await item_message(chat, "Mynd i'r caffi trwsio")
        assert step.text == "Mynd i'r caffi trwsio\n\nPwy: Dai a Sam\nErbyn: 3 Mawrth 2099"
        assert step.labels == [
            "Ydw, rydw i'n cytuno",
            "Hoffwn i newid rhywbeth",
            "Gadewch i ni siarad amdano y tro nesaf",
        ]
        await chat.click("Hoffwn i newid rhywbeth", message_id=step.id)
        await chat.wait_for("Beth fyddech chi'n ei newid?")
        await chat.send("Dydd Gwener yn lle")
        await chat.wait_for("Diolch. Bydd eich swyddog prawf yn darllen hyn")
        (item,) = await items(tandem, person_id)
        assert (item.response, item.response_text) == ("change", "Dydd Gwener yn lle")


@pytest.mark.parametrize(
    "data",
    ["pl:1:1:x", "pl:0:1:a", "pl:1:0:a", "pl:01:1:a", "pl:1:1", "pl:1:1:a:b", "pl:²:1:a",
     "pl:1:1:a\n", "pl:-1:1:a", "pl:1234567890123456789:1:a"],
)  # fmt: skip
def test_malformed_plan_buttons_are_not_plan_buttons(data: str) -> None:
    assert callbacks.parse(data) is None


def test_plan_button_data_round_trips_within_telegrams_limit() -> None:
    data = callbacks.plan_reply(10**17, 10**8, "c")
    assert len(data.encode()) <= callbacks.MAX_BYTES
    assert callbacks.parse(data) == callbacks.PlanReply(10**17, 10**8, "c")
    with pytest.raises(ValueError):
        callbacks.plan_reply(1, 1, "z")
