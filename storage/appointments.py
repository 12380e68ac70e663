"""Appointments with the person."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Appointment


async def next_appointment(
    session: AsyncSession, person_id: int, now: datetime
) -> Appointment | None:
    """The earliest appointment still to come that is not cancelled."""
    rows = await session.exec(
        select(Appointment)
        .where(
            Appointment.service_user_id == person_id,
            col(Appointment.at) > now,
            col(Appointment.cancelled_at).is_(None),
        )
        .order_by(col(Appointment.at), col(Appointment.id))
        .limit(1)
    )
    return rows.first()


async def appointment_of(
    session: AsyncSession, person_id: int, appointment_id: int
) -> Appointment | None:
    """This appointment, if it is the person's own."""
    found = await session.get(Appointment, appointment_id)
    return found if found is not None and found.service_user_id == person_id else None


async def appointments_by_id(
    session: AsyncSession, ids: Iterable[int | None]
) -> dict[int, Appointment]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.exec(select(Appointment).where(col(Appointment.id).in_(wanted)))
    return {a.id: a for a in rows.all() if a.id is not None}
