"""Telling staff there is something new: a person shared answers, raised a flag, or asked for
a call (their case manager); a flag nobody dealt with in time (the organisation's seniors).

`notify` and `notify_seniors` are called inside the transaction that stored the event, so the
notification exists exactly when the event does. The caseload shows the event itself at once
(it is "new since you last looked"); the notification row is what the mailer emails, when the
server has SMTP. Repeats coalesce: while one email for a person is still waiting to go to a
member of staff, another event for the same person adds nothing — one email says "something
new", however much is new. An escalation is an email of its own ("a flag has not been dealt
with"), so it coalesces only with another escalation waiting for the same person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.escalations import active_seniors
from storage.models import ServiceUser, StaffNotification

Kind = Literal["shared", "flag", "callback", "escalated"]
KINDS: tuple[Kind, ...] = ("shared", "flag", "callback", "escalated")
# To the person's case manager; "escalated" goes to the seniors (notify_seniors).
CASE_MANAGER_KINDS: tuple[Kind, ...] = ("shared", "flag", "callback")
ESCALATED: Kind = "escalated"
# An email not sent yet keeps its notification "pending"; after a failed try the mailer writes
# `retry:<error class>` and when to try again (see mailer.py).
RETRY_PREFIX = "retry:"


def pending() -> ColumnElement[bool]:
    """The WHERE clause of notifications whose email is still to be sent (or tried again)."""
    return col(StaffNotification.emailed_at).is_(None) & or_(
        col(StaffNotification.email_outcome).is_(None),
        col(StaffNotification.email_outcome).startswith(RETRY_PREFIX),
    )


async def _for_staff(
    session: AsyncSession, *, staff_id: int, person_id: int, kind: Kind, now: datetime
) -> StaffNotification:
    """A notification for this member of staff about this person, or the one of the same sort
    already waiting."""
    same_sort = (
        col(StaffNotification.kind) == ESCALATED
        if kind == ESCALATED
        else col(StaffNotification.kind) != ESCALATED
    )
    waiting = await session.exec(
        select(StaffNotification)
        .where(
            StaffNotification.staff_id == staff_id,
            StaffNotification.service_user_id == person_id,
            same_sort,
            pending(),
        )
        .limit(1)
    )
    found = waiting.first()
    if found is not None:
        return found
    row = StaffNotification(staff_id=staff_id, service_user_id=person_id, kind=kind, created_at=now)
    session.add(row)
    return row


async def notify(
    session: AsyncSession, *, person: ServiceUser | None, kind: Kind, now: datetime
) -> StaffNotification | None:
    """A notification for the person's case manager, or the one already waiting for them.
    Nothing when there is no one to tell (no person linked, or no case manager, e.g. someone
    trying scripts in a preview)."""
    if kind not in CASE_MANAGER_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if person is None or person.id is None or person.case_manager_id is None:
        return None
    return await _for_staff(
        session, staff_id=person.case_manager_id, person_id=person.id, kind=kind, now=now
    )


async def notify_seniors(
    session: AsyncSession, *, person: ServiceUser, now: datetime
) -> list[StaffNotification]:
    """A flag of this person's has waited too long: a notification for each active senior of
    their organisation (none when it has no senior)."""
    assert person.id is not None
    made = []
    for senior in await active_seniors(session, person.organisation_id):
        assert senior.id is not None
        made.append(
            await _for_staff(
                session, staff_id=senior.id, person_id=person.id, kind=ESCALATED, now=now
            )
        )
    return made
