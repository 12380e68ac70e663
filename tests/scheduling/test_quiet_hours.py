"""Quiet hours (21:00-09:00 on the person's own clock) and local times across the clock
changes: 09:00 in London is 09:00 in winter and in summer, and on the nights the clocks go
forward (last Sunday of March) and back (last Sunday of October)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.conversations.dates import day_text, time_text, where_text
from bot.scheduling.appointments import DAY_BEFORE, MORNING, reminder_times
from bot.scheduling.assignments import nudge_times
from bot.scheduling.checkins import next_opening
from bot.scheduling.quiet import is_quiet, local_moment, next_allowed, zone
from storage.models import Appointment, CheckinSchedule, Organisation

LONDON = zone("Europe/London")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        # Winter (GMT): 22:30 waits for 09:00 the next morning.
        (london(2026, 11, 23, 22, 30), london(2026, 11, 24, 9, 0)),
        # Summer (BST): the same on the local clock, an hour earlier in UTC.
        (london(2026, 7, 6, 22, 30), london(2026, 7, 7, 9, 0)),
        # Small hours wait for the same morning.
        (london(2026, 11, 24, 3, 0), london(2026, 11, 24, 9, 0)),
        (london(2026, 11, 24, 8, 59), london(2026, 11, 24, 9, 0)),
        (london(2026, 11, 24, 21, 0), london(2026, 11, 25, 9, 0)),
        # The edges of the day: 09:00 and 20:59 may send.
        (london(2026, 11, 24, 9, 0), london(2026, 11, 24, 9, 0)),
        (london(2026, 11, 24, 20, 59), london(2026, 11, 24, 20, 59)),
    ],
)
def test_next_allowed_moment(moment: datetime, allowed: datetime) -> None:
    assert next_allowed(moment.astimezone(UTC), LONDON) == allowed.astimezone(UTC)


def test_the_night_the_clocks_go_forward() -> None:
    # Saturday 28 March 2026, 22:30 GMT: the night the clocks go forward to BST.
    evening = utc(2026, 3, 28, 22, 30)
    assert is_quiet(evening, LONDON)
    morning = next_allowed(evening, LONDON)
    assert morning == utc(2026, 3, 29, 8, 0)  # 09:00 BST
    assert morning.astimezone(LONDON).time() == time(9, 0)
    # Ten and a half hours of the clock on the wall, nine and a half really.
    assert morning - evening == timedelta(hours=9, minutes=30)


def test_the_night_the_clocks_go_back() -> None:
    # Saturday 24 October 2026, 22:30 BST (21:30 UTC): the clocks go back to GMT.
    evening = utc(2026, 10, 24, 21, 30)
    assert is_quiet(evening, LONDON)
    morning = next_allowed(evening, LONDON)
    assert morning == utc(2026, 10, 25, 9, 0)  # 09:00 GMT
    assert morning.astimezone(LONDON).time() == time(9, 0)
    assert morning - evening == timedelta(hours=11, minutes=30)


def test_the_hour_that_happens_twice_is_quiet_both_times() -> None:
    # 01:30 on 25 October 2026 happens at 00:30 UTC (BST) and again at 01:30 UTC (GMT).
    for moment in (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)):
        assert moment.astimezone(LONDON).time() == time(1, 30)
        assert next_allowed(moment, LONDON) == utc(2026, 10, 25, 9, 0)


def test_local_times_skipped_or_doubled_by_a_clock_change() -> None:
    # 01:30 does not exist on 29 March 2026: it comes out as 02:30 BST.
    skipped = local_moment(date(2026, 3, 29), time(1, 30), LONDON)
    assert skipped == utc(2026, 3, 29, 1, 30)
    assert skipped.astimezone(LONDON).time() == time(2, 30)
    # 01:30 happens twice on 25 October 2026: the first one.
    assert local_moment(date(2026, 10, 25), time(1, 30), LONDON) == utc(2026, 10, 25, 0, 30)


def test_other_zones_and_unknown_zones() -> None:
    madrid = zone("Europe/Madrid")
    # 21:30 UTC is 22:30 in Madrid in winter: quiet until 09:00 there (08:00 UTC).
    assert next_allowed(utc(2026, 11, 23, 21, 30), madrid) == utc(2026, 11, 24, 8, 0)
    # Not a zone, or none: UK time.
    assert zone("Not/AZone") == LONDON
    assert zone("") == LONDON
    assert zone(None) == LONDON


def test_reminders_at_the_organisations_hour_on_the_persons_clock() -> None:
    org = Organisation(name="x", reminder_hour=9)
    # Monday 30 March 2026 at 10:30 BST, the day after the clocks went forward.
    appointment = Appointment(service_user_id=1, at=london(2026, 3, 30, 10, 30))
    times = reminder_times(appointment, org, LONDON, utc(2026, 3, 20, 12, 0))
    assert times[DAY_BEFORE] == london(2026, 3, 29, 9, 0)  # Sunday, already BST
    assert times[DAY_BEFORE] == utc(2026, 3, 29, 8, 0)
    assert times[MORNING] == utc(2026, 3, 30, 8, 0)
    # Monday 2 November 2026 at 10:30 GMT, after the clocks went back.
    appointment.at = london(2026, 11, 2, 10, 30)
    times = reminder_times(appointment, org, LONDON, utc(2026, 10, 20, 12, 0))
    assert times[DAY_BEFORE] == utc(2026, 11, 1, 9, 0)
    assert times[MORNING] == utc(2026, 11, 2, 9, 0)


def test_reminders_switched_off_booked_late_or_early_in_the_morning() -> None:
    org = Organisation(name="x", reminder_hour=9, remind_day_before=False)
    appointment = Appointment(service_user_id=1, at=london(2026, 11, 24, 9, 30))
    times = reminder_times(appointment, org, LONDON, utc(2026, 11, 20, 12, 0))
    # No day-before reminder; the morning one an hour before a 09:30 appointment.
    assert times == {MORNING: utc(2026, 11, 24, 8, 30)}
    org.remind_day_before = True
    # Booked on the day before, after the reminder hour: only the morning one is still to come.
    times = reminder_times(appointment, org, LONDON, utc(2026, 11, 23, 15, 0))
    assert set(times) == {MORNING}


def test_weekly_checkins_keep_their_local_time_across_the_clock_change() -> None:
    schedule = CheckinSchedule(
        service_user_id=1, every_days=7, window_days=3, next_at=utc(2026, 3, 23, 10, 0)
    )
    opened = london(2026, 3, 23, 10, 0)  # Monday, GMT
    following = next_opening(schedule, opened.astimezone(UTC), opened.astimezone(UTC), LONDON)
    assert following == london(2026, 3, 30, 10, 0)  # Monday, BST: still 10:00 on the clock
    assert following == utc(2026, 3, 30, 9, 0)
    # A server down for three weeks opens the next one to come, not all the missed ones.
    late = next_opening(schedule, opened.astimezone(UTC), utc(2026, 4, 14, 12, 0), LONDON)
    assert late == london(2026, 4, 20, 10, 0)


def test_nudges_leave_room_and_come_the_day_before() -> None:
    invited = utc(2026, 11, 23, 10, 0)
    # Due in eight days: after two days, after five, and the day before.
    assert nudge_times(invited, invited + timedelta(days=8)) == [
        invited + timedelta(days=2),
        invited + timedelta(days=5),
        invited + timedelta(days=7),
    ]
    # Due in two and a half days: only the day before.
    assert nudge_times(invited, invited + timedelta(days=2, hours=12)) == [
        invited + timedelta(days=1, hours=12)
    ]
    # Due tomorrow morning: no nudge at all.
    assert nudge_times(invited, invited + timedelta(hours=23)) == []


def test_days_and_times_as_people_read_them() -> None:
    moment = london(2026, 12, 1, 10, 30)
    assert day_text(moment, LONDON) == "Tuesday 1 December"
    assert time_text(moment, LONDON) == "10:30am"
    assert time_text(london(2026, 12, 1, 14, 0), LONDON) == "2pm"
    assert time_text(london(2026, 12, 1, 0, 15), LONDON) == "12:15am"
    assert day_text(moment, LONDON, "cy") == "dydd Mawrth 1 Rhagfyr"
    assert day_text(moment, LONDON, "cy", on=True) == "ddydd Mawrth 1 Rhagfyr"
    assert time_text(moment, LONDON, "cy") == "10:30yb"
    # In the person's own zone: 23:30 UTC is already Wednesday in Madrid.
    assert day_text(utc(2026, 12, 1, 23, 30), zone("Europe/Madrid")) == "Wednesday 2 December"
    assert where_text("in_person", "Station Road") == ", at Station Road"
    assert where_text("in_person", "") == ""
    assert where_text("phone", "07700 900123") == ", by phone on 07700 900123"
    assert where_text("video", "") == ", by video call"
