"""What staff see of a flag, on a person's page, the brief and the caseload: what raised it (the
category, or the appointment they said they can't make; the person's words, a voice note or photo it came with), the messages added to it
since, in order, what the person chose, whether a call is safe (shown before anything that
suggests phoning), whether it went to the seniors, and the form to resolve it.

Only the flagged messages are shown: never the answers of the conversation the person was in
(its tool's name, at most). A flag's `conversation_id` is not a way into anything they kept
to themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations.catalogue import Catalogue
from bot.review.web import uk_time
from bot.scheduling.escalation import waiting_words
from storage.appointments import appointments_by_id
from storage.escalations import messages_of
from storage.flags import CANT_ATTEND
from storage.models import Flag, FlagMessage

# Staff words for the safeguarding categories, when the rules file gives none.
CATEGORY_NAMES = {
    "medical_emergency": "A medical emergency",
    "suicide_self_harm": "Suicide or self-harm",
    "being_harmed": "Being harmed",
    "harm_to_others": "Harm to others",
    "nowhere_to_sleep": "Nowhere to sleep",
    "struggling_to_cope": "Struggling to cope",
}
MEDIA_NAMES = {
    "voice": "voice note",
    "audio": "voice note",
    "photo": "photo",
    "video": "video",
    "video_note": "video",
    "document": "file",
}
MESSAGE_KINDS = {"repeat": "Another worrying message", "after": "Also wrote"}
CHOICE_TIME = "%-I:%M%p on %-d %B"
SHORT_TIME = "%-d %b, %-I:%M%p"


def category_name(catalogue: Catalogue | None, category: str | None) -> str:
    if not category:
        return "Safeguarding"
    rules = catalogue.safeguards.rules if catalogue else None
    for found in rules.categories if rules else ():
        if found.key == category and found.label.get("en"):
            return str(found.label["en"])
    return CATEGORY_NAMES.get(category, category.replace("_", " ").capitalize())


def flag_title(catalogue: Catalogue | None, flag: Flag) -> str:
    if flag.kind == "callback":
        return "Asked for a call"
    if flag.kind == CANT_ATTEND:
        return "Can't make an appointment"
    if not flag.category:
        return "Safeguarding"
    return f"Safeguarding: {category_name(catalogue, flag.category)}"


def asks_if_safe(catalogue: Catalogue | None, categories: Iterable[str]) -> bool:
    """Whether any of these categories asks if a call is safe (someone may be hurting them)."""
    rules = catalogue.safeguards.rules if catalogue else None
    wanted = set(categories)
    if rules is None:
        return "being_harmed" in wanted
    return any(c.key in wanted and c.call == "ask_if_safe" for c in rules.categories)


@dataclass(frozen=True)
class Contact:
    """Whether a call is safe: `stop` is shown as a warning, before anything about calling."""

    stop: bool
    text: str
    # Their own words for when to call, shown as they wrote them (escaped).
    words: str | None = None


def contact_of(flag: Flag, ask_if_safe: bool) -> Contact | None:
    if flag.contact == "not_safe":
        return Contact(True, "Not safe to call them — do not phone")
    if flag.contact == "times":
        if flag.contact_times and flag.contact_times.strip():
            return Contact(True, "Only call at:", flag.contact_times.strip())
        return Contact(
            True, "Only call at the times they give, and they have not said when yet — do not phone"
        )
    if flag.contact == "safe":
        return Contact(False, "Safe to call")
    if ask_if_safe:
        return Contact(
            True, "They have not said whether it is safe to call them — do not phone until you know"
        )
    return None


def choice_words(flag: Flag) -> str | None:
    """What the person chose after the crisis reply, in staff words."""
    at = uk_time(flag.person_choice_at, CHOICE_TIME) if flag.person_choice_at else None
    when = f" ({at})" if at else ""
    if flag.person_choice == "ok":
        return f"They said they were OK{when}. This flag stays open until someone deals with it."
    if flag.person_choice == "call":
        return f"They asked for a call{when}."
    if flag.person_choice == "later":
        return f"They chose to carry on with the tool later{when}."
    return None


def choice_short(flag: Flag) -> str | None:
    """The same, in a few words for the printed brief."""
    at = uk_time(flag.person_choice_at, SHORT_TIME) if flag.person_choice_at else None
    when = f", {at}" if at else ""
    words = {
        "ok": "Said they were OK{} (still open)",
        "call": "Asked for a call{}",
        "later": "Chose to carry on later{}",
    }.get(flag.person_choice or "")
    return words.format(when) if words else None


@dataclass
class MessageView:
    message: FlagMessage
    what: str
    categories: list[str]
    new: bool

    @property
    def media_name(self) -> str | None:
        if not self.message.file_id:
            return None
        return MEDIA_NAMES.get(self.message.media_kind or "", "file")


@dataclass
class FlagView:
    flag: Flag
    title: str
    tool: str | None
    new: bool
    messages: list[MessageView] = field(default_factory=list)
    contact: Contact | None = None
    choice: str | None = None
    # Every category that matched, in staff words (the first leads).
    categories: list[str] = field(default_factory=list)
    # For "Can't make an appointment": when that appointment is (None: not known any more).
    appointment_at: datetime | None = None

    @property
    def asked_for_call(self) -> bool:
        return self.flag.kind == "callback" or self.flag.callback_requested_at is not None

    @property
    def media_name(self) -> str | None:
        if not self.flag.file_id:
            return None
        return MEDIA_NAMES.get(self.flag.media_kind or "", "file")

    @property
    def choice_short(self) -> str | None:
        return choice_short(self.flag)

    @property
    def escalated(self) -> bool:
        return self.flag.escalated_at is not None

    def waited(self, now: datetime) -> str:
        return waiting_words(max(now - self.flag.created_at, timedelta(0)))


def is_new(moment: datetime | None, seen_before: datetime | None) -> bool:
    """Newer than this member of staff last opened the page (everything is, the first time)."""
    return moment is not None and (seen_before is None or moment > seen_before)


async def flag_views(
    session: AsyncSession,
    catalogue: Catalogue | None,
    flags: list[Flag],
    *,
    tools: dict[int, str] | None = None,
    seen_before: datetime | None = None,
) -> list[FlagView]:
    """Open flags as staff see them, those sent to the seniors first; one query for all their
    added messages. `tools` names the tool each conversation was (by conversation id): a name,
    never its answers."""
    added = await messages_of(session, (f.id for f in flags if f.id is not None))
    appointments = await appointments_by_id(session, (f.appointment_id for f in flags))
    views = []
    # Those sent to the seniors first (the longest waiting first), then the order given.
    flags = sorted(
        flags,
        key=lambda f: (f.escalated_at is None, f.created_at.timestamp() if f.escalated_at else 0.0),
    )
    for flag in flags:
        categories = list(
            dict.fromkeys([*([flag.category] if flag.category else []), *flag.categories])
        )
        messages = [
            MessageView(
                m,
                MESSAGE_KINDS.get(m.kind, "Also wrote"),
                [category_name(catalogue, c) for c in m.categories or ()],
                is_new(m.created_at, seen_before),
            )
            for m in added.get(flag.id or 0, [])
        ]
        every = categories + [c for m in messages for c in m.message.categories or ()]
        views.append(
            FlagView(
                flag=flag,
                title=flag_title(catalogue, flag),
                tool=(tools or {}).get(flag.conversation_id or 0),
                new=is_new(flag.created_at, seen_before) or any(m.new for m in messages),
                messages=messages,
                contact=contact_of(flag, asks_if_safe(catalogue, every)),
                choice=choice_words(flag),
                categories=[category_name(catalogue, c) for c in categories],
                appointment_at=(
                    appointments[flag.appointment_id].at
                    if flag.appointment_id in appointments
                    else None
                ),
            )
        )
    return views
