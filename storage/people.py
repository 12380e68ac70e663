"""People on probation, their organisations and case managers, and invites."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

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
