"""Office hours (bot/scheduling/office.py): Monday to Friday, 09:00-17:00 UK time, not on a
bank holiday in England or Wales — counted across evenings, weekends, bank holidays and both
clock changes. Pure arithmetic: no database, no waiting."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scheduling.escalation import hours_allowed, waiting_words
from bot.scheduling.office import OFFICE, OfficeHours, bank_holidays
from bot.scheduling.quiet import zone

LONDON = zone("Europe/London")


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


def test_within_one_office_day() -> None:
    # Monday 23 November 2026 (GMT).
    assert OFFICE.add(london(2026, 11, 23, 10, 0), 4) == london(2026, 11, 23, 14, 0)
    # Ending exactly at closing time is that day, not the next morning.
    assert OFFICE.add(london(2026, 11, 23, 13, 0), 4) == london(2026, 11, 23, 17, 0)
    # Raised before the office opens: the count starts at 09:00.
    assert OFFICE.add(london(2026, 11, 23, 6, 30), 4) == london(2026, 11, 23, 13, 0)
    # Raised in the evening: tomorrow morning.
    assert OFFICE.add(london(2026, 11, 23, 20, 0), 4) == london(2026, 11, 24, 13, 0)
    # Overnight: 17:00 to 09:00 counts nothing.
    assert OFFICE.add(london(2026, 11, 23, 15, 30), 4) == london(2026, 11, 24, 11, 30)


def test_friday_afternoon_waits_for_monday() -> None:
    # Friday 27 November 2026, 16:00: one hour on Friday, three on Monday.
    assert OFFICE.add(london(2026, 11, 27, 16, 0), 4) == london(2026, 11, 30, 12, 0)
    # Raised on Saturday or Sunday: from Monday 09:00.
    assert OFFICE.add(london(2026, 11, 28, 11, 0), 4) == london(2026, 11, 30, 13, 0)
    assert OFFICE.add(london(2026, 11, 29, 23, 59), 4) == london(2026, 11, 30, 13, 0)


def test_bank_holidays_in_england_and_wales_are_not_office_days() -> None:
    # Friday 22 May 2026, 16:00; Monday 25 May is the spring bank holiday: Tuesday 12:00.
    assert OFFICE.add(london(2026, 5, 22, 16, 0), 4) == london(2026, 5, 26, 12, 0)
    # Easter: Thursday 2 April 2026, 16:00; Good Friday and Easter Monday are shut.
    assert OFFICE.add(london(2026, 4, 2, 16, 0), 4) == london(2026, 4, 7, 12, 0)
    # Christmas 2026: Friday 25, Saturday 26 (Boxing Day), so Monday 28 is the substitute.
    assert OFFICE.add(london(2026, 12, 24, 16, 0), 4) == london(2026, 12, 29, 12, 0)
    # New Year's Day 2027 is a Friday.
    assert OFFICE.add(london(2026, 12, 31, 16, 0), 4) == london(2027, 1, 4, 12, 0)
    days = bank_holidays(2026)
    assert {date(2026, 5, 25), date(2026, 12, 28), date(2026, 8, 31)} <= days
    # Scotland's own (St Andrew's Day, 2 January) are not England's or Wales's.
    assert date(2026, 11, 30) not in days and date(2026, 1, 2) not in days
    assert OFFICE.is_office_day(date(2026, 11, 30))


def test_the_weekend_the_clocks_go_forward() -> None:
    # Friday 27 March 2026, 16:00 GMT; Sunday 29 March the clocks go forward.
    raised = london(2026, 3, 27, 16, 0)
    assert raised == datetime(2026, 3, 27, 16, 0, tzinfo=UTC)
    due = OFFICE.add(raised, 4)
    assert due == london(2026, 3, 30, 12, 0)  # 12:00 BST
    assert due == datetime(2026, 3, 30, 11, 0, tzinfo=UTC)
    assert due.astimezone(LONDON).time() == time(12, 0)
    assert OFFICE.between(raised, due) == timedelta(hours=4)


def test_the_weekend_the_clocks_go_back() -> None:
    # Friday 23 October 2026, 16:00 BST; Sunday 25 October the clocks go back.
    raised = london(2026, 10, 23, 16, 0)
    assert raised == datetime(2026, 10, 23, 15, 0, tzinfo=UTC)
    due = OFFICE.add(raised, 4)
    assert due == london(2026, 10, 26, 12, 0)  # 12:00 GMT
    assert due == datetime(2026, 10, 26, 12, 0, tzinfo=UTC)
    assert OFFICE.between(raised, due) == timedelta(hours=4)


def test_many_hours_span_weeks() -> None:
    # 40 hours from Monday 09:00 is Friday 17:00; 41 is the next Monday 10:00.
    monday = london(2026, 11, 23, 9, 0)
    assert OFFICE.add(monday, 40) == london(2026, 11, 27, 17, 0)
    assert OFFICE.add(monday, 41) == london(2026, 11, 30, 10, 0)
    # Nothing to wait for: now.
    assert OFFICE.add(monday, 0) == monday


def test_another_office_day() -> None:
    early = OfficeHours(opens=time(8, 0), closes=time(18, 30))
    assert early.add(london(2026, 11, 27, 17, 0), 4) == london(2026, 11, 30, 10, 30)
    with pytest.raises(ValueError):
        OfficeHours(opens=time(17, 0), closes=time(9, 0))


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    ),
    hours=st.integers(min_value=1, max_value=40),
)
def test_the_answer_is_in_office_hours_and_exactly_that_many_hours_on(
    start: datetime, hours: int
) -> None:
    due = OFFICE.add(start, hours)
    local = due.astimezone(LONDON)
    assert OFFICE.is_office_day(local.date())
    assert time(9, 0) < local.time() <= time(17, 0)
    assert OFFICE.between(start, due) == timedelta(hours=hours)
    # And not a minute earlier.
    assert OFFICE.between(start, due - timedelta(minutes=1)) < timedelta(hours=hours)


def test_the_setting_is_kept_within_what_the_admin_page_allows() -> None:
    assert hours_allowed(None) == 4
    assert hours_allowed(0) == 1 and hours_allowed(-3) == 1
    assert hours_allowed(6) == 6 and hours_allowed(400) == 40


def test_waiting_in_plain_words() -> None:
    assert waiting_words(timedelta(minutes=1)) == "1 minute"
    assert waiting_words(timedelta(seconds=20)) == "less than a minute"
    assert waiting_words(timedelta(hours=3)) == "3 hours"
    assert waiting_words(timedelta(hours=1, minutes=5)) == "1 hour and 5 minutes"
    assert waiting_words(timedelta(days=2, hours=1, minutes=30)) == "2 days and 1 hour"
    assert waiting_words(timedelta(days=1)) == "1 day"
