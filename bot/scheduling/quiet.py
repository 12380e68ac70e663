"""Quiet hours: no message between 21:00 and 09:00 in the person's own time zone.

Pure functions of a moment and a zone. Local times are built with zoneinfo, so 09:00 in
London is 09:00 on both sides of the March and October clock changes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Europe/London"
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(9, 0)


def zone(name: str | None) -> ZoneInfo:
    """The person's zone; an unknown or empty name falls back to UK time."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """``day`` at ``at`` on the local clock, in UTC. A local time the clocks skip (01:30 on
    the last Sunday of March in London) comes out as the same time after the jump (02:30), and
    a time that happens twice in October is its first."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def is_quiet(moment: datetime, tz: ZoneInfo) -> bool:
    local = moment.astimezone(tz).time()
    if QUIET_FROM > QUIET_UNTIL:  # the quiet spans midnight
        return local >= QUIET_FROM or local < QUIET_UNTIL
    return QUIET_FROM <= local < QUIET_UNTIL


def next_allowed(moment: datetime, tz: ZoneInfo) -> datetime:
    """``moment`` itself when a message may go then, else the end of these quiet hours."""
    if not is_quiet(moment, tz):
        return moment
    local = moment.astimezone(tz)
    day = local.date()
    if local.time() >= QUIET_UNTIL:  # evening: quiet until tomorrow morning
        day += timedelta(days=1)
    return local_moment(day, QUIET_UNTIL, tz)
