""" "I can't make it", on an appointment reminder.

The person is told kindly what to do (contact their probation office; Tandem has let their
probation officer know), and their case manager is told the way every other signal from a
person reaches staff: an open flag on the person's page and caseload ("Can't make an
appointment", naming it), and a notification by email where the server has one. It is not a
safeguarding matter, so it does not go to the seniors.

Pressed twice (or on two reminders of one appointment), one flag is kept; a cancelled
appointment needs nothing.
"""

from __future__ import annotations

from bot.conversations import callbacks
from bot.conversations.messages import MAX_TEXT, Outgoing
from bot.conversations.texts import say
from bot.conversations.turn import Turn
from bot.notifications import notify
from storage.appointments import appointment_of
from storage.flags import CANT_ATTEND, cant_attend_flag, raise_flag
from storage.models import Flag


async def pressed(t: Turn, data: callbacks.CantMakeIt) -> None:
    assert t.person is not None and t.person.id is not None
    person_id = t.person.id
    appointment = await appointment_of(t.session, person_id, data.appointment_id)
    if appointment is None:
        t.toast = say("invalid_button", t.lang)
        return
    t.out.append(_marked(t))
    if appointment.cancelled_at is not None:
        t.send("cant_make_it_cancelled")
        return
    if await cant_attend_flag(t.session, person_id, data.appointment_id) is not None:
        t.send("cant_make_it_again")
        return
    await raise_flag(
        t.session,
        Flag(
            service_user_id=person_id,
            kind=CANT_ATTEND,
            appointment_id=appointment.id,
            update_id=t.incoming.update_id,
            created_at=t.now,
        ),
    )
    await notify(t.session, person=t.person, kind="flag", now=t.now)
    t.send("cant_make_it_told")


def _marked(t: Turn) -> Outgoing:
    """The reminder, with what they pressed under it and its button gone."""
    inc = t.incoming
    suffix = say("chosen", t.lang, label=say("cant_make_it", t.lang))
    text = inc.button_message_text.rstrip()
    room = MAX_TEXT - len(suffix) - 2
    if len(text) > room:
        text = text[: room - 1] + "…"
    return Outgoing(
        inc.chat_id,
        f"{text}\n\n{suffix}" if text else suffix,
        edit_message_id=inc.button_message_id,
    )
