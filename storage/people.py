"""People on probation, their organisations and case managers, and invites."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import outbox
from storage.models import Invite, Organisation, ServiceUser, Staff


async def ensure_organisation(
    session: AsyncSession, name: str, kind: str = "probation"
) -> Organisation:
    org = (await session.exec(select(Organisation).where(Organisation.name == name))).first()
    if org is None:
        org = Organisation(name=name, kind=kind)
        session.add(org)
        await session.flush()
    return org


async def ensure_staff(
    session: AsyncSession, organisation_id: int, email: str, name: str, role: str = "case_manager"
) -> Staff:
    staff = (await session.exec(select(Staff).where(Staff.email == email))).first()
    if staff is None:
        staff = Staff(organisation_id=organisation_id, email=email, name=name, role=role)
        session.add(staff)
        await session.flush()
    return staff


async def add_person(
    session: AsyncSession,
    *,
    organisation_id: int,
    name: str,
    crn: str | None = None,
    case_manager_id: int | None = None,
) -> ServiceUser:
    person = ServiceUser(
        organisation_id=organisation_id, name=name, crn=crn, case_manager_id=case_manager_id
    )
    session.add(person)
    await session.flush()
    return person


async def person_by_telegram_user(
    session: AsyncSession, telegram_user_id: int, *, lock: bool = False
) -> ServiceUser | None:
    """With ``lock``, the row stays locked until the transaction ends (PostgreSQL), so one
    person's updates are handled one at a time even across several Tandem processes."""
    stmt = select(ServiceUser).where(ServiceUser.telegram_user_id == telegram_user_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.exec(stmt)).first()


async def add_invite(
    session: AsyncSession, person_id: int, code_hash: str, expires_at: datetime
) -> Invite:
    invite = Invite(service_user_id=person_id, code_hash=code_hash, expires_at=expires_at)
    session.add(invite)
    await session.flush()
    return invite


async def invite_by_hash(session: AsyncSession, code_hash: str) -> Invite | None:
    stmt = select(Invite).where(Invite.code_hash == code_hash).with_for_update()
    return (await session.exec(stmt)).first()


async def revoke_open_invites(session: AsyncSession, person_id: int, now: datetime) -> None:
    stmt = select(Invite).where(
        Invite.service_user_id == person_id,
        col(Invite.used_at).is_(None),
        col(Invite.revoked_at).is_(None),
    )
    for invite in (await session.exec(stmt)).all():
        invite.revoked_at = now
        session.add(invite)


PREVIEW_ORGANISATION = "Script previews"


async def add_preview_person(
    session: AsyncSession, *, telegram_user_id: int, name: str, now: datetime
) -> ServiceUser:
    """Someone trying scripts in the sandbox: kept apart in an organisation of their own."""
    org = await ensure_organisation(session, PREVIEW_ORGANISATION, kind="preview")
    assert org.id is not None
    person = ServiceUser(
        organisation_id=org.id,
        name=name or "Preview tester",
        telegram_user_id=telegram_user_id,
        linked_at=now,
        consented_at=now,
    )
    session.add(person)
    await session.flush()
    return person


# -- who Telegram will not deliver to ---------------------------------------------------------


async def mark_unreachable(
    session: AsyncSession, person_id: int, reason: str, now: datetime
) -> int:
    """Telegram refused a message to this person for good (they blocked the bot, or deleted
    their account): note when and Telegram's reason (never what the message said), and give up
    their other waiting messages, so nothing more is tried until they write again. Returns how
    many waiting messages were given up. The first refusal's time is kept."""
    await session.exec(
        update(ServiceUser)
        .where(col(ServiceUser.id) == person_id, col(ServiceUser.unreachable_at).is_(None))
        .values(unreachable_at=now, unreachable_reason=reason[:200])
        .execution_options(synchronize_session=False)
    )
    chat_id = (
        await session.exec(select(ServiceUser.telegram_chat_id).where(ServiceUser.id == person_id))
    ).first()
    return await outbox.give_up_pending(session, chat_id=chat_id, person_id=person_id, now=now)


async def mark_reachable(session: AsyncSession, person: ServiceUser | None, now: datetime) -> bool:
    """The person wrote to us again (so they unblocked the bot): messages may go to them
    again. True if they had been unreachable."""
    if person is None or person.unreachable_at is None:
        return False
    person.unreachable_at = None
    person.unreachable_reason = None
    session.add(person)
    return True


async def person_for_chat(
    session: AsyncSession, *, person_id: int | None, chat_id: int
) -> int | None:
    """The person a message is for: the one it names, else the one whose private chat it is
    (a private chat's id is the person's Telegram user id)."""
    if person_id is not None:
        return person_id
    stmt = select(ServiceUser.id).where(ServiceUser.telegram_user_id == chat_id)
    return (await session.exec(stmt)).first()


async def unreachable_among(
    session: AsyncSession, *, person_ids: set[int], chat_ids: set[int]
) -> tuple[set[int], set[int]]:
    """Which of these people, and which of these private chats' people, are unreachable."""
    if not person_ids and not chat_ids:
        return set(), set()
    stmt = select(ServiceUser.id, ServiceUser.telegram_user_id).where(
        col(ServiceUser.unreachable_at).is_not(None),
        or_(
            col(ServiceUser.id).in_(person_ids),
            col(ServiceUser.telegram_user_id).in_(chat_ids),
        ),
    )
    rows = (await session.exec(stmt)).all()
    return {pid for pid, _ in rows if pid is not None}, {uid for _, uid in rows if uid is not None}


async def order_texts(session: AsyncSession, organisation_id: int) -> tuple[str | None, str | None]:
    """The organisation's own words about the order or licence: (English, Welsh), each None
    when it has not set them."""
    org = await session.get(Organisation, organisation_id)
    if org is None:
        return None, None
    return org.order_text_en, org.order_text_cy
