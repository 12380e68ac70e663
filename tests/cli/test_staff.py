"""`tandem staff add`: accounts for the review app, made from the command line."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from sqlmodel import select

from bot.review import auth
from storage.db import Database
from storage.models import AuditEvent, Organisation, Staff
from tests.cli.test_commands import env, one_line_error, tandem  # noqa: F401 (fixture)


def _rows(url: str) -> tuple[list[Staff], list[Organisation], list[AuditEvent]]:
    async def read() -> tuple[list[Staff], list[Organisation], list[AuditEvent]]:
        db = Database(url)
        try:
            async with db.transaction() as session:
                staff = list((await session.exec(select(Staff))).all())
                orgs = list((await session.exec(select(Organisation))).all())
                events = list((await session.exec(select(AuditEvent))).all())
                return staff, orgs, events
        finally:
            await db.dispose()

    return asyncio.run(read())


def test_staff_add_prints_a_one_time_password(env: dict[str, str]) -> None:  # noqa: F811
    done = tandem(
        "staff",
        "add",
        "--email",
        "Sam@Example.org",
        "--name",
        "Sam Patel",
        "--role",
        "case_manager",
        "--org",
        "Probation North",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    password = re.search(r"One-time password: (\S+)", done.stdout)
    assert password
    [staff], [org], events = _rows(env["TANDEM_DATABASE_URL"])
    assert staff.email == "sam@example.org" and staff.role == "case_manager"
    assert org.name == "Probation North" and org.kind == "probation"
    assert staff.must_change_password
    assert auth.HASHER.verify(staff.password_hash or "", password.group(1))
    assert password.group(1) not in (staff.password_hash or "")
    assert [e.action for e in events] == ["staff_added"]


def test_staff_add_takes_a_password_from_stdin_and_a_partner_org(env: dict[str, str]) -> None:  # noqa: F811
    done = tandem(
        "staff",
        "add",
        "--email",
        "kim@womens-centre.example",
        "--name",
        "Kim",
        "--role",
        "senior",
        "--org",
        "Women's Centre",
        "--partner",
        "--password-stdin",
        env=env,
        stdin="a long enough passphrase\n",
    )
    assert done.returncode == 0, done.stderr
    assert "One-time password" not in done.stdout
    [staff], [org], _ = _rows(env["TANDEM_DATABASE_URL"])
    assert org.kind == "partner" and not staff.must_change_password
    assert auth.HASHER.verify(staff.password_hash or "", "a long enough passphrase")


def test_staff_add_refuses_clearly(env: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    args = ["staff", "add", "--email", "sam@example.org", "--name", "Sam", "--role", "admin"]
    assert tandem(*args, env=env).returncode == 0
    assert "already an account" in one_line_error(tandem(*args, env=env))
    bad_email = ["staff", "add", "--email", "not-an-email", "--name", "S", "--role", "admin"]
    assert "right format" in one_line_error(tandem(*bad_email, env=env))
    short = tandem(
        *args[:3], "other@example.org", *args[4:], "--password-stdin", env=env, stdin="short\n"
    )
    assert "12 characters" in one_line_error(short)
    wrong_role = tandem(
        "staff", "add", "--email", "x@example.org", "--name", "X", "--role", "boss", env=env
    )
    assert wrong_role.returncode != 0 and "Traceback" not in wrong_role.stderr
