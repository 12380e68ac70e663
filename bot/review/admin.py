"""Administration: staff accounts, organisations, and the audit log.

Admins manage who can sign in and read who opened whose record, but see no one's answers: no
page here shows anything a person wrote, only names, CRNs and what staff did. Every change an
admin makes is itself written to the audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from math import ceil
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations.privacy import order_words
from bot.engine import readability
from bot.engine.checker import DEFAULT_READING_GRADE, STAFF_WORDS
from bot.review import auth
from bot.review.access import ROLES, NotFound, audited, require_admin, staff_of
from bot.review.accounts import EMAIL, ORG_KINDS, AccountError, add_staff, organisation_named
from bot.review.web import config, render
from bot.scheduling import escalation
from storage.models import AuditEvent, Organisation, ServiceUser, Staff

router = APIRouter()

PAGE_SIZE = 50
# What each audited action means, in plain words. An action missing here is still listed,
# with its name made readable (see `action_words`).
ACTIONS = {
    "sign_in": "Signed in",
    "sign_in_wrong": "Wrong password",
    "sign_in_locked": "Locked out after wrong passwords",
    "sign_in_inactive": "Tried to sign in to a switched-off account",
    "sign_out": "Signed out",
    "password_changed": "Changed their password",
    "view_caseload": "Opened their caseload",
    "view_person": "Opened a person's answers",
    "view_brief": "Opened a session brief",
    "view_plan": "Opened a plan",
    "view_plan_item_form": "Opened a plan item form",
    "add_plan_item": "Added a plan item",
    "edit_plan_item": "Changed a plan item",
    "plan_item_status": "Changed a plan item's status",
    "send_plan": "Sent the plan to the person",
    "mark_reviewed": "Marked answers as reviewed",
    "mark_sensitive": "Marked answers as sensitive",
    "add_note": "Added a note",
    "resolve_flag": "Resolved a flag",
    "play_media": "Played a voice note or opened a photo",
    "export_csv": "Downloaded answers and plan (CSV)",
    "export_json": "Downloaded answers and plan (JSON)",
    "export": "Exported everything (command line)",
    "add_person": "Added a person",
    "issue_invite": "Made an invite link",
    "view_invite": "Opened an invite's status",
    "reassign": "Changed a person's case manager",
    "staff_added": "Added staff (command line)",
    "admin_add_staff": "Added a member of staff",
    "admin_deactivate": "Switched off an account",
    "admin_reactivate": "Switched an account back on",
    "admin_reset_password": "Reset a password",
    "admin_unlock": "Unlocked an account",
    "admin_add_organisation": "Added an organisation",
    "admin_reminders": "Changed an organisation's appointment reminders",
    "admin_escalation": "Changed when flags go to an organisation's seniors",
    "admin_order_text": "Changed what people are told about their order or licence",
    "set_appointment": "Saved the next appointment",
    "cancel_appointment": "Cancelled an appointment",
    "view_assignment_form": "Opened the form to set tools",
    "set_tools": "Set tools before an appointment",
    "cancel_assignment": "Cancelled a tool set for a person",
    "view_checkins": "Opened a person's regular check-ins",
    "start_checkins": "Started regular check-ins",
    "stop_checkins": "Stopped regular check-ins",
    "account_emails": "Switched their emails on or off",
    "list_appointments": "Listed appointments (command line)",
}
DONE = {
    "added": "Account added",
    "deactivated": "Account switched off. They have been signed out.",
    "reactivated": "Account switched back on",
    "unlocked": "Account unlocked. They can sign in again now.",
    "organisation": "Organisation added",
    "reminders": "Reminder settings saved",
    "escalation": "Saved when flags go to the seniors",
    "order_text": "Saved what people are told about their order or licence",
}
# What people read in /privacy about their order or licence: a few short sentences.
ORDER_TEXT_LIMIT = 500


def action_words(action: str) -> str:
    return ACTIONS.get(action) or action.replace("_", " ").capitalize()


def _admin(request: Request) -> Staff:
    staff = staff_of(request)
    require_admin(staff)
    return staff


def _locked(member: Staff, now: datetime) -> bool:
    return member.locked_until is not None and member.locked_until > now


def _errors(errors: dict[str, str], order: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"text": errors[k], "href": f"#{k}"} for k in order if k in errors]


# --- staff ---------------------------------------------------------------------------------


@router.get("/admin/staff")
async def staff_list(request: Request, done: str = "") -> Response:
    _admin(request)
    cfg = config(request)
    async with cfg.db.transaction() as session:
        rows = (
            await session.exec(
                select(Staff, Organisation.name)
                .join(Organisation, col(Organisation.id) == col(Staff.organisation_id))
                .order_by(col(Organisation.name), col(Staff.name), col(Staff.id))
            )
        ).all()
    now = cfg.clock()
    return render(
        request,
        "admin_staff.html",
        {
            "title": "Staff",
            "section": "staff",
            "rows": [(member, org, _locked(member, now)) for member, org in rows],
            "roles": ROLES,
            "done": DONE.get(done),
        },
    )


async def _organisations(session: AsyncSession) -> list[Organisation]:
    return list((await session.exec(select(Organisation).order_by(col(Organisation.name)))).all())


def _staff_form(
    request: Request,
    organisations: list[Organisation],
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    return render(
        request,
        "admin_staff_new.html",
        {
            "title": "Add a member of staff",
            "section": "staff",
            "values": values,
            "errors": errors,
            "error_summary": _errors(errors, ("name", "email", "role", "organisation")),
            "roles": ROLES,
            "organisations": organisations,
            "org_kinds": ORG_KINDS,
        },
        status=400 if errors else 200,
    )


@router.get("/admin/staff/new")
async def new_staff_page(request: Request) -> Response:
    _admin(request)
    async with config(request).db.transaction() as session:
        organisations = await _organisations(session)
    return _staff_form(request, organisations, {"role": "case_manager"}, {})


def _one_time(request: Request, member: Staff, password: str, *, new: bool) -> Response:
    """The one-time password, shown on this page only: it is not stored anywhere readable."""
    return render(
        request,
        "admin_password.html",
        {
            "title": "Account added" if new else "Password reset",
            "section": "staff",
            "member": member,
            "password": password,
            "new": new,
        },
    )


@router.post("/admin/staff/new")
async def add_staff_form(
    request: Request,
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    organisation: Annotated[str, Form()] = "",
) -> Response:
    admin = _admin(request)
    values = {"name": name, "email": email, "role": role, "organisation": organisation}
    errors: dict[str, str] = {}
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 200:
        errors["name"] = "Enter their full name (200 characters or fewer)"
    if not EMAIL.match(email.strip().lower()):
        errors["email"] = "Enter an email address in the right format, like name@example.org"
    if role not in ROLES:
        errors["role"] = "Choose their role"
    async with config(request).db.transaction() as session:
        organisations = await _organisations(session)
        org = next((o for o in organisations if str(o.id) == organisation), None)
        if org is None:
            errors["organisation"] = "Choose their organisation"
        if not errors and org is not None:
            try:
                account = await add_staff(
                    session, email=email, name=cleaned, role=role, organisation=org
                )
            except AccountError as problem:
                errors[problem.field] = str(problem)
            else:
                audited(
                    session,
                    admin,
                    "admin_add_staff",
                    None,
                    staff_id=account.staff.id,
                    role=role,
                    organisation_id=org.id,
                )
    if errors:
        return _staff_form(request, organisations, values, errors)
    assert account.one_time_password is not None
    return _one_time(request, account.staff, account.one_time_password, new=True)


async def _member(session: AsyncSession, staff_id: int) -> Staff:
    member = await session.get(Staff, staff_id)
    if member is None:
        raise NotFound()
    return member


def _member_page(
    request: Request,
    member: Staff,
    org: Organisation | None,
    people: int,
    *,
    done: str | None = None,
    error: str | None = None,
) -> Response:
    return render(
        request,
        "admin_staff_one.html",
        {
            "title": member.name,
            "section": "staff",
            "member": member,
            "organisation": org,
            "people": people,
            "roles": ROLES,
            "locked": _locked(member, config(request).clock()),
            "done": DONE.get(done or ""),
            "error": error,
            "error_summary": [{"text": error, "href": "#actions"}] if error else [],
        },
        status=400 if error else 200,
    )


async def _member_context(
    session: AsyncSession, staff_id: int
) -> tuple[Staff, Organisation | None, int]:
    member = await _member(session, staff_id)
    org = await session.get(Organisation, member.organisation_id)
    people = (
        await session.exec(
            select(func.count())
            .select_from(ServiceUser)
            .where(ServiceUser.case_manager_id == staff_id)
        )
    ).one()
    return member, org, int(people)


@router.get("/admin/staff/{staff_id}")
async def staff_page(request: Request, staff_id: int, done: str = "") -> Response:
    _admin(request)
    async with config(request).db.transaction() as session:
        member, org, people = await _member_context(session, staff_id)
    return _member_page(request, member, org, people, done=done)


async def _change(
    request: Request, staff_id: int, action: str, done: str, *, not_self: str | None = None
) -> Response:
    """One change to an account, audited; then back to the account's page."""
    admin = _admin(request)
    cfg = config(request)
    async with cfg.db.transaction() as session:
        member, org, people = await _member_context(session, staff_id)
        if not_self and member.id == admin.id:
            refused = True
        else:
            refused = False
            if action == "admin_deactivate":
                member.active = False
                await auth.end_all_sessions(session, staff_id)
            elif action == "admin_reactivate":
                member.active = True
            elif action == "admin_unlock":
                member.locked_until = None
                member.failed_sign_ins = 0
            session.add(member)
            audited(session, admin, action, None, staff_id=staff_id)
    if refused:
        return _member_page(request, member, org, people, error=not_self)
    return RedirectResponse(f"/admin/staff/{staff_id}?done={done}", status_code=303)


@router.post("/admin/staff/{staff_id}/deactivate")
async def deactivate(request: Request, staff_id: int) -> Response:
    return await _change(
        request,
        staff_id,
        "admin_deactivate",
        "deactivated",
        not_self="You cannot switch off your own account. Ask another administrator",
    )


@router.post("/admin/staff/{staff_id}/reactivate")
async def reactivate(request: Request, staff_id: int) -> Response:
    return await _change(request, staff_id, "admin_reactivate", "reactivated")


@router.post("/admin/staff/{staff_id}/unlock")
async def unlock(request: Request, staff_id: int) -> Response:
    return await _change(request, staff_id, "admin_unlock", "unlocked")


@router.post("/admin/staff/{staff_id}/reset-password")
async def reset_password(request: Request, staff_id: int) -> Response:
    admin = _admin(request)
    async with config(request).db.transaction() as session:
        member, org, people = await _member_context(session, staff_id)
        if member.id == admin.id:
            password = None
        else:
            password = auth.new_password()
            member.password_hash = auth.hash_password(password)
            member.must_change_password = True
            member.failed_sign_ins = 0
            member.locked_until = None
            session.add(member)
            # Whoever was signed in with the old password is not any more.
            await auth.end_all_sessions(session, staff_id)
            audited(session, admin, "admin_reset_password", None, staff_id=staff_id)
    if password is None:
        error = "To change your own password, use “Change your password” instead"
        return _member_page(request, member, org, people, error=error)
    return _one_time(request, member, password, new=False)


# --- organisations -------------------------------------------------------------------------


@router.get("/admin/organisations")
async def organisations(request: Request, done: str = "") -> Response:
    _admin(request)
    async with config(request).db.transaction() as session:
        orgs = await _organisations(session)
        staff_counts = dict(
            (
                await session.exec(
                    select(Staff.organisation_id, func.count()).group_by(col(Staff.organisation_id))
                )
            ).all()
        )
        people_counts = dict(
            (
                await session.exec(
                    select(ServiceUser.organisation_id, func.count()).group_by(
                        col(ServiceUser.organisation_id)
                    )
                )
            ).all()
        )
    return render(
        request,
        "admin_organisations.html",
        {
            "title": "Organisations",
            "section": "organisations",
            "rows": [
                (o, staff_counts.get(o.id or 0, 0), people_counts.get(o.id or 0, 0)) for o in orgs
            ],
            "kinds": {**ORG_KINDS, "preview": "Script previews"},
            "done": DONE.get(done),
        },
    )


def _organisation_form(
    request: Request, values: dict[str, str], errors: dict[str, str]
) -> Response:
    return render(
        request,
        "admin_organisation_new.html",
        {
            "title": "Add an organisation",
            "section": "organisations",
            "values": values,
            "errors": errors,
            "error_summary": _errors(errors, ("name", "kind")),
            "kinds": ORG_KINDS,
        },
        status=400 if errors else 200,
    )


@router.get("/admin/organisations/new")
async def new_organisation_page(request: Request) -> Response:
    _admin(request)
    return _organisation_form(request, {"kind": "probation"}, {})


@router.post("/admin/organisations/new")
async def add_organisation(
    request: Request,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
) -> Response:
    admin = _admin(request)
    values = {"name": name, "kind": kind}
    errors: dict[str, str] = {}
    cleaned = " ".join(name.split())
    if kind not in ORG_KINDS:
        errors["kind"] = "Choose what kind of organisation it is"
    async with config(request).db.transaction() as session:
        found = (
            await session.exec(select(Organisation).where(Organisation.name == cleaned))
        ).first()
        if cleaned and found is not None:
            errors["name"] = "There is already an organisation with this name"
        if not errors:
            try:
                org = await organisation_named(session, cleaned, kind=kind, create=True)
            except AccountError as problem:
                errors["name" if problem.field == "org" else problem.field] = str(problem)
            else:
                audited(session, admin, "admin_add_organisation", None, organisation_id=org.id)
    if not cleaned:
        errors["name"] = "Enter the organisation's name"
    if errors:
        return _organisation_form(request, values, errors)
    return RedirectResponse("/admin/organisations?done=organisation", status_code=303)


# --- an organisation's appointment reminders -----------------------------------------------

# Quiet hours are 21:00-09:00 in the person's time zone, so reminders go out in between.
REMINDER_HOURS = range(9, 21)


def hour_words(hour: int) -> str:
    return "12 noon" if hour == 12 else f"{hour % 12 or 12}{'am' if hour < 12 else 'pm'}"


async def _organisation(session: AsyncSession, org_id: int) -> Organisation:
    org = await session.get(Organisation, org_id)
    if org is None:
        raise NotFound()
    return org


def _values(org: Organisation) -> dict[str, Any]:
    """The organisation's settings as its page's forms show them."""
    return {
        "remind": [
            k
            for k, on in (
                ("day_before", org.remind_day_before),
                ("on_the_day", org.remind_on_the_day),
            )
            if on
        ],
        "hour": str(org.reminder_hour),
        "escalation_hours": str(org.escalation_hours),
        "order_text_en": org.order_text_en or "",
        "order_text_cy": org.order_text_cy or "",
    }


def _reminders_form(
    request: Request, org: Organisation, values: dict[str, Any], errors: dict[str, str]
) -> Response:
    return render(
        request,
        "admin_organisation.html",
        {
            "title": org.name,
            "section": "organisations",
            "org": org,
            "kinds": ORG_KINDS,
            "values": values,
            "errors": errors,
            "hours": [
                {"value": str(h), "text": hour_words(h), "selected": str(h) == values["hour"]}
                for h in REMINDER_HOURS
            ],
            "done": DONE.get(request.query_params.get("done", "")) if not errors else None,
            "error_summary": _errors(
                errors, ("remind", "hour", "escalation_hours", "order_text_en", "order_text_cy")
            ),
            "escalation_range": (escalation.MIN_HOURS, escalation.MAX_HOURS),
            "order_default": {lang: order_words(None, None, lang) for lang in ("en", "cy")},
            "order_limit": ORDER_TEXT_LIMIT,
        },
        status=400 if errors else 200,
    )


@router.get("/admin/organisations/{org_id:int}")
async def organisation_page(request: Request, org_id: int) -> Response:
    _admin(request)
    async with config(request).db.transaction() as session:
        org = await _organisation(session, org_id)
    return _reminders_form(request, org, _values(org), {})


@router.post("/admin/organisations/{org_id:int}")
async def save_reminders(
    request: Request,
    org_id: int,
    remind: Annotated[list[str] | None, Form()] = None,
    hour: Annotated[str, Form()] = "",
) -> Response:
    admin = _admin(request)
    chosen = [r for r in (remind or []) if r in ("day_before", "on_the_day", "none")]
    values: dict[str, Any] = {"remind": chosen, "hour": hour[:4]}
    errors: dict[str, str] = {}
    if not chosen:
        errors["remind"] = "Select when to remind people, or select “No reminders”"
    elif "none" in chosen and len(chosen) > 1:
        errors["remind"] = "Select when to remind people, or “No reminders” on its own"
    if not (hour.isdigit() and int(hour) in REMINDER_HOURS):
        errors["hour"] = "Select a time between 9am and 8pm"
    async with config(request).db.transaction() as session:
        org = await _organisation(session, org_id)
        values["escalation_hours"] = str(org.escalation_hours)
        if not errors:
            org.remind_day_before = "day_before" in chosen
            org.remind_on_the_day = "on_the_day" in chosen
            org.reminder_hour = int(hour)
            session.add(org)
            audited(
                session,
                admin,
                "admin_reminders",
                None,
                organisation_id=org.id,
                day_before=org.remind_day_before,
                on_the_day=org.remind_on_the_day,
                hour=org.reminder_hour,
            )
    if errors:
        return _reminders_form(request, org, values, errors)
    return RedirectResponse(f"/admin/organisations/{org_id}?done=reminders", status_code=303)


# --- when flags nobody dealt with go to the seniors ----------------------------------------


@router.post("/admin/organisations/{org_id:int}/escalation")
async def save_escalation(
    request: Request, org_id: int, escalation_hours: Annotated[str, Form()] = ""
) -> Response:
    admin = _admin(request)
    typed = escalation_hours.strip()
    low, high = escalation.MIN_HOURS, escalation.MAX_HOURS
    errors: dict[str, str] = {}
    if not typed:
        errors["escalation_hours"] = "Enter how many office hours a flag waits"
    elif not (typed.isascii() and typed.isdigit() and len(typed) <= 3):
        errors["escalation_hours"] = "Office hours must be a whole number, like 4"
    elif not low <= int(typed) <= high:
        errors["escalation_hours"] = f"Office hours must be between {low} and {high}"
    async with config(request).db.transaction() as session:
        org = await _organisation(session, org_id)
        values = {**_values(org), "escalation_hours": escalation_hours[:10]}
        if not errors:
            before = org.escalation_hours
            org.escalation_hours = int(typed)
            session.add(org)
            audited(
                session,
                admin,
                "admin_escalation",
                None,
                organisation_id=org.id,
                hours=org.escalation_hours,
                before=before,
            )
    if errors:
        return _reminders_form(request, org, values, errors)
    return RedirectResponse(
        f"/admin/organisations/{org_id}?done=escalation#escalation", status_code=303
    )


# --- what people are told about their order or licence (/privacy) -------------------------


def order_text_problem(text: str, lang: str) -> str | None:
    """Why these words are not ready for people on probation to read, or None. English is
    held to the reading grade the tools aim for; Welsh gets no grade (readability.py)."""
    if len(text) > ORDER_TEXT_LIMIT:
        return f"Use {ORDER_TEXT_LIMIT} characters or fewer"
    if "{" in text or "}" in text:
        return "Do not use curly brackets { }"
    for pattern, advice in STAFF_WORDS:
        found = re.search(rf"\b{pattern}\b", text, re.IGNORECASE)
        if found:
            return f"Use words people on probation use: instead of “{found.group(0)}”, {advice}"
    graded = readability.grade(text) if lang == "en" else None
    if graded is not None and graded.grade > DEFAULT_READING_GRADE:
        hard = ", ".join(f"“{w}”" for w in graded.long_words[:3])
        return (
            f"This reads at about school grade {graded.grade:.0f}; aim for grade "
            f"{DEFAULT_READING_GRADE} or below. Use shorter sentences"
            + (f" and shorter words than {hard}" if hard else "")
        )
    return None


@router.post("/admin/organisations/{org_id:int}/order-text")
async def save_order_text(
    request: Request,
    org_id: int,
    order_text_en: Annotated[str, Form()] = "",
    order_text_cy: Annotated[str, Form()] = "",
) -> Response:
    admin = _admin(request)
    typed = {"en": " ".join(order_text_en.split()), "cy": " ".join(order_text_cy.split())}
    errors: dict[str, str] = {}
    for lang, text in typed.items():
        if text and (problem := order_text_problem(text, lang)):
            errors[f"order_text_{lang}"] = problem
    async with config(request).db.transaction() as session:
        org = await _organisation(session, org_id)
        values = {
            **_values(org),
            "order_text_en": order_text_en[: ORDER_TEXT_LIMIT * 2],
            "order_text_cy": order_text_cy[: ORDER_TEXT_LIMIT * 2],
        }
        before = {"en": org.order_text_en, "cy": org.order_text_cy}
        if not errors:
            # Blank means Tandem's own honest default.
            org.order_text_en = typed["en"] or None
            org.order_text_cy = typed["cy"] or None
            session.add(org)
            audited(
                session,
                admin,
                "admin_order_text",
                None,
                organisation_id=org.id,
                en=org.order_text_en,
                cy=org.order_text_cy,
                before_en=before["en"],
                before_cy=before["cy"],
            )
    if errors:
        return _reminders_form(request, org, values, errors)
    return RedirectResponse(
        f"/admin/organisations/{org_id}?done=order_text#order-text", status_code=303
    )


# --- the audit log -------------------------------------------------------------------------


@dataclass
class LogLine:
    event: AuditEvent
    who: str
    what: str
    crn: str | None


def actor_name(actor: str, names: dict[int, str]) -> str:
    kind, _, rest = actor.partition(":")
    if kind == "staff" and rest.isdigit():
        return names.get(int(rest), f"Staff account {rest} (deleted)")
    if kind == "cli":
        return f"Command line ({rest})"
    return actor


def _person_filter(text: str) -> ColumnElement[bool] | None:
    """A person by their Tandem number or their CRN."""
    text = text.strip()
    if not text:
        return None
    by_crn = select(ServiceUser.id).where(ServiceUser.crn == text.upper()[:20])
    matches = col(AuditEvent.service_user_id).in_(by_crn)
    if text.isdigit() and len(text) < 12:
        return or_(col(AuditEvent.service_user_id) == int(text), matches)
    return matches


def pagination(page: int, pages: int, query: dict[str, str]) -> dict[str, Any]:
    """govukPagination's parameters: numbered pages around this one, with ellipses between."""

    def href(n: int) -> str:
        return "/admin/audit?" + urlencode({**query, "page": n})

    shown = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    items: list[dict[str, Any]] = []
    for i, n in enumerate(shown):
        if i and n - shown[i - 1] > 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "href": href(n), "current": n == page})
    return {
        "items": items,
        "previous": {"href": href(page - 1)} if page > 1 else None,
        "next": {"href": href(page + 1)} if page < pages else None,
        "landmarkLabel": "Audit log pages",
    }


@router.get("/admin/audit")
async def audit_log(
    request: Request, action: str = "", staff: str = "", person: str = "", page: int = 1
) -> Response:
    _admin(request)
    action, staff, person = action[:60], staff[:20], person[:40]
    conditions: list[ColumnElement[bool]] = []
    if action:
        conditions.append(col(AuditEvent.action) == action)
    if staff.isdigit():
        conditions.append(col(AuditEvent.actor) == f"staff:{int(staff)}")
    if (who := _person_filter(person)) is not None:
        conditions.append(who)
    async with config(request).db.transaction() as session:
        total = (
            await session.exec(select(func.count()).select_from(AuditEvent).where(*conditions))
        ).one()
        pages = max(1, ceil(total / PAGE_SIZE))
        page = min(max(page, 1), pages)
        rows = (
            await session.exec(
                select(AuditEvent, ServiceUser.crn)
                .outerjoin(ServiceUser, col(ServiceUser.id) == col(AuditEvent.service_user_id))
                .where(*conditions)
                .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
                .offset((page - 1) * PAGE_SIZE)
                .limit(PAGE_SIZE)
            )
        ).all()
        everyone = (
            await session.exec(select(Staff).order_by(col(Staff.name), col(Staff.id)))
        ).all()
    names = {m.id: m.name for m in everyone if m.id is not None}
    lines = [
        LogLine(event, actor_name(event.actor, names), action_words(event.action), crn)
        for event, crn in rows
    ]
    query = {k: v for k, v in (("action", action), ("staff", staff), ("person", person)) if v}
    actions = dict(sorted(ACTIONS.items(), key=lambda kv: kv[1]))
    if action and action not in actions:
        actions[action] = action_words(action)
    return render(
        request,
        "admin_audit.html",
        {
            "title": "Audit log",
            "section": "audit",
            "lines": lines,
            "total": total,
            "first": (page - 1) * PAGE_SIZE + 1,
            "last": (page - 1) * PAGE_SIZE + len(lines),
            "pagination": pagination(page, pages, query) if pages > 1 else None,
            "actions": actions,
            "everyone": everyone,
            "filters": {"action": action, "staff": staff, "person": person},
            "filtered": bool(query),
        },
    )
