"""A date, typed the way people in the UK write them, or Today / Yesterday buttons.

Day first: 3/4/2025, 03-04-25, 3.4.25, 3 April, 3rd of April 2025, April 3rd, Thu 3 April,
today, yesterday, the day before yesterday, 2 days ago (and the Welsh month names and words).
The engine never reads the clock: the caller passes the person's local `today`; without it,
words like "today" (and dates without a year) can't be read. Stored as ISO text (2025-04-03).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar, Final, Literal

from ..conditions import Measure
from ..model import AnswerValue, Button, Problem
from ..schema import DateItem, DateQuestion
from ..system import MONTHS, TODAY_LABEL, TOMORROW_LABEL, YESTERDAY_LABEL
from ..texts import Text, normalise
from .base import Accepted, AnswerKind, BadValue, Ctx, Reading, Rows

Dates = Literal["past", "future", "any"]

TODAY_TOKEN: Final = "t"  # noqa: S105
YESTERDAY_TOKEN: Final = "y"  # noqa: S105
TOMORROW_TOKEN: Final = "m"  # noqa: S105

_RELATIVE: Final = {
    "today": 0,
    "heddiw": 0,
    "yesterday": -1,
    "ddoe": -1,
    "tomorrow": 1,
    "yfory": 1,
    "the day before yesterday": -2,
    "day before yesterday": -2,
    "echdoe": -2,
    "the day after tomorrow": 2,
    "day after tomorrow": 2,
    "drennydd": 2,
}
_AGO = re.compile(r"(\d{1,3}) days? ago|(\d{1,3}) diwrnod yn ôl")
_NUMERIC = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}|\d{2}))?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_MONTH = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th|af|ail|ydd|fed|eg)?\s+(?:of\s+|o\s+)?([a-z]+)(?:\s+(\d{4}|\d{2}))?"
)
_MONTH_DAY = re.compile(r"([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s+(\d{4}|\d{2}))?")
_WEEKDAYS = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\b|"
    r"\bdydd\s+\w+\b"
)


def _month_names() -> dict[str, int]:
    names: dict[str, int] = {}
    for months in MONTHS.values():
        for number, name in enumerate(months, start=1):
            word = name.casefold()
            names[word] = number
            if len(word) > 3:
                names.setdefault(word[:3], number)
    names["sept"] = 9
    names["gorff"] = 7
    names["chwef"] = 2
    return names


_MONTHS: Final = _month_names()


def _year(text: str | None, today: date | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    if len(text) == 2:
        year += 2000
        if today is not None and year > today.year + 20:
            year -= 100
    return year


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _no_year(month: int, day: int, today: date | None, dates: Dates) -> date | None:
    if today is None:
        return None
    found = _make(today.year, month, day)
    if found is None and (month, day) == (2, 29):
        # 29 February: the nearest leap year on the right side of today.
        step = -1 if dates == "past" else 1
        for year in range(today.year + step, today.year + 8 * step, step):
            found = _make(year, month, day)
            if found is not None:
                break
        return found
    if found is None:
        return None
    if dates == "past" and found > today:
        return _make(today.year - 1, month, day)
    if dates == "future" and found < today:
        return _make(today.year + 1, month, day)
    return found


def read_date(text: str, today: date | None, dates: Dates = "any") -> date | None:
    """The date in `text`, or None when it can't be read."""
    words = normalise(text).replace(",", " ").replace("the ", " ")
    words = " ".join(_WEEKDAYS.sub(" ", words).split())
    if words in _RELATIVE or words.removeprefix("it was ") in _RELATIVE:
        offset = _RELATIVE.get(words, _RELATIVE.get(words.removeprefix("it was "), 0))
        return None if today is None else today + timedelta(days=offset)
    if match := _AGO.fullmatch(words):
        days = int(match.group(1) or match.group(2))
        return None if today is None else today - timedelta(days=days)
    if match := _ISO.fullmatch(words):
        return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _NUMERIC.fullmatch(words):
        day, month = int(match.group(1)), int(match.group(2))
        year = _year(match.group(3), today)
        return _make(year, month, day) if year else _no_year(month, day, today, dates)
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        if match := pattern.fullmatch(words):
            named = _MONTHS.get(match.group(month_group).rstrip("."))
            if named is None:
                continue
            day = int(match.group(day_group))
            year = _year(match.group(3), today)
            return _make(year, named, day) if year else _no_year(named, day, today, dates)
    return None


def show_date(value: AnswerValue, lang: str) -> str:
    if not isinstance(value, str):
        return ""
    try:
        found = date.fromisoformat(value)
    except ValueError:
        return value
    months = MONTHS.get(lang, MONTHS["en"])
    return f"{found.day} {months[found.month - 1]} {found.year}"


@dataclass(frozen=True, slots=True)
class DateKind(AnswerKind):
    dates: Dates = "any"

    keeps: ClassVar[bool] = True
    measure: ClassVar[Measure | None] = "date"

    def buttons(self, lang: str, draft: AnswerValue = None) -> Rows:
        other = (
            Button(TOMORROW_LABEL.pick(lang), TOMORROW_TOKEN)
            if self.dates == "future"
            else Button(YESTERDAY_LABEL.pick(lang), YESTERDAY_TOKEN)
        )
        return ((Button(TODAY_LABEL.pick(lang), TODAY_TOKEN), other),)

    def _take(self, found: date | None, ctx: Ctx) -> Reading:
        if found is None:
            return Problem.NOT_A_DATE
        if ctx.today is not None:
            if self.dates == "past" and found > ctx.today:
                return Problem.DATE_IN_FUTURE
            if self.dates == "future" and found < ctx.today:
                return Problem.DATE_IN_PAST
        value = found.isoformat()
        return Accepted(value, show_date(value, ctx.lang))

    def read_button(self, token: str, ctx: Ctx) -> Reading:
        offsets = {TODAY_TOKEN: 0}
        offsets[TOMORROW_TOKEN if self.dates == "future" else YESTERDAY_TOKEN] = (
            1 if self.dates == "future" else -1
        )
        if token not in offsets:
            return Problem.INVALID_BUTTON
        if ctx.today is None:
            return Problem.NOT_A_DATE
        return self._take(ctx.today + timedelta(days=offsets[token]), ctx)

    def read_text(self, text: str, ctx: Ctx) -> Reading:
        return self._take(read_date(text, ctx.today, self.dates), ctx)

    def show(self, value: AnswerValue, lang: str) -> str:
        return show_date(value, lang)

    def condition_value(self, op: str, raw: object) -> tuple[AnswerValue, Text | None]:
        found = read_date(str(raw), None) if isinstance(raw, str) else None
        if found is None:
            raise BadValue(
                f"`{raw}` is not a date with a year; write it like 2025-04-03 or 3/4/2025"
            )
        value = found.isoformat()
        return value, Text({lang: show_date(value, lang) for lang in MONTHS})


def build(step: DateQuestion | DateItem) -> DateKind:
    return DateKind(step.dates)
