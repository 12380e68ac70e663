"""`tandem appointments add` and `list`: UK times as staff write them (or with an offset), the
next appointment replaced as in the review app, reminders scheduled, audited, and one-line
errors for a bad date, a time gone by or a person who does not exist."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.appointment_commands import BadAppointment, parse_when
from tests.cli.test_commands import env, one_line_error, tandem  # noqa: F401 (fixture)

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Winter: UK time is UTC.
        ("2026-12-02 10:30", datetime(2026, 12, 2, 10, 30, tzinfo=UTC)),
        ("2026-12-02T10:30", datetime(2026, 12, 2, 10, 30, tzinfo=UTC)),
        ("2026-12-02  9:05", datetime(2026, 12, 2, 9, 5, tzinfo=UTC)),
        # Summer: UK time is an hour ahead.
        ("2027-06-02 10:30", datetime(2027, 6, 2, 9, 30, tzinfo=UTC)),
        # An explicit offset is taken as given.
        ("2027-06-02T10:30+02:00", datetime(2027, 6, 2, 8, 30, tzinfo=UTC)),
        ("2026-12-02T10:30Z", datetime(2026, 12, 2, 10, 30, tzinfo=UTC)),
        ("2026-12-02 10:30:00-05:00", datetime(2026, 12, 2, 15, 30, tzinfo=UTC)),
    ],
)
def test_when_is_read_as_uk_time_unless_it_says(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("next tuesday", "WHEN must look like"),
        ("2026-12-02", "WHEN must look like"),
        ("02/12/2026 10:30", "WHEN must look like"),
        ("2026-02-30 10:30", "is not a real date and time"),
        ("2026-12-02 24:30", "is not a real date and time"),
        ("2026-11-20 09:59", "is in the past"),
        ("2029-12-02 10:30", "more than 2 years away"),
        ("2027-03-28 01:30", "does not exist in UK time"),
    ],
)
def test_wrong_whens_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(BadAppointment, match=says):
        parse_when(text, NOW)


def _person(env: dict[str, str]) -> int:  # noqa: F811
    added = tandem(
        "people", "add", "--name", "Jo Appointment", "--crn", "J100001", "--json", env=env
    )
    assert added.returncode == 0, added.stderr
    return int(json.loads(added.stdout)["id"])


def test_add_replace_and_list(env: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    pid = _person(env)
    first = tandem("appointments", "add", str(pid), "2030-01-01 10:00", env=env)
    # Too far: nothing is recorded.
    assert "more than 2 years away" in one_line_error(first)

    added = tandem(
        "appointments", "add", str(pid), "2027-12-02 10:30", "--place", "Room 2", env=env
    )
    assert added.returncode == 0, added.stderr
    assert "Thursday 2 December 2027, 10:30am (UK time), in person: Room 2" in added.stdout
    again = tandem(
        "appointments",
        "add",
        str(pid),
        "2027-06-02T14:00",
        "--phone",
        "--place",
        "07700 900123",
        "--json",
        env=env,
    )
    assert again.returncode == 0, again.stderr
    booked = json.loads(again.stdout)
    assert booked["kind"] == "phone" and booked["place"] == "07700 900123"
    assert booked["at"] == "2027-06-02T13:00:00+00:00"
    assert booked["status"] == "upcoming" and isinstance(booked["replaced"], int)

    listed = tandem("appointments", "list", str(pid), "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["at_uk"], r["status"]) for r in rows] == [
        ("2027-06-02T14:00:00+01:00", "upcoming"),
        ("2027-12-02T10:30:00+00:00", "cancelled"),
    ]
    plain = tandem("appointments", "list", str(pid), env=env)
    assert "upcoming" in plain.stdout and "phone call: 07700 900123" in plain.stdout

    db = sqlite3.connect(tmp_path / "cli.db")
    events = db.execute(
        "SELECT actor, action, service_user_id FROM audit_event WHERE action != 'export'"
    ).fetchall()
    assert [e[1] for e in events] == [
        "set_appointment",
        "set_appointment",
        "list_appointments",
        "list_appointments",
    ]
    assert all(actor.startswith("cli:") and person == pid for actor, _, person in events)
    # The reminders follow: the replaced appointment's are called off, the new one's wait.
    jobs = db.execute(
        "SELECT ref_id, kind, done_at IS NULL FROM due_job WHERE kind LIKE 'appointment_%' ORDER BY id"
    ).fetchall()
    waiting = {(ref, kind) for ref, kind, pending in jobs if pending}
    assert waiting == {
        (booked["id"], "appointment_day_before"),
        (booked["id"], "appointment_morning"),
    }


def test_one_line_errors(env: dict[str, str]) -> None:  # noqa: F811
    pid = _person(env)
    for args, says in (
        (("add", "999", "2027-12-02 10:30"), "no person with id 999"),
        (("add", str(pid), "2020-12-02 10:30"), "is in the past"),
        (("add", str(pid), "soon"), "WHEN must look like"),
        (("add", str(pid), "2027-12-02 10:30", "--place", "x" * 201), "200 characters"),
        (("list", "999"), "no person with id 999"),
    ):
        line = one_line_error(tandem("appointments", *args, env=env))
        assert line.startswith("tandem: ") and says in line, line
    both = tandem(
        "appointments", "add", str(pid), "2027-12-02 10:30", "--phone", "--video", env=env
    )
    assert both.returncode == 2 and "not allowed with" in both.stderr
