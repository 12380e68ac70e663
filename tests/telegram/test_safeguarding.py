"""A worrying message, at any moment, through the real Telegram client: the helplines come first
and stay last on screen with a short choice; nothing is stored as an answer; the tool waits at the
question that was open; the case manager gets a flag with the message.

"Nothing after the choice" is checked without waiting and hoping: every reply to one update is
queued in one transaction, so once the outbox is empty and the choice is showing, nothing more
can come from that message.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import col, select

from bot.sandbox.client import Chat, Message
from storage import outbox
from storage.models import Conversation, Flag, FlagMessage
from tests.support.tandem import Harness

CHOICE = "What would you like to do now?"
SAFE_QUESTION = "Is it safe for your probation officer to call you?"


async def settled(tandem: Harness, chat: Chat) -> list[Message]:
    """Every bot message, once everything queued so far has been sent and shown."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while await outbox.pending_count(tandem.db):
        assert loop.time() < deadline, "the outbox did not empty"
        await asyncio.sleep(0.05)
    await chat.refresh()
    return await chat.bot_messages()


async def last_is(tandem: Harness, chat: Chat, text: str) -> Message:
    """This message has come, and it is the newest in the chat: nothing was sent after it."""
    await chat.wait_for(text)
    newest = max(await settled(tandem, chat), key=lambda m: m.id)
    assert text in (newest.text or ""), newest.text
    return newest


async def flags(tandem: Harness) -> list[Flag]:
    async with tandem.db.transaction() as session:
        return list((await session.exec(select(Flag).order_by(col(Flag.id)))).all())


async def added(tandem: Harness) -> list[FlagMessage]:
    async with tandem.db.transaction() as session:
        stmt = select(FlagMessage).order_by(col(FlagMessage.id))
        return list((await session.exec(stmt)).all())


async def conversation(tandem: Harness, person_id: int) -> Conversation:
    async with tandem.db.transaction() as session:
        stmt = select(Conversation).where(Conversation.service_user_id == person_id)
        return (await session.exec(stmt.order_by(col(Conversation.id).desc()))).first()


async def good_day_up_to_good_why(chat: Chat) -> None:
    await chat.click("Good day, bad day")
    await chat.wait_for(lambda m: "Think of a good day" in m.text and m.buttons)
    for answer, next_question in (
        ("Seeing my kids", "Where are you on a good day"),
        ("At the park", "Who is with you"),
        ("My sister", "What makes that day a good one"),
    ):
        await chat.send(answer)
        await chat.wait_for(lambda m, q=next_question: q in (m.text or "") and m.buttons)


async def test_mid_tool_the_tool_stops_and_carries_on_later_at_the_same_question(
    tandem: Harness,
) -> None:
    chat, person_id = await tandem.joined_chat("Charlie")
    await good_day_up_to_good_why(chat)
    await chat.send("gonna end it")
    reply = await chat.wait_for("Samaritans: call 116 123")
    for helpline in ("Shout: text SHOUT to 85258", "NHS 111, option 2", "999"):
        assert helpline in reply.text
    choice = await last_is(tandem, chat, CHOICE)
    assert choice.id == reply.id + 1, "the choice follows the helplines at once"
    assert "Your probation officer will see this message" in choice.text
    assert choice.labels == [
        "Carry on with Good day, bad day later",
        "I'd like a call",
        "I'm OK",
    ]
    texts = [m.text or "" for m in await chat.bot_messages()]
    assert not any("It helps to know what goes well" in t for t in texts), "no praise after it"
    assert not any("Now think of a hard day" in t for t in texts), "no next question"
    # The words are not an answer; the tool is paused at the question that was open.
    answers = dict(await tandem.answers(person_id))
    assert "good_why" not in answers and answers["good_day"] == "Seeing my kids"
    conv = await conversation(tandem, person_id)
    assert conv.status == "paused" and conv.step == "good_why"
    [flag] = await flags(tandem)
    assert flag.kind == "safeguarding" and flag.category == "suicide_self_harm"
    assert flag.message == "gonna end it" and flag.conversation_id == conv.id
    assert flag.resolved_at is None and flag.person_choice is None

    await chat.click("Carry on with Good day, bad day later")
    await chat.wait_for("When you're ready, send /menu")
    assert (await flags(tandem))[0].person_choice == "later"
    await chat.send("/menu")
    await chat.wait_for(lambda m: "Carry on: Good day, bad day" in m.labels)
    await chat.click("Carry on: Good day, bad day")
    await chat.wait_for(lambda m: "What makes that day a good one" in (m.text or "") and m.buttons)
    await chat.send("Being outside")
    await chat.wait_for(lambda m: "Now think of a hard day" in (m.text or ""))
    assert dict(await tandem.answers(person_id))["good_why"] == "Being outside"


async def test_at_the_menu_no_menu_follows_and_im_ok_never_closes_the_flag(
    tandem: Harness,
) -> None:
    chat, _ = await tandem.joined_chat("Dee")
    await chat.send("i cant take this anymore i want to die")
    await chat.wait_for("Samaritans: call 116 123")
    choice = await last_is(tandem, chat, CHOICE)
    assert choice.labels == ["I'd like a call", "I'm OK"], "no tool was open"
    texts = [m.text or "" for m in await chat.bot_messages()]
    assert sum("pick one" in t.lower() for t in texts) == 1, "only the menu from joining"
    await chat.click("I'm OK")
    ok = await chat.wait_for("Thank you for letting me know")
    assert "will still see what you wrote" in ok.text
    [flag] = await flags(tandem)
    assert flag.person_choice == "ok" and flag.resolved_at is None


async def test_a_second_message_adds_to_the_flag_with_a_shorter_reply_and_one_live_choice(
    tandem: Harness,
) -> None:
    chat, _ = await tandem.joined_chat("Eli")
    await chat.send("whats the point anymore")
    first = await last_is(tandem, chat, CHOICE)
    assert first.buttons
    await chat.send("i just want to die")
    short = await chat.wait_for("I've added this to the message your probation officer")
    assert "116 123" in short.text and "Shout" not in short.text, "shorter, no wall of repeats"
    newest = await last_is(tandem, chat, CHOICE)
    assert newest.id > first.id and newest.labels == ["I'd like a call", "I'm OK"]
    messages = {m.id: m for m in await settled(tandem, chat)}
    assert messages[first.id].buttons == [], "the older choice lost its buttons"
    # Words while the choice waits are not lost: they go with the flag, and the person is told.
    await chat.send("sorry. its just been a really bad week")
    await chat.wait_for("Thank you. I've added this")
    await last_is(tandem, chat, CHOICE)
    [flag] = await flags(tandem)
    assert flag.message == "whats the point anymore"
    assert [(m.kind, m.text) for m in await added(tandem)] == [
        ("repeat", "i just want to die"),
        ("after", "sorry. its just been a really bad week"),
    ]
    await chat.click("I'd like a call", message_id=(await last_is(tandem, chat, CHOICE)).id)
    await chat.wait_for("I've asked your probation officer to call you")
    assert (await flags(tandem))[0].callback_requested_at is not None


async def test_the_choice_keeps_its_buttons_while_a_tool_goes_on(tandem: Harness) -> None:
    chat, _ = await tandem.joined_chat("Flo")
    await chat.send("i feel like topping myself")
    choice = await last_is(tandem, chat, CHOICE)
    await chat.send("/menu")
    await chat.wait_for(lambda m: "Check-in between appointments" in m.labels)
    await chat.click("Check-in between appointments")
    await chat.wait_for(lambda m: "Very well" in m.labels)
    shown = {m.id: m for m in await settled(tandem, chat)}
    assert shown[choice.id].labels == ["I'd like a call", "I'm OK"]
    await chat.click("I'd like a call", message_id=choice.id)
    await chat.wait_for("I've asked your probation officer to call you")
    assert (await flags(tandem))[0].callback_requested_at is not None


async def test_before_consent_domestic_abuse_asks_if_a_call_is_safe_and_keeps_the_times(
    tandem: Harness,
) -> None:
    invitation = await tandem.invite("Gee Example")
    chat = await tandem.chat("Gee")
    await chat.start(invitation.code)
    await chat.wait_for(lambda m: "OK, let's start" in m.labels)
    await chat.send("my partner hits me i need help")
    reply = await chat.wait_for("You don't deserve to be hurt")
    for words in ("press 55", "0808 2000 247", "0808 80 10 800", "delete this chat", "passcode"):
        assert words in reply.text, words
    question = await last_is(tandem, chat, SAFE_QUESTION)
    assert question.labels == ["Yes, it's safe", "No, it's not safe", "Only at certain times"]
    texts = [m.text or "" for m in await chat.bot_messages()]
    assert not any("Before we start, please read" in t for t in texts)
    await chat.click("Only at certain times")
    await chat.wait_for("When is it safe to call?")
    await chat.send("not when hes home. weekday mornings")
    await chat.wait_for("call only then")
    await chat.wait_for(lambda m: "OK, let's start" in m.labels)
    [flag] = await flags(tandem)
    assert flag.category == "being_harmed" and flag.contact == "times"
    assert flag.contact_times == "not when hes home. weekday mornings"
    assert flag.callback_requested_at is None


async def test_a_stranger_gets_the_numbers_and_the_truth_and_nothing_else(tandem: Harness) -> None:
    chat = await tandem.chat("Anon")
    await chat.send("I want to end my life")
    await chat.wait_for("Samaritans: call 116 123")
    await last_is(tandem, chat, "nobody else will see this message")
    texts = [m.text or "" for m in await chat.bot_messages()]
    assert not any("personal link" in t for t in texts)
    assert await flags(tandem) == []
    await chat.send("hello")
    await chat.wait_for("personal link from your probation officer")


@pytest.mark.parametrize(
    ("message", "category", "reply"),
    [
        ("my mate has collapsed and isnt breathing", "medical_emergency", "call 999 now"),
        ("im going to stab him when i see him", "harm_to_others", "Thank you for being honest"),
        ("got kicked out, nowhere to sleep tonight", "nowhere_to_sleep", "homelessness team"),
        ("everything is falling apart. i give up", "struggling_to_cope", "so hard right now"),
    ],
)
async def test_each_category_has_its_own_first_lines(
    tandem: Harness, message: str, category: str, reply: str
) -> None:
    chat, _ = await tandem.joined_chat("Hal")
    await chat.click("Good day, bad day")
    await chat.wait_for(lambda m: "Think of a good day" in m.text and m.buttons)
    await chat.send(message)
    await chat.wait_for(reply)
    choice = await last_is(tandem, chat, CHOICE)
    assert choice.labels[0] == "Carry on with Good day, bad day later"
    [flag] = await flags(tandem)
    assert flag.category == category


async def test_in_a_list_item_the_list_so_far_is_kept_for_later(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Ivy")
    await chat.click("People in my life")
    await chat.wait_for(lambda m: "first name" in (m.text or "").lower() and m.buttons)
    await chat.send("Jo")
    question = await chat.wait_for(lambda m: bool(m.buttons) and "Jo" in (m.text or ""))
    await chat.send("jo keeps saying hes going to kill me")
    await last_is(tandem, chat, SAFE_QUESTION)
    assert "being_harmed" in (await flags(tandem))[0].categories
    assert await tandem.answers(person_id) == []
    conv = await conversation(tandem, person_id)
    assert conv.status == "paused" and "Jo" in str(conv.state.get("draft"))
    await chat.click("No, it's not safe")
    await chat.wait_for("not to call you")
    assert (await flags(tandem))[0].contact == "not_safe"
    await chat.send("/menu")
    await chat.wait_for(lambda m: "Carry on: People in my life" in m.labels)
    await chat.click("Carry on: People in my life")
    again = await chat.wait_for(lambda m: bool(m.buttons) and "Jo" in (m.text or ""))
    assert again.text == question.text


async def test_at_check_your_answers_the_summary_is_not_sent_again(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Jay")
    await chat.click("Good day, bad day")
    question = await chat.wait_for(lambda m: "Think of a good day" in m.text and m.buttons)
    for _ in range(8):  # skip every typed question to the yes/no
        await chat.click("Skip this one", message_id=question.id)
        question = await chat.wait_for(lambda m, q=question.id: m.id > q and bool(m.buttons))
    await chat.click("Not now", message_id=question.id)
    await chat.wait_for(lambda m: "Keep it to myself for now" in m.labels)
    await chat.send("i want to kill myself")
    await chat.wait_for("Samaritans: call 116 123")
    await last_is(tandem, chat, CHOICE)
    summaries = [m for m in await chat.bot_messages() if "Here are your answers" in (m.text or "")]
    assert len(summaries) == 1
    conv = await conversation(tandem, person_id)
    assert conv.status == "paused" and conv.step == "check" and conv.sharing == "undecided"


async def test_after_a_pause_and_in_an_edit_and_a_caption(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Kit")
    await chat.click("Good day, bad day")
    await chat.wait_for(lambda m: "Think of a good day" in m.text and m.buttons)
    sent = await chat.send("Football with my mates")
    await chat.wait_for(lambda m: "Where are you on a good day" in (m.text or ""))
    await chat.send("/pause")
    await chat.wait_for("let's stop here")
    # An edit that turns an answer into something worrying: the crisis reply, not "I can't
    # pick up changes", and the answer already kept stays as it was.
    await chat.edit(sent, "football with my mates. i want to die")
    await chat.wait_for("Samaritans: call 116 123")
    choice = await last_is(tandem, chat, CHOICE)
    assert choice.labels == ["I'd like a call", "I'm OK"], "the tool was already paused"
    texts = [m.text or "" for m in await chat.bot_messages()]
    assert not any("I can't pick up changes" in t for t in texts)
    assert dict(await tandem.answers(person_id))["good_day"] == "Football with my mates"
    # A voice note with worrying words in its caption: added to the same flag, with its file.
    await chat.send_kind("voice", caption="he hit me again")
    await chat.wait_for("You don't deserve to be hurt")
    await last_is(tandem, chat, SAFE_QUESTION)
    [flag] = await flags(tandem)
    assert flag.categories == ["suicide_self_harm", "being_harmed"]
    [repeat] = await added(tandem)
    assert repeat.kind == "repeat" and repeat.text == "he hit me again"
    assert repeat.media_kind == "voice" and repeat.file_id
    assert (await conversation(tandem, person_id)).step == "good_where"


async def test_a_press_then_typing_both_handled_in_order(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Lee")
    await chat.click("Check-in between appointments")
    question = await chat.wait_for(lambda m: "Struggling" in m.labels)
    await chat.click("Struggling", message_id=question.id)
    await chat.send("i cant go on like this, i want to die")
    await chat.wait_for("Samaritans: call 116 123")
    await last_is(tandem, chat, CHOICE)
    answers = dict(await tandem.answers(person_id))
    assert answers == {"feeling": "struggling"}
    conv = await conversation(tandem, person_id)
    assert conv.status == "paused" and conv.step == "feeling_hard"


async def test_two_people_at_once(tandem: Harness) -> None:
    (one, first_id), (two, second_id) = await asyncio.gather(
        tandem.joined_chat("Mo"), tandem.joined_chat("Ned")
    )
    await asyncio.gather(one.send("i want to kill myself"), two.send("he hit me again"))
    await asyncio.gather(
        one.wait_for("Samaritans: call 116 123"), two.wait_for("You don't deserve to be hurt")
    )
    await asyncio.gather(last_is(tandem, one, CHOICE), last_is(tandem, two, SAFE_QUESTION))
    by_person = {f.service_user_id: f.category for f in await flags(tandem)}
    assert by_person == {first_id: "suicide_self_harm", second_id: "being_harmed"}


async def test_welsh(tandem: Harness) -> None:
    chat, _ = await tandem.joined_chat("Rhys")
    await chat.send("/language")
    await chat.wait_for(lambda m: "Cymraeg" in m.labels)
    await chat.click("Cymraeg")
    await chat.wait_for("Beth hoffech chi ei wneud?")
    await chat.send("dwi isio lladd fy hun")
    reply = await chat.wait_for("Y Samariaid: ffoniwch 116 123")
    assert "0808 164 0123" in reply.text
    choice = await last_is(tandem, chat, "Beth hoffech chi ei wneud nawr?")
    assert choice.labels == ["Hoffwn i gael galwad", "Rydw i'n iawn"]


async def test_everyday_phrases_do_not_fire(tandem: Harness) -> None:
    chat, _ = await tandem.joined_chat("Mel")
    await chat.click("Good day, bad day")
    await chat.wait_for(lambda m: "Think of a good day" in m.text and m.buttons)
    await chat.send("I could kill for a coffee on a good day")
    await chat.wait_for(lambda m: "Where are you on a good day" in m.text and m.buttons)
    await chat.send("this form is killing me lol")
    await chat.wait_for(lambda m: "Who is with you" in m.text and m.buttons)
    assert not [m for m in await chat.bot_messages() if "Samaritans: call" in (m.text or "")]
    assert await flags(tandem) == []


async def test_asking_for_a_call_from_help(tandem: Harness) -> None:
    chat, _ = await tandem.joined_chat("Vi")
    await chat.send("/help")
    await chat.wait_for(lambda m: "Ask my probation officer to call me" in m.labels)
    await chat.click("Ask my probation officer to call me")
    await chat.wait_for("I've asked your probation officer to call you")
    [flag] = await flags(tandem)
    assert flag.kind == "callback" and flag.callback_requested_at is not None


async def test_who_sees_what_is_said_before_anyone_writes(tandem: Harness) -> None:
    invitation = await tandem.invite("Nia Example")
    chat = await tandem.chat("Nia")
    await chat.start(invitation.code)
    await chat.wait_for(lambda m: "OK, let's start" in m.labels)
    first_contact = " ".join(m.text or "" for m in await chat.bot_messages())
    assert "One thing is always passed on" in first_contact
    assert "Your probation officer reads your answers" not in first_contact
    await chat.send("/privacy")
    privacy = await chat.wait_for("Who sees what you write here")
    assert "always passed on" in privacy.text and "only if you choose" in privacy.text
    await chat.wait_for(lambda m: "OK, let's start" in m.labels and m.id > privacy.id)
    await chat.click("OK, let's start")
    await chat.wait_for("What would you like to do?")
    await chat.send("/help")
    help_text = await chat.wait_for("/privacy")
    assert "One thing is always passed on" in help_text.text and "/safety" in help_text.text


async def test_asking_for_a_call_in_the_check_in_reaches_staff_even_if_kept_private(
    tandem: Harness,
) -> None:
    chat, person_id = await tandem.joined_chat("Ash")
    await chat.click("Check-in between appointments")
    await chat.wait_for(lambda m: "Very well" in m.labels)
    await chat.click("Very well")
    await chat.wait_for(lambda m: "What has helped" in m.text and m.buttons)
    await chat.send("My routine")
    question = await chat.wait_for(lambda m: "Done" in m.labels)
    await chat.click("No, nothing right now", message_id=question.id)
    await chat.wait_for(lambda m: m.id == question.id and any("✓" in label for label in m.labels))
    await chat.click("Done", message_id=question.id)
    await chat.wait_for(lambda m: "Yes, please" in m.labels)
    await chat.click("Yes, please")
    await chat.wait_for(lambda m: "good time to call" in m.text and m.buttons)
    await chat.send("mornings, not when hes home")
    said = await chat.wait_for("I have asked your probation officer to call you")
    assert "even if you keep your other answers to yourself" in said.text
    await chat.wait_for(lambda m: "Keep it to myself for now" in m.labels)
    await chat.click("Keep it to myself for now")
    await chat.wait_for("won't see these answers")
    [flag] = await flags(tandem)
    assert flag.kind == "callback" and flag.callback_requested_at is not None
    assert flag.service_user_id == person_id
    assert (flag.contact, flag.contact_times) == ("times", "mornings, not when hes home")


async def skip_to_the_end(chat: Chat, after: int) -> None:
    """Skip every question of a tool and keep the answers private."""
    while True:
        question = await chat.wait_for(lambda m, a=after: m.id > a and bool(m.buttons))
        after = question.id
        if "Keep it to myself for now" in question.labels:
            await chat.click("Keep it to myself for now", message_id=question.id)
            return
        await chat.click("Skip this one", message_id=question.id)


async def test_a_safety_plan_keeps_hard_thoughts_and_the_crisis_reply_offers_it(
    tandem: Harness,
) -> None:
    chat, person_id = await tandem.joined_chat("Pat")
    await chat.send("/safety")
    offer = await chat.wait_for("You don't have a safety plan yet")
    await chat.click("Make my safety plan", message_id=offer.id)
    signs = await chat.wait_for(lambda m: "hard time may be coming" in (m.text or ""))
    # On this question hard thoughts are the answer: kept in the plan, not a crisis.
    await chat.send("when i start thinking about killing myself")
    thanks = await chat.wait_for("Knowing your signs")
    assert await flags(tandem) == []
    await skip_to_the_end(chat, thanks.id)
    await chat.wait_for("Your probation officer won't see these answers")
    assert dict(await tandem.answers(person_id))["warning_signs"] == (
        "when i start thinking about killing myself"
    )
    await chat.send("/safety")
    plan = await chat.wait_for("Your safety plan:")
    assert "My warning signs\nwhen i start thinking about killing myself" in plan.text
    assert "116 123" in plan.text and plan.labels == ["Change my safety plan"]
    assert signs.id < plan.id

    await chat.send("i want to end it all tonight")
    choice = await last_is(tandem, chat, CHOICE)
    assert choice.labels == ["I'd like a call", "I'm OK", "See my safety plan"]
    await chat.click("See my safety plan", message_id=choice.id)
    await chat.wait_for("Your safety plan:")
    shown = {m.id: m for m in await settled(tandem, chat)}
    assert shown[choice.id].labels == choice.labels, "the choice is still open"
    [flag] = await flags(tandem)
    assert flag.person_choice is None


async def test_in_a_safety_plan_other_worries_are_still_a_crisis(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Quin")
    await chat.send("/safety")
    offer = await chat.wait_for("You don't have a safety plan yet")
    await chat.click("Make my safety plan", message_id=offer.id)
    await chat.wait_for(lambda m: "hard time may be coming" in (m.text or ""))
    await chat.send("my partner hits me when he is drunk")
    await chat.wait_for("You don't deserve to be hurt")
    await last_is(tandem, chat, SAFE_QUESTION)
    assert await tandem.answers(person_id) == []
    [flag] = await flags(tandem)
    assert flag.category == "being_harmed"


async def test_when_our_own_code_fails_a_worrying_message_still_gets_help_and_a_flag(
    tandem: Harness,
) -> None:
    chat, person_id = await tandem.joined_chat("Rae")
    await chat.send("i want to die")
    await last_is(tandem, chat, CHOICE)
    # Damage the flag, as a bad migration or a manual edit might: adding to it now fails.
    async with tandem.db.transaction() as session:
        flag = (await session.exec(select(Flag))).one()
        flag.categories = 5  # type: ignore[assignment]
        session.add(flag)
    await chat.send("he hit me again")
    await chat.wait_for("You don't deserve to be hurt")
    await chat.wait_for("something went wrong on our side")
    newest = await flags(tandem)
    assert [(f.category, f.message) for f in newest[1:]] == [("being_harmed", "he hit me again")]
    assert newest[1].service_user_id == person_id
