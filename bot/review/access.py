"""Who may see whom. Every page that shows a person goes through `person_for`, and every list of
people through `people_in_view`: there is no other way to reach a person's data.

- a case manager sees the people on their own caseload;
- a senior sees everyone in their organisation (a partner organisation is an organisation of
  its own, so its people stay with it);
- an admin manages staff and organisations and reads the audit log, but sees no one's answers.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, true
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit
from storage.models import ServiceUser, Staff

ROLES = {
    "case_manager": "Case manager",
    "senior": "Senior practitioner",
    "admin": "Administrator",
}


class NotFound(HTTPException):
    """The same answer for "no such person" and "not yours to see": nothing to learn by asking."""

    def __init__(self) -> None:
        super().__init__(status_code=404)


class Forbidden(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=403)


def staff_of(request: Request) -> Staff:
    staff: Staff | None = getattr(request.state, "staff", None)
    if staff is None:
        # The sign-in middleware lets no one this far; this is the belt to its braces.
        raise Forbidden()
    return staff


def sees_people(staff: Staff) -> bool:
    return staff.role in ("case_manager", "senior")


def people_in_view(staff: Staff) -> ColumnElement[bool]:
    """The WHERE clause for the people this member of staff may see."""
    if staff.role == "senior":
        return col(ServiceUser.organisation_id) == staff.organisation_id
    if staff.role == "case_manager":
        return (col(ServiceUser.organisation_id) == staff.organisation_id) & (
            col(ServiceUser.case_manager_id) == staff.id
        )
    return ~true()


def may_see(staff: Staff, person: ServiceUser) -> bool:
    if not staff.active or person.organisation_id != staff.organisation_id:
        return False
    if staff.role == "senior":
        return True
    return staff.role == "case_manager" and person.case_manager_id == staff.id


async def person_for(session: AsyncSession, staff: Staff, person_id: int) -> ServiceUser:
    person = await session.get(ServiceUser, person_id)
    if person is None or not may_see(staff, person):
        raise NotFound()
    return person


def require_admin(staff: Staff) -> None:
    if staff.role != "admin":
        raise Forbidden()


def audited(
    session: AsyncSession,
    staff: Staff,
    action: str,
    person_id: int | None,
    **detail: Any,
) -> None:
    """Every view of a person and every export: who, what, whose, when."""
    audit.record(
        session, actor=f"staff:{staff.id}", action=action, person_id=person_id, detail=detail
    )
