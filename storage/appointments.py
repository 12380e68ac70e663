"""Appointments with the person."""

from __future__ import annotations

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
