"""The caseload: the people I work with, who needs attention first, and for each what is new
since I last looked and what is in progress.

Order: open flags that went to the seniors because nobody dealt with them in time (first of
all), then open safeguarding flags, then open requests for a call and appointments they said
they can't make, then shared answers the script's `attention` rules picked out that are not
reviewed yet; then the soonest next appointment (none last); then the name. Whether a call is
safe is tagged before any "Call requested". A senior also sees, above it all, the list of flags
sent to the seniors: who, whose caseload, and how long it has waited.

The page runs a fixed number of queries whatever the size of the caseload: the people, then one
aggregate query per kind of thing (flags, conversations, plan items, appointments), each grouped
by person over the same "people in view" subquery. Nothing is fetched person by person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Text, and_, case, cast, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations.catalogue import Catalogue, in_lang
from bot.review.access import audited, people_in_view, sees_people, staff_of
from bot.review.flags import flag_title
from bot.review.web import config, render
from bot.scheduling.escalation import waiting_words
from storage.escalations import Escalated, escalated_open
from storage.flags import CANT_ATTEND
from storage.models import (
    Appointment,
    Assignment,
    Conversation,
    Flag,
    Organisation,
    PersonSeen,
    PlanItem,
    ServiceUser,
    Staff,
)

router = APIRouter()

Show = Literal["mine", "everyone"]
OPEN_STATUSES = ("active", "paused")
# Whether a call is safe, as a tag before anything about calling.
CONTACT_TAGS = {"not_safe": "Not safe to call", "times": "Call only at the times they gave"}
# JSON text of an empty `attention` list (SQLite keeps the text; PostgreSQL's jsonb prints so).
NO_ATTENTION = ("[]", "null")


@dataclass
class Tag:
    text: str
    colour: str  # a GOV.UK tag colour: red, orange, yellow...


@dataclass
class Row:
    """One person on the caseload, with everything the table shows about them."""

    id: int
    name: str
    crn: str | None
    case_manager: str | None
    joined: bool
    seen_at: datetime | None
    safeguarding: int = 0
    calls: int = 0
    # Open flags saying they can't make an appointment.
    cant_attend: int = 0
    reasons: list[str] = field(default_factory=list)
    next_appointment: datetime | None = None
    new: list[str] = field(default_factory=list)
    in_progress: list[str] = field(default_factory=list)
    # Telegram refused their messages (blocked or deleted): nothing more is sent.
    unreachable: datetime | None = None
    reminders_stopped: datetime | None = None
    # Open flags sent to the seniors, and when the oldest of them was raised.
    escalated: int = 0
    escalated_since: datetime | None = None
    # Open flags saying a call is not safe, or only at the times they gave.
    no_phone: int = 0
    call_times: int = 0

    @property
    def rank(self) -> int:
        """0 safeguarding, 1 a call asked for, 2 answers that need attention, 3 nothing."""
        if self.safeguarding:
            return 0
        if self.calls or self.cant_attend:
            return 1
        if self.reasons:
            return 2
        return 3

    @property
    def tags(self) -> list[Tag]:
        tags: list[Tag] = []
        if self.escalated:
            tags.append(Tag("Sent to seniors", "red"))
        if self.safeguarding:
            tags.append(Tag("Safeguarding", "red"))
        # Before anything that suggests phoning.
        if contact := _contact_tag(
            "not_safe" if self.no_phone else "times" if self.call_times else None
        ):
            tags.append(contact)
        if self.calls:
            tags.append(Tag("Call requested", "orange"))
        if self.cant_attend:
            tags.append(Tag("Can't make appointment", "orange"))
        tags += [Tag(reason, "yellow") for reason in self.reasons]
        return tags

    def sort_key(self) -> tuple[Any, ...]:
        at = self.next_appointment
        since = self.escalated_since.timestamp() if self.escalated_since else 0.0
        return (
            not self.escalated,
            since,  # the longest waiting first
            self.rank,
            at is None,
            at.timestamp() if at else 0.0,
            self.name.casefold(),
            self.id,
        )


def _contact_tag(contact: str | None) -> Tag | None:
    """Whether a call is safe, as a tag shown before anything about calling."""
    if contact == "not_safe":
        return Tag(CONTACT_TAGS["not_safe"], "red")
    if contact == "times":
        return Tag(CONTACT_TAGS["times"], "orange")
    return None


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _sum(condition: ColumnElement[bool]) -> Any:
    """How many rows of the group meet `condition`."""
    return func.sum(case((condition, 1), else_=0))


def _newer(moment: Any) -> ColumnElement[bool]:
    """Newer than this member of staff last opened the person's page (never opened: all is)."""
    return or_(col(PersonSeen.seen_at).is_(None), moment > col(PersonSeen.seen_at))


def _seen_by(staff_id: int, person: Any) -> ColumnElement[bool]:
    return and_(col(PersonSeen.service_user_id) == person, col(PersonSeen.staff_id) == staff_id)


async def caseload_rows(
    session: AsyncSession,
    staff: Staff,
    *,
    now: datetime,
    show: Show = "everyone",
    catalogue: Catalogue | None = None,
) -> list[Row]:
    """Everyone this member of staff may see (a senior may narrow it to their own caseload),
    in the order they need reading."""
    assert staff.id is not None
    where = people_in_view(staff)
    if show == "mine":
        where = where & (col(ServiceUser.case_manager_id) == staff.id)
    in_view = select(ServiceUser.id).where(where)

    # More columns than sqlmodel's typed `select` takes, so through the connection.
    connection = await session.connection()
    people = await connection.execute(
        sa_select(
            col(ServiceUser.id),
            col(ServiceUser.name),
            col(ServiceUser.crn),
            col(ServiceUser.linked_at),
            col(Staff.name),
            col(PersonSeen.seen_at),
            col(ServiceUser.unreachable_at),
            col(ServiceUser.reminders_stopped_at),
        )
        .select_from(ServiceUser)
        .outerjoin(Staff, col(Staff.id) == col(ServiceUser.case_manager_id))
        .outerjoin(PersonSeen, _seen_by(staff.id, col(ServiceUser.id)))
        .where(where)
    )
    rows = {
        pid: Row(
            pid,
            name,
            crn,
            manager,
            linked is not None,
            seen,
            unreachable=unreachable,
            reminders_stopped=stopped,
        )
        for pid, name, crn, linked, manager, seen, unreachable, stopped in people.all()
        if pid is not None
    }
    if not rows:
        return []

    open_flag = col(Flag.resolved_at).is_(None)
    escalated = open_flag & col(Flag.escalated_at).is_not(None)
    flags = await connection.execute(
        sa_select(
            col(Flag.service_user_id),
            _sum(open_flag & (col(Flag.kind) == "safeguarding")),
            _sum(
                open_flag
                & or_(col(Flag.kind) == "callback", col(Flag.callback_requested_at).is_not(None))
            ),
            _sum(_newer(col(Flag.created_at))),
            _sum(escalated),
            func.min(case((escalated, col(Flag.created_at)), else_=None)),
            _sum(open_flag & (col(Flag.contact) == "not_safe")),
            _sum(open_flag & (col(Flag.contact) == "times")),
            _sum(open_flag & (col(Flag.kind) == CANT_ATTEND)),
        )
        .select_from(Flag)
        .outerjoin(PersonSeen, _seen_by(staff.id, col(Flag.service_user_id)))
        .where(col(Flag.service_user_id).in_(in_view))
        .group_by(col(Flag.service_user_id))
    )
    new_flags: dict[int, int] = {}
    for pid, safeguarding, calls, fresh, sent_up, since, no_phone, times, cant in flags.all():
        row = rows[pid]
        row.safeguarding, row.calls, row.cant_attend = safeguarding, calls, cant
        row.escalated, row.no_phone, row.call_times = sent_up, no_phone, times
        row.escalated_since = _utc(since)
        new_flags[pid] = fresh

    shared = col(Conversation.sharing) == "shared"
    conversations = await session.exec(
        select(Conversation.service_user_id, _sum(shared & _newer(col(Conversation.shared_at))))
        .outerjoin(PersonSeen, _seen_by(staff.id, col(Conversation.service_user_id)))
        .where(col(Conversation.service_user_id).in_(in_view))
        .group_by(col(Conversation.service_user_id))
    )
    new_shared = dict(conversations.all())

    # Only the few conversations that still need reading bring their words back.
    attention = await session.exec(
        select(Conversation.service_user_id, Conversation.attention)
        .where(
            col(Conversation.service_user_id).in_(in_view),
            shared,
            col(Conversation.reviewed_at).is_(None),
            col(Conversation.attention).is_not(None),
            cast(col(Conversation.attention), Text).not_in(NO_ATTENTION),
        )
        .order_by(col(Conversation.shared_at).desc(), col(Conversation.id).desc())
    )
    for pid, reasons in attention.all():
        for reason in reasons or ():
            if isinstance(reason, str) and reason not in rows[pid].reasons:
                rows[pid].reasons.append(reason)

    started = await session.exec(
        select(Conversation.service_user_id, Conversation.script_id)
        .where(
            col(Conversation.service_user_id).in_(in_view),
            col(Conversation.status).in_(OPEN_STATUSES),
        )
        .group_by(col(Conversation.service_user_id), col(Conversation.script_id))
        .order_by(col(Conversation.script_id))
    )
    for pid, tool in started.all():
        rows[pid].in_progress.append(f"{_tool_title(catalogue, tool)} (started)")

    # Tools set for them and not done yet (one already started is listed once).
    set_tools = await session.exec(
        select(
            Assignment.service_user_id, Assignment.tool, Assignment.status, Assignment.invited_at
        )
        .where(
            col(Assignment.service_user_id).in_(in_view),
            col(Assignment.status).in_(("set", "started")),
        )
        .order_by(col(Assignment.due_at), col(Assignment.id))
    )
    for pid, tool, status, invited in set_tools.all():
        how = "invited" if status == "set" and invited else status
        words = f"{_tool_title(catalogue, tool)} ({how})"
        if words not in rows[pid].in_progress:
            rows[pid].in_progress.append(words)

    waiting = (
        col(PlanItem.sent_at).is_not(None)
        & col(PlanItem.responded_at).is_(None)
        & (col(PlanItem.status) == "open")
    )
    replied = col(PlanItem.responded_at).is_not(None) & _newer(col(PlanItem.responded_at))
    plans = await session.exec(
        select(PlanItem.service_user_id, _sum(waiting), _sum(replied))
        .outerjoin(PersonSeen, _seen_by(staff.id, col(PlanItem.service_user_id)))
        .where(col(PlanItem.service_user_id).in_(in_view))
        .group_by(col(PlanItem.service_user_id))
    )
    new_replies: dict[int, int] = {}
    for pid, sent, answered in plans.all():
        if sent:
            rows[pid].in_progress.append(
                _count(
                    sent, "plan item waiting for their reply", "plan items waiting for their reply"
                )
            )
        new_replies[pid] = answered

    appointments = await session.exec(
        select(Appointment.service_user_id, func.min(col(Appointment.at)))
        .where(
            col(Appointment.service_user_id).in_(in_view),
            col(Appointment.at) > now,
            col(Appointment.cancelled_at).is_(None),
        )
        .group_by(col(Appointment.service_user_id))
    )
    for pid, at in appointments.all():
        rows[pid].next_appointment = at

    for pid, row in rows.items():
        for n, one, many in (
            (new_shared.get(pid, 0), "tool shared", "tools shared"),
            (new_flags.get(pid, 0), "flag", "flags"),
            (new_replies.get(pid, 0), "reply to the plan", "replies to the plan"),
        ):
            if n:
                row.new.append(_count(n, one, many))
    return sorted(rows.values(), key=Row.sort_key)


def _utc(value: Any) -> datetime | None:
    """A moment from an aggregate (MIN over a CASE), whatever the driver made of it."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return None


@dataclass
class SentUp:
    """A flag sent to the seniors, as a senior's list shows it."""

    item: Escalated
    title: str
    waited: str
    contact: Tag | None


async def sent_to_seniors(
    session: AsyncSession, staff: Staff, *, now: datetime, catalogue: Catalogue | None
) -> list[SentUp]:
    """For a senior: every open flag in their organisation that went to the seniors, the
    longest waiting first. Nothing for anyone else."""
    if staff.role != "senior":
        return []
    found = []
    for item in await escalated_open(session, staff.organisation_id):
        flag = Flag(kind=item.kind, category=item.category, service_user_id=item.person_id)
        found.append(
            SentUp(
                item,
                flag_title(catalogue, flag),
                waiting_words(max(now - item.created_at, timedelta(0))),
                _contact_tag(item.contact),
            )
        )
    return found


def _tool_title(catalogue: Catalogue | None, tool: str) -> str:
    script = catalogue.get(tool) if catalogue else None
    return in_lang(script.title, "en") if script else tool.replace("_", " ").capitalize()


@router.get("/")
async def caseload(request: Request, show: str = "") -> Response:
    staff = staff_of(request)
    if not sees_people(staff):
        return RedirectResponse("/admin/staff", status_code=303)
    cfg = config(request)
    senior = staff.role == "senior"
    chosen: Show = "mine" if not senior or show == "mine" else "everyone"
    async with cfg.db.transaction() as session:
        rows = await caseload_rows(
            session, staff, now=cfg.clock(), show=chosen, catalogue=cfg.catalogue
        )
        organisation = await session.get(Organisation, staff.organisation_id) if senior else None
        sent_up = await sent_to_seniors(session, staff, now=cfg.clock(), catalogue=cfg.catalogue)
        audited(session, staff, "view_caseload", None, show=chosen, people=len(rows))
    org_name = organisation.name if organisation else ""
    attention = [row for row in rows if row.rank < 3]
    return render(
        request,
        "caseload.html",
        {
            "title": "Caseload" if chosen == "mine" else f"Everyone in {org_name}",
            "section": "caseload",
            "rows": rows,
            "attention_count": len(attention),
            "senior": senior,
            "show": chosen,
            "org_name": org_name,
            "sent_up": sent_up,
        },
    )
