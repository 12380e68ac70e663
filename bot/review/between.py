"""The "between appointments" part of a person's page: whether Tandem can reach them, whether
they stopped reminders, the tools set for them and how far each has got, and their regular
check-in. A fixed number of queries (assignments, the check-in schedule, names)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations.catalogue import Catalogue
from bot.review.assignments import AssignmentRow, assignment_rows
from bot.scheduling.checkins import active_schedule
from storage.models import Assignment, CheckinSchedule, ServiceUser, Staff

EVERY = {7: "Every week", 14: "Every 2 weeks", 28: "Every 4 weeks"}
DONE = {
    "tools": "Tools set. Tandem will send the invitation on Telegram.",
    "tool_cancelled": "Tool cancelled. Tandem will send nothing more about it.",
    "tool_not_open": "That tool was already done, expired or cancelled",
    "checkins_started": "Regular check-ins started",
    "checkins_stopped": "Regular check-ins stopped",
    "appointment_cancelled": "Next appointment cancelled. No more reminders will be sent for it.",
}


def every_words(days: int) -> str:
    return EVERY.get(days) or f"Every {days} days"


@dataclass
class Between:
    person: ServiceUser
    first: str
    assignments: list[AssignmentRow]
    schedule: CheckinSchedule | None

    @property
    def unreachable(self) -> datetime | None:
        return self.person.unreachable_at

    @property
    def reminders_stopped(self) -> datetime | None:
        return self.person.reminders_stopped_at

    @property
    def every_text(self) -> str:
        return every_words(self.schedule.every_days) if self.schedule else ""

    @property
    def open_count(self) -> int:
        return sum(1 for row in self.assignments if row.open)


def first_name(name: str) -> str:
    words = name.split()
    return words[0] if words else name


async def load_between(
    session: AsyncSession, catalogue: Catalogue | None, person: ServiceUser
) -> Between:
    assert person.id is not None
    setters = await session.exec(
        select(Staff.id, Staff.name).where(
            col(Staff.id).in_(
                select(Assignment.set_by).where(Assignment.service_user_id == person.id)
            )
        )
    )
    names = {sid: name for sid, name in setters.all() if sid is not None}
    return Between(
        person=person,
        first=first_name(person.name),
        assignments=await assignment_rows(session, catalogue, person.id, names),
        schedule=await active_schedule(session, person.id),
    )
