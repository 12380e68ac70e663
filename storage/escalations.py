"""Flags left too long, and what staff see of a flag: the queries behind escalation to the
seniors (bot/scheduling/escalation.py), the emails about it, the seniors' list of flags sent to
them, and the messages added to a flag after the one that raised it.

A flag is escalated at most once: `mark_escalated` is a conditional UPDATE, so when two
servers (or two jobs) try at the same moment, the row lock on PostgreSQL (one writer on
SQLite) lets exactly one of them change it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Flag, FlagMessage, Organisation, ServiceUser, Staff


async def escalation_hours(session: AsyncSession, person_id: int) -> int | None:
    """The office hours the person's organisation gives a flag before its seniors are told."""
    stmt = (
        select(Organisation.escalation_hours)
        .join(ServiceUser, col(ServiceUser.organisation_id) == col(Organisation.id))
        .where(ServiceUser.id == person_id)
    )
    return (await session.exec(stmt)).first()


async def fresh_flag(session: AsyncSession, flag_id: int) -> Flag | None:
    """The flag as it is in the database now (not as an earlier read in this session left it)."""
    stmt = select(Flag).where(Flag.id == flag_id).execution_options(populate_existing=True)
    return (await session.exec(stmt)).first()


async def flag_to_resolve(session: AsyncSession, person_id: int, flag_id: int) -> Flag | None:
    """This person's flag, locked for the caller's transaction (PostgreSQL): two members of
    staff resolving it at once take turns, and the second sees it resolved already."""
    stmt = (
        select(Flag)
        .where(Flag.id == flag_id, Flag.service_user_id == person_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(stmt)).first()


async def mark_escalated(session: AsyncSession, flag_id: int, now: datetime) -> bool:
    """Mark an open flag escalated, unless it was already (or has been resolved meanwhile).
    True when this call did it."""
    result = await session.exec(
        update(Flag)
        .where(
            col(Flag.id) == flag_id,
            col(Flag.resolved_at).is_(None),
            col(Flag.escalated_at).is_(None),
        )
        .values(escalated_at=now)
    )
    return int(result.rowcount) == 1


async def active_seniors(session: AsyncSession, organisation_id: int) -> list[Staff]:
    stmt = (
        select(Staff)
        .where(
            Staff.organisation_id == organisation_id,
            Staff.role == "senior",
            Staff.active == True,  # noqa: E712
        )
        .order_by(col(Staff.id))
    )
    return list((await session.exec(stmt)).all())


async def waiting_since(session: AsyncSession, person_ids: Iterable[int]) -> dict[int, datetime]:
    """For each of these people with an escalated flag still open: when the oldest of those
    flags was raised."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return {}
    stmt = (
        select(Flag.service_user_id, func.min(col(Flag.created_at)))
        .where(
            col(Flag.service_user_id).in_(wanted),
            col(Flag.resolved_at).is_(None),
            col(Flag.escalated_at).is_not(None),
        )
        .group_by(col(Flag.service_user_id))
    )
    return {pid: at for pid, at in (await session.exec(stmt)).all() if at is not None}


@dataclass(frozen=True)
class Escalated:
    """An open flag sent to the seniors, as their list shows it."""

    flag_id: int
    person_id: int
    name: str
    crn: str | None
    case_manager: str | None
    kind: str
    category: str | None
    contact: str | None
    created_at: datetime
    escalated_at: datetime


async def escalated_open(
    session: AsyncSession, organisation_id: int, *, case_manager_id: int | None = None
) -> list[Escalated]:
    """Open flags of an organisation's people that went to its seniors, the longest waiting
    first (narrowed to one case manager's people when asked)."""
    manager = aliased(Staff)
    stmt = (
        select(Flag, ServiceUser.name, ServiceUser.crn, manager.name)
        .join(ServiceUser, col(ServiceUser.id) == col(Flag.service_user_id))
        .outerjoin(manager, col(manager.id) == col(ServiceUser.case_manager_id))
        .where(
            col(ServiceUser.organisation_id) == organisation_id,
            col(Flag.resolved_at).is_(None),
            col(Flag.escalated_at).is_not(None),
        )
        .order_by(col(Flag.created_at), col(Flag.id))
    )
    if case_manager_id is not None:
        stmt = stmt.where(col(ServiceUser.case_manager_id) == case_manager_id)
    found = []
    for flag, name, crn, manager_name in (await session.exec(stmt)).all():
        assert flag.id is not None and flag.escalated_at is not None
        found.append(
            Escalated(
                flag_id=flag.id,
                person_id=flag.service_user_id,
                name=name,
                crn=crn,
                case_manager=manager_name,
                kind=flag.kind,
                category=flag.category,
                contact=flag.contact,
                created_at=flag.created_at,
                escalated_at=flag.escalated_at,
            )
        )
    return found


async def messages_of(
    session: AsyncSession, flag_ids: Iterable[int]
) -> dict[int, list[FlagMessage]]:
    """The messages added to each of these flags, oldest first."""
    wanted = sorted(set(flag_ids))
    if not wanted:
        return {}
    stmt = (
        select(FlagMessage)
        .where(col(FlagMessage.flag_id).in_(wanted))
        .order_by(col(FlagMessage.created_at), col(FlagMessage.id))
    )
    found: dict[int, list[FlagMessage]] = {}
    for message in (await session.exec(stmt)).all():
        found.setdefault(message.flag_id, []).append(message)
    return found


async def flag_message_for(
    session: AsyncSession, person_id: int, flag_id: int, message_id: int
) -> FlagMessage | None:
    """A message added to this person's flag, or None (another flag's, another person's)."""
    message = await session.get(FlagMessage, message_id)
    if message is None or message.flag_id != flag_id or message.service_user_id != person_id:
        return None
    flag = await session.get(Flag, flag_id)
    return message if flag is not None and flag.service_user_id == person_id else None
