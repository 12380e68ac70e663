"""Staff accounts and organisations: made by `tandem staff add` and by admins in the app."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.review import auth
from bot.review.access import ROLES
from storage.models import Organisation, Staff
from storage.people import ensure_organisation

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{1,63}$")
ORG_KINDS = {"probation": "Probation service", "partner": "Partner organisation"}


class AccountError(ValueError):
    """Why an account cannot be made, in words to show the person making it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NewAccount:
    staff: Staff
    # The password to hand over when one was made up (they must change it at first sign-in).
    one_time_password: str | None


async def add_staff(
    session: AsyncSession,
    *,
    email: str,
    name: str,
    role: str,
    organisation: Organisation,
    password: str | None = None,
) -> NewAccount:
    email = email.strip().lower()
    name = " ".join(name.split())
    if not EMAIL.match(email):
        raise AccountError(
            "email", "Enter an email address in the right format, like name@example.org"
        )
    if not name or len(name) > 200:
        raise AccountError("name", "Enter their full name (200 characters or fewer)")
    if role not in ROLES:
        raise AccountError("role", f"Role must be one of: {', '.join(ROLES)}")
    if (await session.exec(select(Staff).where(Staff.email == email))).first() is not None:
        raise AccountError("email", "There is already an account with this email address")
    one_time = None
    if password is None:
        one_time = password = auth.new_password()
    elif problem := auth.password_problem(password, email=email):
        raise AccountError("password", problem)
    assert organisation.id is not None
    staff = Staff(
        organisation_id=organisation.id,
        email=email,
        name=name,
        role=role,
        password_hash=auth.hash_password(password),
        must_change_password=one_time is not None,
    )
    session.add(staff)
    await session.flush()
    return NewAccount(staff, one_time)


async def organisation_named(
    session: AsyncSession, name: str, *, kind: str = "probation", create: bool = True
) -> Organisation:
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise AccountError("org", "Enter the organisation's name (200 characters or fewer)")
    if kind not in ORG_KINDS:
        raise AccountError("kind", f"Kind must be one of: {', '.join(ORG_KINDS)}")
    if not create:
        found = (await session.exec(select(Organisation).where(Organisation.name == name))).first()
        if found is None:
            raise AccountError("org", f"There is no organisation called {name!r}")
        return found
    return await ensure_organisation(session, name, kind)
