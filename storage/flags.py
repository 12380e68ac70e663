"""Flags for the review app: safeguarding matches and requests for a call."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Flag


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


async def callback_asked(session: AsyncSession, conversation_id: int) -> bool:
    stmt = select(Flag.id).where(Flag.conversation_id == conversation_id, Flag.kind == "callback")
    return (await session.exec(stmt)).first() is not None
