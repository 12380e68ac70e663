"""Staff sign-in: argon2 password hashes, server-side sessions behind a random cookie token,
and a lockout after repeated wrong passwords."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Staff, StaffSession

HASHER = PasswordHasher()
# Checked against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 12
COOKIE = "tandem_session"


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def new_password() -> str:
    """A one-time password to give to a new member of staff: typeable, and long."""
    return "-".join(secrets.token_hex(3) for _ in range(4))


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why a new password will not do (NCSC guidance: length over complexity rules)."""
    if len(password) < MIN_PASSWORD:
        return f"Password must be {MIN_PASSWORD} characters or more"
    if len(password) > 200:
        return "Password must be 200 characters or fewer"
    if email and email.split("@")[0].lower() in password.lower():
        return "Password must not contain your email address"
    return None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignIn:
    staff: Staff | None
    # "ok", "wrong" (email or password), "locked" (too many wrong passwords), "inactive"
    outcome: str


async def check_password(session: AsyncSession, email: str, password: str, now: datetime) -> SignIn:
    staff = (await session.exec(select(Staff).where(Staff.email == email.strip().lower()))).first()
    if staff is None or not staff.password_hash:
        _verify(_DUMMY_HASH, password)
        return SignIn(None, "wrong")
    if staff.locked_until is not None and staff.locked_until > now:
        return SignIn(staff, "locked")
    if not _verify(staff.password_hash, password):
        staff.failed_sign_ins += 1
        if staff.failed_sign_ins >= MAX_FAILURES:
            staff.locked_until = now + LOCKOUT
            staff.failed_sign_ins = 0
            session.add(staff)
            return SignIn(staff, "locked")
        session.add(staff)
        return SignIn(staff, "wrong")
    if not staff.active:
        return SignIn(staff, "inactive")
    staff.failed_sign_ins = 0
    staff.locked_until = None
    staff.last_sign_in_at = now
    if HASHER.check_needs_rehash(staff.password_hash):
        staff.password_hash = hash_password(password)
    session.add(staff)
    return SignIn(staff, "ok")


def _verify(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


async def start_session(
    session: AsyncSession, staff: Staff, now: datetime, hours: int
) -> tuple[str, StaffSession]:
    """A new session; returns the cookie token (kept only as a hash)."""
    assert staff.id is not None
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        token_hash=_token_hash(token),
        staff_id=staff.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    session.add(row)
    return token, row


async def session_for(
    session: AsyncSession, token: str, now: datetime, idle: timedelta
) -> tuple[StaffSession, Staff] | None:
    if not token or len(token) > 100:
        return None
    found = (
        await session.exec(
            select(StaffSession, Staff)
            .join(Staff, col(Staff.id) == col(StaffSession.staff_id))
            .where(StaffSession.token_hash == _token_hash(token))
        )
    ).first()
    if found is None:
        return None
    row, staff = found
    if row.expires_at <= now or row.last_seen_at + idle <= now or not staff.active:
        await session.delete(row)
        return None
    # Written at most once a minute: most page views then cost no write at all.
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
        session.add(row)
    return row, staff


async def end_session(session: AsyncSession, token: str) -> None:
    await session.exec(
        delete(StaffSession).where(col(StaffSession.token_hash) == _token_hash(token))
    )


async def end_all_sessions(session: AsyncSession, staff_id: int) -> None:
    """After a password change or when an account is switched off."""
    await session.exec(delete(StaffSession).where(col(StaffSession.staff_id) == staff_id))
