"""What Tandem sends without being asked, made safe on a lock screen by construction.

A phone shows the start of a new message on its lock screen, to whoever picks it up. So every
message Tandem sends unasked — an invitation to a tool, a nudge, an appointment reminder, a
plan from the case manager (and check-ins, which come as invitations) — goes out as ONE
neutral line, the same for every kind, with a "Show me" button:

    You have something new in Tandem.          [Show me]

What it is about (with its own buttons: "Start", "I can't make it"...) is kept with the
message in the outbox row (``storage.outbox.NOTICE``) and edited into that same message only
when the person taps. Everything else after the tap follows as replies (the person is looking
at the chat by then): a plan's steps, one message each with their own buttons.

The content lives in the database, not in memory, so a second tap, or a tap after a restart,
shows it again; it is kept in each language Tandem speaks, so someone who switched language
since sees it in theirs; and the edit goes through the outbox like every reply, so a crash can delay it
but not lose it. A second tap does not send the follow-up messages again.

Nothing else may queue a message that was not asked for: `queue` is the only way
(tests/conversations/test_notices.py enumerates every kind).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations import callbacks
from bot.conversations.messages import Button, Outgoing
from bot.conversations.texts import say
from bot.conversations.turn import Turn
from storage import outbox
from storage.models import OutboxMessage, ServiceUser

# Every kind of message Tandem sends unasked (kept on the notice for the record; what the
# person sees before the tap is the same for all of them).
Kind = Literal["invitation", "nudge", "appointment", "plan"]
KINDS: tuple[Kind, ...] = ("invitation", "nudge", "appointment", "plan")

NEUTRAL = "new_in_tandem"
# What a notice is about, in a given language (the first message is edited into the notice).
Render = Callable[[str], Sequence[Outgoing]]


def neutral_text(lang: str) -> str:
    return say(NEUTRAL, lang)


async def queue(
    session: AsyncSession,
    person: ServiceUser,
    kind: Kind,
    render: Render,
    *,
    now: datetime,
) -> OutboxMessage:
    """Queue one neutral line with a "Show me" button, in the person's language; what
    ``render`` makes of it in each language is kept with it (on the tap, the first message
    is edited into it and the rest follow)."""
    assert person.telegram_chat_id is not None
    content = {lang: [m.to_payload() for m in render(lang)] for lang in callbacks.LANGS}
    assert all(content.values()), "a notice must be about something"
    if kind not in KINDS:
        raise ValueError(f"unknown kind of notice {kind!r}")
    lang = person.language
    row = outbox.enqueue(
        session,
        person.telegram_chat_id,
        {},
        person_id=person.id,
        now=now,
    )
    await session.flush()  # the button names the row
    assert row.id is not None
    notice = Outgoing(
        person.telegram_chat_id,
        neutral_text(lang),
        ((Button(say("show_me", lang), callbacks.show_notice(row.id)),),),
        # Newer questions never take this button away: it finds its content by itself.
        keep_buttons=True,
    )
    row.payload = {
        **notice.to_payload(),
        outbox.NOTICE: {"kind": kind, "lang": lang, "content": content},
    }
    session.add(row)
    return row


def content_of(chat_id: int, payload: dict[str, Any], lang: str | None = None) -> list[Outgoing]:
    """The messages kept behind a notice, in ``lang`` (else the language it was sent in);
    none for any other message."""
    held = payload.get(outbox.NOTICE)
    if not isinstance(held, dict):
        return []
    content = held.get("content") or {}
    chosen = content.get(lang) or content.get(held.get("lang")) or []
    return [Outgoing.from_payload(chat_id, p) for p in chosen]


async def show(t: Turn, data: callbacks.ShowNotice) -> None:
    """ "Show me": the content, edited into the pressed message; what follows it, the first
    time only."""
    inc = t.incoming
    row = await outbox.notice(t.session, data.outbox_id, inc.chat_id)
    if row is None or t.person is None or row.service_user_id != t.person.id:
        t.toast = say("invalid_button", t.lang)
        return
    first, *rest = content_of(inc.chat_id, row.payload, t.lang)
    # Edited into the message pressed (Telegram may leave that out for a very old message:
    # then the content comes as a new message, which is as good).
    t.out.append(
        Outgoing(
            inc.chat_id,
            first.text,
            first.buttons,
            edit_message_id=inc.button_message_id,
            keep_buttons=first.keep_buttons,
        )
    )
    held = row.payload[outbox.NOTICE]
    if "opened_at" not in held:
        t.out.extend(rest)
        t.keep_others = True
        outbox.mark_notice_opened(t.session, row, now=t.now)
