"""Office hours: Monday to Friday, 09:00 to 17:00 UK time, not on a bank holiday in England or
Wales. How long a flag may wait before it goes to the seniors is counted in these hours.

Pure functions of moments and dates. Bank holidays come from the `holidays` package (England's
and Wales's lists, joined: an office on either side of the border is shut on either's): its
rules give every year's dates, and a one-off bank holiday (a coronation, a jubilee) arrives
with a new version of the package. The day's edges are built with zoneinfo, so 09:00 is 09:00
on both sides of the March and October clock changes (both happen on a Sunday, when no office
is open, so an office day is always eight real hours).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from bot.scheduling.quiet import local_moment

OFFICE_ZONE = ZoneInfo("Europe/London")
# The parts of the UK whose bank holidays close the office.
SUBDIVISIONS = ("ENG", "WLS")
# However many hours are asked for, the answer is found within this many days.
HORIZON_DAYS = 3660


@lru_cache(maxsize=32)
def bank_holidays(year: int, subdivisions: tuple[str, ...] = SUBDIVISIONS) -> frozenset[date]:
    """The bank holidays of a year in any of these parts of the UK (substitute days included:
    Boxing Day on a Saturday makes the Monday after a holiday)."""
    days: set[date] = set()
    for subdiv in subdivisions:
        days.update(holidays.country_holidays("GB", subdiv=subdiv, years=year).keys())
    return frozenset(days)


@dataclass(frozen=True)
class OfficeHours:
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    zone: ZoneInfo = field(default=OFFICE_ZONE)
    subdivisions: tuple[str, ...] = SUBDIVISIONS

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise ValueError("the office must open before it closes")

    def is_office_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in bank_holidays(day.year, self.subdivisions)

    def day_edges(self, day: date) -> tuple[datetime, datetime]:
        """When the office opens and closes on ``day``, in UTC."""
        return local_moment(day, self.opens, self.zone), local_moment(day, self.closes, self.zone)

    def add(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` office hours after ``start`` (outside office hours, the count
        starts when the office next opens). Ending exactly at closing time is 17:00 that day,
        not 09:00 the next."""
        remaining = timedelta(hours=hours)
        if remaining <= timedelta(0):
            return start
        day = start.astimezone(self.zone).date()
        for _ in range(HORIZON_DAYS):
            if self.is_office_day(day):
                opens, closes = self.day_edges(day)
                begin = max(start, opens)
                if begin < closes:
                    if begin + remaining <= closes:
                        return begin + remaining
                    remaining -= closes - begin
            day += timedelta(days=1)
        raise ValueError(f"{hours} office hours is beyond {HORIZON_DAYS} days")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """How many office hours there are from ``start`` to ``end``."""
        total = timedelta(0)
        if end <= start:
            return total
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            if self.is_office_day(day):
                opens, closes = self.day_edges(day)
                begin, finish = max(start, opens), min(end, closes)
                if begin < finish:
                    total += finish - begin
            day += timedelta(days=1)
        return total


OFFICE = OfficeHours()
