"""The moment of crisis: a worrying message is handled before anything else, and nothing else
happens in that turn.

When a message matches the safeguarding rules (dialogues/safeguarding.yaml):

- it is never stored as an answer: the tool the person was in is paused exactly where it was
  (its state is untouched), to carry on later from the same question;
- they get the helplines for what matched, then a short choice, and nothing after it: carry on
  with the tool later, ask for a call, or "I'm OK" (and their safety plan, if they made one).
  Where someone may be hurting them, the choice asks instead whether a call is safe, and when;
- the message is kept as a flag for their case manager whatever they later choose to share;
  another worrying message within `REPEAT_WINDOW` is added to the same flag with a shorter
  reply, and the choice is shown again (the older one loses its buttons).

While the choice waits (no choice made, no tool started since), what they type is not an answer
to anything: it is added to the flag, and they are told so. "I'm OK" never closes a flag; only
staff do.

Someone Tandem does not know gets the helplines and is told nobody else will see the message.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations import callbacks
from bot.conversations.catalogue import in_lang
from bot.conversations.messages import MAX_TEXT, Button, Incoming, Kind, Outgoing
from bot.conversations.texts import CRISIS, CRISIS_CY, say
from bot.conversations.turn import Turn
from bot.notifications import notify
from bot.safeguarding import Match
from bot.scheduling import escalation
from storage.conversations import (
    answers_of,
    conversation_for,
    latest_finished,
    open_conversations,
)
from storage.flags import (
    add_flag_message,
    awaiting_times,
    flag_for,
    raise_flag,
    recent_safeguarding_flag,
    request_callback,
)
from storage.models import Conversation, Flag, FlagMessage
from storage.outbox import sent_message
from storage.people import person_by_telegram_user

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from bot.conversations.onboarding import Onboarding

# Worrying messages this soon after the last one are added to its flag, with a shorter reply.
REPEAT_WINDOW = timedelta(minutes=60)
# The tool that /safety starts, and that the crisis reply offers once a person has made it.
SAFETY_PLAN = "safety_plan"
# What the choice's buttons stand for, as kept on the flag.
CHOICES = {"l": "later", "c": "call", "o": "ok"}
SAFE = {"y": "safe", "n": "not_safe", "t": "times"}
MAX_TIMES = 500


def words_of(inc: Incoming) -> str:
    """The words in a message that the rules read: typed text, an edit, a caption, or what
    follows a command ("/help i want to die")."""
    if inc.kind in (Kind.TEXT, Kind.EDITED, Kind.MEDIA):
        return inc.text
    if inc.kind is Kind.COMMAND and inc.command != "start":
        return inc.args
    return ""


async def intercept(svc: Onboarding, t: Turn) -> bool:
    """Handle the message here if it is worrying, or if a crisis reply is waiting for these
    words. True: it was, and nothing else may handle this update."""
    text = words_of(t.incoming)
    match = svc.catalogue.safeguards.check(text) if text else None
    if match is None:
        return await _waiting(svc, t)
    if t.person is None or t.person.id is None:
        # Nobody to tell: the numbers, and the truth about who sees it.
        t.send_text(svc.catalogue.safeguards.reply(match, t.lang))
        t.send("crisis_stranger")
        return True
    active = await _active(t)
    if active is not None and await _expected_here(svc, t, active, match):
        return False  # e.g. a safety plan's warning signs: the answer the question asks for
    if active is not None:
        active.status = "paused"
        active.updated_at = t.now
        t.session.add(active)
    flag = await recent_safeguarding_flag(t.session, t.person.id, t.now - REPEAT_WINDOW)
    if flag is None:
        flag = await _new_flag(svc, t, match, active)
        t.send_text(svc.catalogue.safeguards.reply(match, t.lang))
    else:
        new = _add_repeat(t, flag, match, active)
        if new:
            # Something they had not said before (someone hurting them, say): its own help.
            t.send_text(svc.catalogue.safeguards.reply(match, t.lang))
        else:
            t.send("crisis_repeat")
    await _show_choice(svc, t, flag)
    return True


async def _active(t: Turn) -> Conversation | None:
    assert t.person is not None and t.person.id is not None
    convs = await open_conversations(t.session, t.person.id)
    return next((c for c in convs if c.status == "active"), None)


async def _expected_here(svc: Onboarding, t: Turn, conv: Conversation, match: Match) -> bool:
    if t.incoming.kind not in (Kind.TEXT, Kind.MEDIA):
        return False
    script = await svc.catalogue.script_for_version(t.session, conv.script_version_id)
    if script is None or not script.has_step(conv.step):
        return False
    expected = script.step(conv.step).expected_worries
    return bool(expected) and set(match.categories) <= expected


async def _new_flag(svc: Onboarding, t: Turn, match: Match, active: Conversation | None) -> Flag:
    assert t.person is not None and t.person.id is not None
    inc = t.incoming
    rules = svc.catalogue.safeguards.rules
    flag = await raise_flag(
        t.session,
        Flag(
            service_user_id=t.person.id,
            conversation_id=active.id if active else None,
            kind="safeguarding",
            category=match.category,
            categories=list(match.categories),
            rule=_rule(match),
            rules_digest=rules.digest if rules else None,
            message=words_of(inc),
            media_kind=inc.media_kind or None,
            file_id=inc.file_id or None,
            update_id=inc.update_id,
            created_at=t.now,
            last_message_at=t.now,
        ),
    )
    await notify(t.session, person=t.person, kind="flag", now=t.now)
    await escalation.flag_raised(t.session, flag, now=t.now)
    return flag


def _add_repeat(t: Turn, flag: Flag, match: Match, active: Conversation | None) -> list[str]:
    """Add another worrying message to the flag; returns the categories it adds."""
    _add_message(t, flag, "repeat", match)
    new = [c for c in match.categories if c not in flag.categories]
    flag.categories = [*flag.categories, *new]
    flag.last_message_at = t.now
    flag.awaiting_times_since = None
    if active is not None:
        flag.conversation_id = active.id
    t.session.add(flag)
    return new


def _add_message(t: Turn, flag: Flag, kind: str, match: Match | None = None) -> None:
    """Keep this message with the flag: another worrying one (repeat), or words that came while
    the choice waited (after)."""
    assert flag.id is not None
    inc = t.incoming
    add_flag_message(
        t.session,
        FlagMessage(
            flag_id=flag.id,
            service_user_id=flag.service_user_id,
            kind=kind,
            text=words_of(inc),
            categories=list(match.categories) if match else [],
            rule=_rule(match) if match else None,
            media_kind=inc.media_kind or None,
            file_id=inc.file_id or None,
            update_id=inc.update_id,
            created_at=t.now,
        ),
    )


def _rule(match: Match) -> str:
    return f"{match.rule.text} (line {match.rule.line})"[:300]


async def _show_choice(svc: Onboarding, t: Turn, flag: Flag) -> None:
    """The short choice that ends a crisis reply. Its buttons stay until it is answered, however
    many questions come after; an older choice for the same flag loses its buttons."""
    assert flag.id is not None
    await _retire_choice(t, flag)
    paused = await _paused_tool(svc, t, flag)
    if _asks_if_safe(svc, flag) and flag.contact is None:
        rows = tuple(
            (Button(say(label, t.lang), callbacks.safe_to_call(flag.id, answer)),)
            for answer, label in (("y", "safe_yes"), ("n", "safe_no"), ("t", "safe_times"))
        )
        key = "crisis_choice_safe"
    else:
        buttons: list[Button] = []
        if paused is not None:
            title, _ = paused
            buttons.append(
                Button(
                    say("choice_later", t.lang, title=title), callbacks.crisis_choice(flag.id, "l")
                )
            )
        if flag.callback_requested_at is None and flag.contact != "not_safe":
            buttons.append(
                Button(say("choice_call", t.lang), callbacks.crisis_choice(flag.id, "c"))
            )
        buttons.append(Button(say("choice_ok", t.lang), callbacks.crisis_choice(flag.id, "o")))
        if await _safety_plan(t) is not None:
            buttons.append(
                Button(say("choice_plan", t.lang), callbacks.crisis_choice(flag.id, "p"))
            )
        rows = tuple((b,) for b in buttons)
        key = "crisis_choice"
    choice = Outgoing(t.incoming.chat_id, say(key, t.lang), rows, keep_buttons=True)
    t.out.append(choice)
    t.choice = (choice, flag)


async def _retire_choice(t: Turn, flag: Flag) -> None:
    if flag.choice_outbox_id is None or flag.person_choice is not None:
        return
    sent = await sent_message(t.session, flag.choice_outbox_id)
    if sent is not None:
        message_id, text = sent
        t.out.append(Outgoing(t.incoming.chat_id, text, edit_message_id=message_id))


def _asks_if_safe(svc: Onboarding, flag: Flag) -> bool:
    rules = svc.catalogue.safeguards.rules
    if rules is None:
        return False
    known = {c.key for c in rules.categories}
    return any(rules.category(key).call == "ask_if_safe" for key in flag.categories if key in known)


async def _paused_tool(svc: Onboarding, t: Turn, flag: Flag) -> tuple[str, Conversation] | None:
    """The tool this crisis paused, while it is still paused: its title and conversation."""
    if flag.conversation_id is None or t.person is None or t.person.id is None:
        return None
    conv = await conversation_for(t.session, t.person.id, flag.conversation_id)
    if conv is None or conv.status != "paused":
        return None
    script = await svc.catalogue.script_for_version(t.session, conv.script_version_id)
    if script is None:
        return None
    return in_lang(script.title, t.lang), conv


async def _safety_plan(t: Turn) -> Conversation | None:
    if t.person is None or t.person.id is None:
        return None
    return await latest_finished(t.session, t.person.id, SAFETY_PLAN)


async def despite_failure(
    svc: Onboarding, session: AsyncSession, inc: Incoming, now: datetime
) -> tuple[str, list[str]]:
    """When handling an update failed (a bug of ours), what must still happen for a worrying
    message: its helplines for the person, and a flag for their case manager. Returns the
    person's language and the texts to send before the apology."""
    text = words_of(inc)
    match = svc.catalogue.safeguards.check(text) if text else None
    lang = "cy" if inc.language_code.lower().startswith("cy") else "en"
    if match is None:
        return lang, []
    person = await person_by_telegram_user(session, inc.user_id) if inc.user_id else None
    if person is not None and person.id is not None:
        lang = person.language
        try:
            async with session.begin_nested():
                flag = await raise_flag(
                    session,
                    Flag(
                        service_user_id=person.id,
                        kind="safeguarding",
                        category=match.category,
                        categories=list(match.categories),
                        rule=_rule(match),
                        message=text,
                        update_id=inc.update_id,
                        created_at=now,
                        last_message_at=now,
                    ),
                )
                await notify(session, person=person, kind="flag", now=now)
                await escalation.flag_raised(session, flag, now=now)
        except Exception:  # noqa: BLE001 - the helplines must go out whatever else fails
            log.exception("update %s: could not keep the flag", inc.update_id)
    return lang, [svc.catalogue.safeguards.reply(match, lang)]


# -- while the crisis reply waits ---------------------------------------------------------------


async def _waiting(svc: Onboarding, t: Turn) -> bool:
    """Words that answer "when is it safe to call?", or that come while the choice waits."""
    inc = t.incoming
    if t.person is None or t.person.id is None:
        return False
    flag = await awaiting_times(t.session, t.person.id)
    if flag is not None and inc.kind in (Kind.COMMAND, Kind.BUTTON):
        # Like any "type it next" wait: only the very next message. A command or another
        # button means they have moved on (they are still asked whether a call is safe
        # next time the flag's choice is shown).
        if not isinstance(callbacks.parse(inc.button_data), callbacks.SafeToCall):
            flag.awaiting_times_since = None
            flag.contact = None
            t.session.add(flag)
        return False
    if inc.kind not in (Kind.TEXT, Kind.MEDIA):
        return False
    if flag is not None:
        if inc.kind is Kind.MEDIA or not inc.text.strip():
            t.send("safe_type_words")
            return True
        flag.contact_times = inc.text.strip()[:MAX_TIMES]
        flag.awaiting_times_since = None
        t.session.add(flag)
        t.send("safe_times_kept")
        await _then(svc, t, flag)
        return True
    flag = await recent_safeguarding_flag(t.session, t.person.id, t.now - REPEAT_WINDOW)
    if flag is None or flag.id is None or flag.person_choice is not None or flag.contact:
        return False
    if await _active(t) is not None:
        return False  # they have started or carried on with a tool since: these are answers
    _add_message(t, flag, "after")
    t.send("crisis_after")
    await _show_choice(svc, t, flag)
    return True


# -- the person's choice -----------------------------------------------------------------------


async def chosen(svc: Onboarding, t: Turn, data: callbacks.CrisisChoice) -> None:
    person = t.person
    assert person is not None and person.id is not None
    flag = await flag_for(t.session, person.id, data.flag_id)
    if flag is None or flag.kind != "safeguarding":
        t.toast = say("invalid_button", t.lang)
        return
    if data.choice == "p":
        await show_safety_plan(svc, t)  # the choice stays open beside it
        return
    paused = await _paused_tool(svc, t, flag)
    label = (
        say("choice_later", t.lang, title=paused[0] if paused else "")
        if data.choice == "l"
        else say("choice_call" if data.choice == "c" else "choice_ok", t.lang)
    )
    t.out.append(svc._done_button_edit(t, label))
    flag.person_choice = CHOICES[data.choice]
    flag.person_choice_at = t.now
    t.session.add(flag)
    if data.choice == "l":
        if paused is not None:
            t.send("crisis_later", title=paused[0])
        else:
            t.send("crisis_later_gone")
    elif data.choice == "c":
        await request_callback(t.session, flag, t.now)
        await notify(t.session, person=person, kind="callback", now=t.now)
        t.send("crisis_call")
    else:
        resume: tuple[tuple[Button, ...], ...] = ()
        if paused is not None and paused[1].id is not None and person.consented_at is not None:
            title, conv = paused
            resume = (
                (Button(say("menu_resume", t.lang, title=title), callbacks.resume(conv.id or 0)),),
            )
        t.send("crisis_ok", buttons=resume)
    if person.consented_at is None:
        svc._consent_prompt(t)


async def safe_to_call(svc: Onboarding, t: Turn, data: callbacks.SafeToCall) -> None:
    person = t.person
    assert person is not None and person.id is not None
    flag = await flag_for(t.session, person.id, data.flag_id)
    if flag is None:
        t.toast = say("invalid_button", t.lang)
        return
    label = {"y": "safe_yes", "n": "safe_no", "t": "safe_times"}[data.answer]
    t.out.append(svc._done_button_edit(t, say(label, t.lang)))
    flag.contact = SAFE[data.answer]
    flag.awaiting_times_since = t.now if data.answer == "t" else None
    if data.answer != "t":
        flag.contact_times = None
    t.session.add(flag)
    if data.answer == "t":
        t.send("safe_when")
        return
    t.send("safe_yes_kept" if data.answer == "y" else "safe_no_kept")
    await _then(svc, t, flag)


async def _then(svc: Onboarding, t: Turn, flag: Flag) -> None:
    """After saying whether a call is safe: where they can go next."""
    person = t.person
    assert person is not None
    if person.consented_at is None:
        svc._consent_prompt(t)
        return
    paused = await _paused_tool(svc, t, flag)
    if paused is not None:
        t.send("crisis_later", title=paused[0])


# -- the safety plan ---------------------------------------------------------------------------


async def show_safety_plan(svc: Onboarding, t: Turn) -> None:
    """/safety: the person's own plan as they wrote it, or an offer to make one."""
    script = svc.catalogue.get(SAFETY_PLAN)
    plan = await _safety_plan(t)
    if script is None:
        t.send("safety_missing")
        return
    if plan is None or plan.id is None:
        make = Button(say("safety_make", t.lang), callbacks.make_safety_plan())
        t.send("safety_none", buttons=((make,),))
        return
    version = await svc.catalogue.script_for_version(t.session, plan.script_version_id)
    shown = version or script
    lines = [say("safety_yours", t.lang)]
    for answer in await answers_of(t.session, plan.id):
        if answer.skipped or not shown.has_step(answer.step_id):
            continue
        heading = shown.step(answer.step_id).label(t.lang)
        lines.append(f"{heading}\n{answer.display}")
    lines.append(CRISIS_CY if t.lang == "cy" else CRISIS)
    text = "\n\n".join(lines)
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    change = Button(say("safety_change", t.lang), callbacks.make_safety_plan())
    t.send_text(text, ((change,),))
