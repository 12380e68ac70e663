"""Days and times as a person reads them, in their language and their own time zone:
"Tuesday 2 December", "10:30am" (Welsh: "dydd Mawrth 2 Rhagfyr", "10:30yb").

The Welsh is a careful draft for review by a Welsh speaker, like the other Welsh texts.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

DAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "cy": (
        "dydd Llun",
        "dydd Mawrth",
        "dydd Mercher",
        "dydd Iau",
        "dydd Gwener",
        "dydd Sadwrn",
        "dydd Sul",
    ),
}
MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "cy": (
        "Ionawr",
        "Chwefror",
        "Mawrth",
        "Ebrill",
        "Mai",
        "Mehefin",
        "Gorffennaf",
        "Awst",
        "Medi",
        "Hydref",
        "Tachwedd",
        "Rhagfyr",
    ),
}
# Morning and afternoon marks: am/pm, and the Welsh yb (y bore) / yh (y prynhawn).
HALVES = {"en": ("am", "pm"), "cy": ("yb", "yh")}


def _lang(lang: str) -> str:
    return lang if lang in DAYS else "en"


def day_text(moment: datetime, tz: ZoneInfo, lang: str = "en", *, on: bool = False) -> str:
    """The local day, e.g. "Tuesday 2 December". With ``on``, the form that follows "on" or
    stands alone as "when" (Welsh mutates it: "ddydd Mawrth")."""
    lang = _lang(lang)
    local = moment.astimezone(tz)
    name = DAYS[lang][local.weekday()]
    if lang == "cy" and on:
        name = "d" + name
    return f"{name} {local.day} {MONTHS[lang][local.month - 1]}"


def time_text(moment: datetime, tz: ZoneInfo, lang: str = "en") -> str:
    """The local time on the 12-hour clock, as people say it: "10:30am", "2pm"."""
    lang = _lang(lang)
    local = moment.astimezone(tz)
    hour = local.hour % 12 or 12
    half = HALVES[lang][local.hour >= 12]
    if local.minute:
        return f"{hour}:{local.minute:02d}{half}"
    return f"{hour}{half}"


def where_text(kind: str, place: str, lang: str = "en") -> str:
    """How and where an appointment happens, as the end of a sentence: ", at Station Road",
    ", by phone on 07700 900123", or nothing when nothing is known."""
    from bot.conversations.texts import say

    place = " ".join(place.split())
    if kind == "phone":
        return (
            say("appointment_where_phone_on", lang, place=place)
            if place
            else say("appointment_where_phone", lang)
        )
    if kind == "video":
        return say("appointment_where_video", lang)
    return say("appointment_where_place", lang, place=place) if place else ""
