"""The plan, made together: turn what a person said into plan items (what, who, by when, and
the answers it came from), send them to the person on Telegram item by item, and see their
replies (agree, change something, talk about it next time).

The plan is shown as a section of the person's page (`_plan.html`, given `person`,
`plan_items` and `csrf_token`) and on a page of its own. Every form sends the case manager
back to the page it came from (`back`: "person" or "plan"), with a banner saying what
happened. Messages go to the outbox (bot/conversations/plans.py): this app never calls
Telegram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData

from bot.conversations.plans import queue_plan
from bot.review.access import NotFound, audited, person_for, staff_of
from bot.review.web import UK, config, render
from storage.models import Answer, Conversation, PlanItem, ScriptVersion, ServiceUser, Staff

router = APIRouter()

WHAT_MAX = 1000
WHO_MAX = 200
# More than anyone would tie to one item; bounds the query a crafted link can cause.
MAX_SOURCES = 20
STATUSES = ("open", "done", "dropped")
_NUMBER = re.compile(r"[0-9]{1,4}")


async def plan_for(session: AsyncSession, person_id: int) -> list[PlanItem]:
    """A person's plan items, oldest first. One query."""
    rows = await session.exec(
        select(PlanItem).where(PlanItem.service_user_id == person_id).order_by(col(PlanItem.id))
    )
    return list(rows.all())


def unsent(items: list[PlanItem]) -> list[PlanItem]:
    """Open items the person has not been sent in their current wording."""
    return [
        i
        for i in items
        if i.status == "open" and (i.sent_at is None or i.sent_revision != i.revision)
    ]


def first_name(name: str) -> str:
    parts = name.split()
    return parts[0] if parts else name


def _back(request: Request, form: FormData | None = None) -> str:
    given = form.get("back") if form is not None else request.query_params.get("back")
    return "plan" if given == "plan" else "person"


def _done(person_id: int, back: str, event: str) -> RedirectResponse:
    page = f"/people/{person_id}/plan" if back == "plan" else f"/people/{person_id}"
    return RedirectResponse(f"{page}?plan={event}#plan", status_code=303)


def _ids(values: list[str]) -> list[int]:
    """Answer ids from a link or a form; anything that is not one is not found."""
    ids: list[int] = []
    for value in values:
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            raise NotFound()
        if int(value) not in ids:
            ids.append(int(value))
    if len(ids) > MAX_SOURCES:
        raise NotFound()
    return ids


async def sources_for(
    session: AsyncSession, person_id: int, answer_ids: list[int]
) -> list[dict[str, Any]]:
    """The answers an item comes from, copied so the item keeps them whatever happens later.
    Only answers of this person's shared conversations: anything else is not found."""
    if not answer_ids:
        return []
    rows = await session.exec(
        select(Answer, Conversation.script_id, ScriptVersion.title)
        .join(Conversation, col(Conversation.id) == col(Answer.conversation_id))
        .join(ScriptVersion, col(ScriptVersion.id) == col(Conversation.script_version_id))
        .where(
            col(Answer.id).in_(answer_ids),
            Answer.service_user_id == person_id,
            Conversation.service_user_id == person_id,
            Conversation.sharing == "shared",
        )
    )
    found: dict[int, dict[str, Any]] = {}
    for answer, script_id, title in rows.all():
        assert answer.id is not None
        found[answer.id] = {
            "answer_id": answer.id,
            "conversation_id": answer.conversation_id,
            "tool": title,
            "script_id": script_id,
            "question": answer.question,
            "display": answer.display,
            "skipped": answer.skipped or answer.declined,
        }
    if len(found) != len(answer_ids):
        raise NotFound()
    return [found[i] for i in answer_ids]


@dataclass
class ItemForm:
    what: str = ""
    who: str = ""
    day: str = ""
    month: str = ""
    year: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    # Which of day / month / year to mark as wrong.
    date_parts: set[str] = field(default_factory=set)
    by_when: date | None = None

    @classmethod
    def of(cls, item: PlanItem) -> ItemForm:
        d = item.by_when
        return cls(
            what=item.what,
            who=item.who,
            day=str(d.day) if d else "",
            month=str(d.month) if d else "",
            year=str(d.year) if d else "",
            by_when=d,
        )

    @classmethod
    def read(cls, form: FormData) -> ItemForm:
        def text(name: str) -> str:
            value = form.get(name, "")
            return value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""

        return cls(
            what=text("what"),
            who=text("who"),
            day=text("by_when-day"),
            month=text("by_when-month"),
            year=text("by_when-year"),
        )

    def check(self, today: date, *, kept: date | None = None) -> bool:
        """`kept`: the item's date as it is, allowed to stay even once it has passed."""
        if not self.what:
            self.errors["what"] = "Enter what will happen"
        elif len(self.what) > WHAT_MAX:
            self.errors["what"] = f"What will happen must be {WHAT_MAX} characters or fewer"
        if not self.who:
            self.errors["who"] = "Enter who will do it"
        elif len(self.who) > WHO_MAX:
            self.errors["who"] = f"Who will do it must be {WHO_MAX} characters or fewer"
        self._check_date(today, kept)
        return not self.errors

    def _check_date(self, today: date, kept: date | None) -> None:
        parts = {"day": self.day, "month": self.month, "year": self.year}
        if not any(parts.values()):
            self.by_when = None
            return
        missing = [name for name, value in parts.items() if not value]
        if missing:
            self.errors["by_when"] = "The date must include a " + " and ".join(missing)
            self.date_parts = set(missing)
            return
        wrong = {name for name, value in parts.items() if not _NUMBER.fullmatch(value)}
        if wrong:
            self.errors["by_when"] = "The date must be a real date"
            self.date_parts = wrong
            return
        if len(self.year) != 4:
            self.errors["by_when"] = "The year must include 4 numbers"
            self.date_parts = {"year"}
            return
        try:
            found = date(int(self.year), int(self.month), int(self.day))
        except ValueError:
            self.errors["by_when"] = "The date must be a real date"
            self.date_parts = {"day", "month", "year"}
            return
        if found < today and found != kept:
            self.errors["by_when"] = "The date must be today or in the future"
            self.date_parts = {"day", "month", "year"}
            return
        self.by_when = found

    def summary(self) -> list[dict[str, str]]:
        order = [("what", "#what"), ("who", "#who")]
        first = next((p for p in ("day", "month", "year") if p in self.date_parts), "day")
        order.append(("by_when", f"#by_when-{first}"))
        return [{"text": self.errors[k], "href": href} for k, href in order if k in self.errors]


def _today(request: Request) -> date:
    return config(request).clock().astimezone(UK).date()


def _form_page(
    request: Request,
    person: ServiceUser,
    form: ItemForm,
    *,
    sources: list[dict[str, Any]],
    back: str,
    item: PlanItem | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "plan_item.html",
        {
            "title": "Change a plan item" if item else "Add a plan item",
            "section": "caseload",
            "person": person,
            "first_name": first_name(person.name),
            "item": item,
            "form": form,
            "errors": form.errors,
            "error_summary": form.summary(),
            "sources": sources,
            "back": back,
            "back_url": f"/people/{person.id}/plan" if back == "plan" else f"/people/{person.id}",
            "action": (
                f"/people/{person.id}/plan/{item.id}/edit" if item else f"/people/{person.id}/plan"
            ),
        },
        status=status,
    )


async def _item(session: AsyncSession, person_id: int, item_id: int) -> PlanItem:
    found = (
        await session.exec(
            select(PlanItem)
            .where(PlanItem.id == item_id, PlanItem.service_user_id == person_id)
            # Waits for a reply being recorded on the same item at this moment (and the reply
            # for the item's revision, see bot/conversations/plans.py).
            .with_for_update()
        )
    ).first()
    if found is None:
        raise NotFound()
    return found


@router.get("/people/{person_id}/plan")
async def plan_page(request: Request, person_id: int) -> Response:
    staff = staff_of(request)
    async with config(request).db.transaction() as session:
        person = await person_for(session, staff, person_id)
        items = await plan_for(session, person_id)
        audited(session, staff, "view_plan", person_id)
    return render(
        request,
        "plan_page.html",
        {
            "title": f"Plan – {person.name}",
            "section": "caseload",
            "person": person,
            "plan_items": items,
            "plan_own_page": True,
        },
    )


@router.get("/people/{person_id}/plan/new")
async def new_item(request: Request, person_id: int) -> Response:
    staff = staff_of(request)
    answer_ids = _ids(request.query_params.getlist("answer"))
    async with config(request).db.transaction() as session:
        person = await person_for(session, staff, person_id)
        sources = await sources_for(session, person_id, answer_ids)
        audited(session, staff, "view_plan_item_form", person_id, answers=answer_ids)
    return _form_page(request, person, ItemForm(), sources=sources, back=_back(request))


@router.post("/people/{person_id}/plan")
async def add_item(request: Request, person_id: int) -> Response:
    staff = staff_of(request)
    form_data = await request.form()
    answer_ids = _ids([str(v) for v in form_data.getlist("answer")])
    back = _back(request, form_data)
    form = ItemForm.read(form_data)
    cfg = config(request)
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        sources = await sources_for(session, person_id, answer_ids)
        if form.check(_today(request)):
            now = cfg.clock()
            item = PlanItem(
                service_user_id=person_id,
                what=form.what,
                who=form.who,
                by_when=form.by_when,
                sources=sources,
                created_by=staff.id or 0,
                created_at=now,
                updated_at=now,
            )
            session.add(item)
            await session.flush()
            audited(session, staff, "add_plan_item", person_id, item=item.id, answers=answer_ids)
    if form.errors:
        return _form_page(request, person, form, sources=sources, back=back, status=400)
    return _done(person_id, back, "added")


@router.get("/people/{person_id}/plan/{item_id}/edit")
async def edit_item_page(request: Request, person_id: int, item_id: int) -> Response:
    staff = staff_of(request)
    async with config(request).db.transaction() as session:
        person = await person_for(session, staff, person_id)
        item = await _item(session, person_id, item_id)
        audited(session, staff, "view_plan_item_form", person_id, item=item_id)
    return _form_page(
        request, person, ItemForm.of(item), sources=item.sources, back=_back(request), item=item
    )


@router.post("/people/{person_id}/plan/{item_id}/edit")
async def edit_item(request: Request, person_id: int, item_id: int) -> Response:
    staff = staff_of(request)
    form_data = await request.form()
    back = _back(request, form_data)
    form = ItemForm.read(form_data)
    cfg = config(request)
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        item = await _item(session, person_id, item_id)
        if form.check(_today(request), kept=item.by_when) and _changes(item, form):
            item.what, item.who, item.by_when = form.what, form.who, form.by_when
            # New words: the person's reply was to the old ones, and they must see these
            # before they can agree to them. Buttons of the old wording stop working.
            item.revision += 1
            item.response = None
            item.response_text = None
            item.responded_at = None
            item.awaiting_words_since = None
            item.sent_at = None
            item.updated_at = cfg.clock()
            session.add(item)
            audited(session, staff, "edit_plan_item", person_id, item=item_id)
    if form.errors:
        return _form_page(
            request, person, form, sources=item.sources, back=back, item=item, status=400
        )
    return _done(person_id, back, "changed")


def _changes(item: PlanItem, form: ItemForm) -> bool:
    return (item.what, item.who, item.by_when) != (form.what, form.who, form.by_when)


@router.post("/people/{person_id}/plan/{item_id}/status")
async def set_status(request: Request, person_id: int, item_id: int) -> Response:
    staff = staff_of(request)
    form_data = await request.form()
    status = form_data.get("status")
    if status not in STATUSES:
        raise NotFound()
    cfg = config(request)
    async with cfg.db.transaction() as session:
        await person_for(session, staff, person_id)
        item = await _item(session, person_id, item_id)
        item.status = str(status)
        if status == "dropped":
            # Their next message is no longer words for a step that has gone.
            item.awaiting_words_since = None
        item.updated_at = cfg.clock()
        session.add(item)
        audited(session, staff, "plan_item_status", person_id, item=item_id, status=status)
    return _done(person_id, _back(request, form_data), str(status))


@router.post("/people/{person_id}/plan/send")
async def send_plan(request: Request, person_id: int) -> Response:
    staff = staff_of(request)
    form_data = await request.form()
    back = _back(request, form_data)
    cfg = config(request)
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        if person.telegram_chat_id is None or person.consented_at is None:
            return _done(person_id, back, "not_joined")
        locked = await session.exec(
            select(PlanItem)
            .where(PlanItem.service_user_id == person_id, PlanItem.status == "open")
            .order_by(col(PlanItem.id))
            .with_for_update()
        )
        items = unsent(list(locked.all()))
        if not items:
            return _done(person_id, back, "nothing_to_send")
        with_name = await _made_with(session, person, staff)
        await queue_plan(session, person, items, with_name=with_name, now=cfg.clock())
        audited(session, staff, "send_plan", person_id, items=[i.id for i in items])
    if cfg.on_queued:
        cfg.on_queued()
    return _done(person_id, back, "sent")


async def _made_with(session: AsyncSession, person: ServiceUser, sender: Staff) -> str:
    """The first name the person knows: their case manager's, else whoever sends it."""
    manager = sender
    if person.case_manager_id is not None and person.case_manager_id != sender.id:
        manager = await session.get(Staff, person.case_manager_id) or sender
    return first_name(manager.name)
