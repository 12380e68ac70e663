"""Telling a case manager there is something new: a person shared answers, raised a flag, or
asked for a call.

`notify` is called inside the transaction that stored the event, so the notification exists
exactly when the event does. The caseload shows the event itself at once (it is "new since
you last looked"); the notification row is what the mailer emails, when the server has SMTP.
Repeats coalesce: while one email for a person is still waiting to go to their case manager,
another event for the same person adds nothing — one email says "something new", however much
is new.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ServiceUser, StaffNotification

Kind = Literal["shared", "flag", "callback"]
KINDS: tuple[Kind, ...] = ("shared", "flag", "callback")
# An email not sent yet keeps its notification "pending"; after a failed try the mailer writes
# `retry:<error class>` and when to try again (see mailer.py).
RETRY_PREFIX = "retry:"


def pending() -> ColumnElement[bool]:
    """The WHERE clause of notifications whose email is still to be sent (or tried again)."""
    return col(StaffNotification.emailed_at).is_(None) & or_(
        col(StaffNotification.email_outcome).is_(None),
        col(StaffNotification.email_outcome).startswith(RETRY_PREFIX),
    )


async def notify(
    session: AsyncSession, *, person: ServiceUser | None, kind: Kind, now: datetime
) -> StaffNotification | None:
    """A notification for the person's case manager, or the one already waiting for them.
    Nothing when there is no one to tell (no person linked, or no case manager, e.g. someone
    trying scripts in a preview)."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if person is None or person.id is None or person.case_manager_id is None:
        return None
    waiting = await session.exec(
        select(StaffNotification)
        .where(
            StaffNotification.staff_id == person.case_manager_id,
            StaffNotification.service_user_id == person.id,
            pending(),
        )
        .limit(1)
    )
    found = waiting.first()
    if found is not None:
        return found
    row = StaffNotification(
        staff_id=person.case_manager_id, service_user_id=person.id, kind=kind, created_at=now
    )
    session.add(row)
    return row
