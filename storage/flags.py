"""Flags for the review app: safeguarding matches, requests for a call, an appointment the person
said they can't make, and what the person adds to a safeguarding flag while its crisis reply
waits for them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Flag, FlagMessage


async def raise_flag(session: AsyncSession, flag: Flag) -> Flag:
    session.add(flag)
    await session.flush()
    return flag


async def flag_for(session: AsyncSession, person_id: int, flag_id: int) -> Flag | None:
    flag = await session.get(Flag, flag_id)
    return flag if flag is not None and flag.service_user_id == person_id else None


async def request_callback(session: AsyncSession, flag: Flag, now: datetime) -> None:
    if flag.callback_requested_at is None:
        flag.callback_requested_at = now
        session.add(flag)


async def open_flags(session: AsyncSession, person_id: int) -> list[Flag]:
    stmt = (
        select(Flag)
        .where(Flag.service_user_id == person_id, col(Flag.resolved_at).is_(None))
        .order_by(col(Flag.id))
    )
    return list((await session.exec(stmt)).all())


async def callback_asked(session: AsyncSession, conversation_id: int) -> Flag | None:
    """The request for a call made in this conversation, if there is one."""
    stmt = select(Flag).where(Flag.conversation_id == conversation_id, Flag.kind == "callback")
    return (await session.exec(stmt)).first()


async def recent_safeguarding_flag(
    session: AsyncSession, person_id: int, since: datetime
) -> Flag | None:
    """The person's newest open safeguarding flag with a message at or after ``since``: a
    worrying message now is added to it instead of raising another."""
    stmt = (
        select(Flag)
        .where(
            Flag.service_user_id == person_id,
            Flag.kind == "safeguarding",
            col(Flag.resolved_at).is_(None),
            col(Flag.last_message_at) >= since,
        )
        .order_by(col(Flag.id).desc())
        .limit(1)
    )
    return (await session.exec(stmt)).first()


async def awaiting_times(session: AsyncSession, person_id: int) -> Flag | None:
    """The flag whose next typed message is when it is safe to call, if one is waiting."""
    stmt = (
        select(Flag)
        .where(Flag.service_user_id == person_id, col(Flag.awaiting_times_since).is_not(None))
        .order_by(col(Flag.awaiting_times_since).desc())
        .limit(1)
    )
    return (await session.exec(stmt)).first()


def add_flag_message(session: AsyncSession, message: FlagMessage) -> None:
    session.add(message)


CANT_ATTEND = "cant_attend"


async def cant_attend_flag(
    session: AsyncSession, person_id: int, appointment_id: int
) -> Flag | None:
    """The flag already raised when the person said they can't make this appointment."""
    stmt = select(Flag).where(
        Flag.service_user_id == person_id,
        Flag.kind == CANT_ATTEND,
        Flag.appointment_id == appointment_id,
    )
    return (await session.exec(stmt.limit(1))).first()
