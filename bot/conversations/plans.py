"""The plan made with the case manager, on the person's side.

The plan arrives behind one neutral line with a "Show me" button (notices.py), like everything
Tandem sends unasked; after the tap, each step comes as a message of its own with three
buttons: agree, change something, or talk about it next time. The reply is kept with the step (``PlanItem``). After
"I'd change something" the person's next typed message is kept as their words for it.

The review app queues the messages (``queue_plan``) in its own transaction; presses and words
are handled inside the one transaction of the update, like everything else (service.py).

A step's buttons carry its revision: once the case manager changes the wording, a press on the
older message is refused kindly, so nobody agrees to words they were not shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations import callbacks, notices
from bot.conversations.messages import MAX_TEXT, Button, Kind, Outgoing
from bot.conversations.texts import say
from bot.conversations.turn import Turn
from bot.engine.system import MONTHS
from storage.models import PlanItem, ServiceUser

# The button's choice -> what is kept as the response, and the label it carried.
RESPONSES = {
    "a": ("agree", "plan_agree"),
    "c": ("change", "plan_change"),
    "t": ("talk", "plan_talk"),
}


def show_date(day: date, lang: str) -> str:
    months = MONTHS.get(lang, MONTHS["en"])
    return f"{day.day} {months[day.month - 1]} {day.year}"


def item_text(item: PlanItem, lang: str) -> str:
    lines = [item.what.strip()]
    details = []
    if item.who.strip():
        details.append(say("plan_who", lang, who=item.who.strip()))
    if item.by_when is not None:
        details.append(say("plan_by", lang, date=show_date(item.by_when, lang)))
    if details:
        lines.append("\n".join(details))
    text = "\n\n".join(lines)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def item_buttons(item: PlanItem, lang: str) -> tuple[tuple[Button, ...], ...]:
    assert item.id is not None
    # One button a row: the labels are long, and a phone screen is narrow.
    return tuple(
        (Button(say(label, lang), callbacks.plan_reply(item.id, item.revision, choice)),)
        for choice, (_, label) in RESPONSES.items()
    )


def plan_messages(
    person: ServiceUser, items: Sequence[PlanItem], with_name: str, lang: str | None = None
) -> list[Outgoing]:
    """A short introduction, then one message per step, in ``lang`` (else the person's)."""
    assert person.telegram_chat_id is not None
    lang = lang or person.language
    chat = person.telegram_chat_id
    out = [Outgoing(chat, say("plan_intro", lang, name=with_name))]
    # Kept pressable whatever the person does next (a tool's question would otherwise take
    # them away): each carries its item's revision, so an outdated press is refused anyway.
    out.extend(
        Outgoing(chat, item_text(item, lang), item_buttons(item, lang), keep_buttons=True)
        for item in items
    )
    return out


async def queue_plan(
    session: AsyncSession,
    person: ServiceUser,
    items: Sequence[PlanItem],
    *,
    with_name: str,
    now: datetime,
) -> int:
    """Queue these steps for the person (through the outbox: the review app never calls
    Telegram) and mark each as sent at its current wording. Returns the messages that the
    person sees once they tap "Show me" on the one neutral line that goes first (notices.py):
    the introduction, edited into it, then the steps."""
    shown = len(items) + 1
    await notices.queue(
        session, person, "plan", lambda lang: plan_messages(person, items, with_name, lang), now=now
    )
    for item in items:
        item.sent_at = now
        item.sent_revision = item.revision
        session.add(item)
    return shown


# -- the person's side, inside the update's transaction ---------------------------------------


def _person_id(t: Turn) -> int:
    assert t.person is not None and t.person.id is not None
    return t.person.id


async def pressed(t: Turn, data: callbacks.PlanReply) -> None:
    """One of a step's buttons (or "talk about it next time instead" after "change")."""
    item = (
        await t.session.exec(
            select(PlanItem)
            .where(PlanItem.id == data.item_id, PlanItem.service_user_id == _person_id(t))
            # Waits for a case manager changing the same step at this moment, then sees
            # their revision: a reply is never kept against words the person did not see.
            .with_for_update()
        )
    ).first()
    if item is None:
        t.toast = say("invalid_button", t.lang)
        return
    if item.status == "dropped":
        _retire(t, "plan_dropped_mark", "plan_dropped")
        return
    if data.revision != item.revision:
        resent = item.sent_at is not None and item.sent_revision == item.revision
        _retire(t, "plan_old_mark", "plan_changed" if resent else "plan_changed_coming")
        return
    response, label = RESPONSES[data.choice]
    if not (response == "talk" and item.response == "change"):
        # "Talk about it next time instead" after saying what they would change keeps
        # their words for that talk; any other press starts their reply afresh.
        item.response_text = None
    item.response = response
    item.responded_at = t.now
    item.awaiting_words_since = t.now if response == "change" else None
    t.session.add(item)
    chosen = say("chosen", t.lang, label=say(label, t.lang))
    text = f"{item_text(item, t.lang)}\n\n{chosen}"
    if response == "change":
        # One step waits for words at a time: the newest "change" press.
        await t.session.exec(
            update(PlanItem)
            .where(
                col(PlanItem.service_user_id) == item.service_user_id,
                col(PlanItem.id) != item.id,
                col(PlanItem.awaiting_words_since).is_not(None),
            )
            .values(awaiting_words_since=None)
        )
        # The way out goes on this same message, not a new one: a new message with buttons
        # would take the buttons off the person's other messages (service._clear_old_buttons).
        assert item.id is not None
        skip = Button(
            say("plan_talk_instead", t.lang), callbacks.plan_reply(item.id, item.revision, "t")
        )
        t.out.append(_edit(t, text, ((skip,),)))
        t.send("plan_ask_words")
        return
    t.out.append(_edit(t, text))
    t.send("plan_agreed" if response == "agree" else "plan_talk_later")


def _edit(t: Turn, text: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> Outgoing:
    return Outgoing(
        t.incoming.chat_id,
        text,
        buttons,
        edit_message_id=t.incoming.button_message_id,
        keep_buttons=bool(buttons),
    )


def _retire(t: Turn, mark: str, message: str) -> None:
    """An older message of a step that has changed or gone: its buttons come off, it says so,
    and the person is told where things stand."""
    note = say(mark, t.lang)
    t.toast = note
    shown = t.incoming.button_message_text.rstrip()
    room = MAX_TEXT - len(note) - 2
    if len(shown) > room:
        shown = shown[: room - 1] + "…"
    t.out.append(_edit(t, f"{shown}\n\n{note}" if shown else note))
    t.send(message)


async def waiting_for_words(t: Turn, *, moved_on: bool = False) -> bool:
    """After "I'd change something", the next typed message is the person's words for that
    step. Returns True when this update was that (nothing else should handle it).

    Only while a step is waiting, and only the very next message: a command or another
    button means they have moved on (the reply stays "change", without words), so an
    ongoing tool conversation carries on as before. Safeguarding has already run.
    `moved_on`: the message was words that steer ("stop", "not now"): it ends the wait too.
    """
    inc = t.incoming
    if inc.kind is Kind.EDITED or inc.kind is Kind.OTHER:
        return False
    if inc.kind is Kind.BUTTON and isinstance(
        callbacks.parse(inc.button_data), callbacks.PlanReply
    ):
        return False  # the plan's own buttons look after the wait themselves
    item = (
        await t.session.exec(
            select(PlanItem)
            .where(
                PlanItem.service_user_id == _person_id(t),
                col(PlanItem.awaiting_words_since).is_not(None),
            )
            .order_by(col(PlanItem.awaiting_words_since).desc())
            .with_for_update()
        )
    ).first()
    if item is None:
        return False
    if inc.kind is Kind.MEDIA:
        # They were just asked to type; a voice note here is most likely meant as the answer.
        t.send("plan_type_words", skip=say("plan_talk_instead", t.lang))
        return True
    item.awaiting_words_since = None
    t.session.add(item)
    if moved_on or inc.kind is not Kind.TEXT:
        return False
    words = inc.text.strip()
    if not words:
        item.awaiting_words_since = t.now
        t.send("plan_ask_words")
        return True
    item.response_text = words[:MAX_TEXT]
    item.responded_at = t.now
    t.send("plan_words_kept")
    return True
