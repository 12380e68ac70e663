"""Invites, first contact and consent: nobody gets anything without a valid link."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from storage.models import Invite, ServiceUser
from tests.support.tandem import Harness


async def test_stranger_gets_a_polite_explanation_and_nothing_else(tandem: Harness) -> None:
    chat = await tandem.chat("Stranger")
    for attempt in ("hello", "/menu", "/start"):
        await chat.send(attempt)
        reply = await chat.wait_for("personal link from your probation officer")
        assert reply.buttons == []
    await chat.send_kind("photo")
    await chat.wait_for("personal link")
    replies = await chat.replies()
    assert all(not m.buttons for m in replies)


async def test_wrong_code_is_refused(tandem: Harness) -> None:
    chat = await tandem.chat()
    await chat.start("not-a-real-code-123")
    await chat.wait_for("I don't recognise that link")
    await chat.start("x")  # not even the shape of a code
    await chat.wait_for("I don't recognise that link")


async def test_invite_links_once_and_then_is_used(tandem: Harness) -> None:
    invitation = await tandem.invite("Jo Example")
    first = await tandem.chat("Jo")
    await first.start(invitation.code)
    await first.wait_for("Hello Jo. I'm Tandem")
    # Tapping their own link again is harmless.
    await first.start(invitation.code)
    await first.wait_for("Nobody watches this chat")
    # Someone else with the same link gets nothing.
    other = await tandem.chat("Other")
    await other.start(invitation.code)
    await other.wait_for("That link has already been used")
    await other.send("hi")
    await other.wait_for("personal link")


async def test_expired_code(tandem: Harness) -> None:
    invitation = await tandem.invite()
    async with tandem.db.transaction() as session:
        invite = (await session.exec(select(Invite))).one()
        invite.expires_at = invite.created_at - timedelta(seconds=1)
        session.add(invite)
    chat = await tandem.chat()
    await chat.start(invitation.code)
    await chat.wait_for("That link has run out")


async def test_codes_are_stored_hashed(tandem: Harness) -> None:
    invitation = await tandem.invite()
    async with tandem.db.transaction() as session:
        invite = (await session.exec(select(Invite))).one()
    assert invitation.code not in invite.code_hash
    assert len(invite.code_hash) == 64


async def test_consent_comes_before_anything_else(tandem: Harness) -> None:
    invitation = await tandem.invite("Sam Example")
    chat = await tandem.chat("Sam")
    await chat.start(invitation.code)
    first_contact = [
        (await chat.wait_for("Hello Sam")).text,
        (await chat.wait_for("One thing is always passed on")).text,
        (await chat.wait_for("Samaritans")).text,
    ]
    assert "116 123" in first_contact[2] and "999" in first_contact[2]
    assert "Nobody watches this chat all the time" in first_contact[2]
    for attempt in ("/menu", "let me in"):
        await chat.send(attempt)
        await chat.wait_for("Before we start")
        await chat.wait_for(lambda m: "OK, let's start" in m.labels)
    await chat.send("/help")
    await chat.wait_for("/pause - stop for now")
    await chat.wait_for(lambda m: "OK, let's start" in m.labels)
    await chat.click("OK, let's start")
    menu = await chat.wait_for("What would you like to do?")
    assert "Good day, bad day" in menu.labels


async def test_account_already_linked_keeps_its_link(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Lee")
    spare = await tandem.invite("Someone Else")
    await chat.start(spare.code)
    await chat.wait_for("already set up")
    async with tandem.db.transaction() as session:
        invite = (
            await session.exec(select(Invite).where(Invite.service_user_id == spare.person_id))
        ).one()
    assert invite.used_at is None


async def test_a_new_invite_moves_the_person_to_a_new_phone(tandem: Harness) -> None:
    from bot.conversations.enrolment import reissue_invite

    old_phone, person_id = await tandem.joined_chat("Kim")
    invitation = await reissue_invite(tandem.db, person_id)
    new_phone = await tandem.chat("Kim")
    await new_phone.start(invitation.code)
    await new_phone.wait_for("Hello Kim")  # told again what Tandem is, and asked to agree
    await old_phone.send("/menu")
    await old_phone.wait_for("personal link")
    async with tandem.db.transaction() as session:
        person = await session.get(ServiceUser, person_id)
    assert person is not None and person.telegram_user_id == new_phone.user_id
