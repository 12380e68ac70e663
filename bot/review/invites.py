"""Adding a person, their invite (a t.me link and a QR code of it to scan in the office),
a new link when the old one is lost or expired, and moving a person to another case manager.

An invite code is shown once, in the answer to the form that made it: only its hash is stored,
so it cannot be shown again later — a lost link is replaced, never looked up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations.enrolment import bot_username
from bot.conversations.invites import deep_link, hash_code, new_code
from bot.review.access import Forbidden, audited, person_for, sees_people, staff_of
from bot.review.web import ReviewConfig, config, render
from storage.models import Invite, ServiceUser, Staff
from storage.people import add_invite, add_person, revoke_open_invites

router = APIRouter()

LANGUAGES = {"en": "English", "cy": "Cymraeg (Welsh)"}
MAX_NAME = 200
MAX_CRN = 20
QR_TITLE = "QR code of the invite link"


@dataclass(frozen=True)
class Issued:
    link: str
    expires_at: datetime


def qr_svg(link: str) -> Markup:
    """The link as a QR code, inline SVG (no image request, nothing for the CSP to allow).
    The code is made by us from a URL of our own making, so it is safe to put in the page."""
    svg = segno.make(link, error="m").svg_inline(scale=6, title=QR_TITLE)
    labelled = svg.replace("<svg ", f'<svg role="img" aria-label="{QR_TITLE}" ', 1)
    return Markup(labelled)  # noqa: S704 (segno escapes; the link is ours, not typed)


async def _issue(
    session: AsyncSession, cfg: ReviewConfig, person_id: int, username: str, now: datetime
) -> Issued:
    """A new single-use code; any earlier unused one stops working."""
    code = new_code()
    await revoke_open_invites(session, person_id, now)
    expires = now + timedelta(days=cfg.invite_days)
    await add_invite(session, person_id, hash_code(code), expires)
    return Issued(deep_link(username, code), expires)


def _invite_page(request: Request, person: ServiceUser, issued: Issued, *, new: bool) -> Response:
    return render(
        request,
        "invite.html",
        {
            "title": f"Invite for {person.name}",
            "section": "add",
            "person": person,
            "link": issued.link,
            # The code alone, for someone who finds Tandem in Telegram and types it there.
            "code": issued.link.rpartition("?start=")[2],
            "bot": issued.link.rpartition("?start=")[0].rpartition("/")[2],
            "qr": qr_svg(issued.link),
            "expires_at": issued.expires_at,
            "new_person": new,
        },
    )


async def case_managers(session: AsyncSession, organisation_id: int) -> list[Staff]:
    return list(
        (
            await session.exec(
                select(Staff)
                .where(
                    Staff.organisation_id == organisation_id,
                    Staff.role == "case_manager",
                    col(Staff.active).is_(True),
                )
                .order_by(col(Staff.name))
            )
        ).all()
    )


def _may_add(staff: Staff) -> None:
    if not sees_people(staff):
        raise Forbidden()


def _form(
    request: Request,
    managers: list[Staff],
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    order = ("name", "crn", "language", "case_manager")
    return render(
        request,
        "person_new.html",
        {
            "title": "Add a person",
            "section": "add",
            "values": values,
            "errors": errors,
            "error_summary": [{"text": errors[k], "href": f"#{k}"} for k in order if k in errors],
            "managers": managers,
            "languages": LANGUAGES,
        },
        status=400 if errors else 200,
    )


@router.get("/people/new")
async def new_person_page(request: Request) -> Response:
    staff = staff_of(request)
    _may_add(staff)
    managers: list[Staff] = []
    if staff.role == "senior":
        async with config(request).db.transaction() as session:
            managers = await case_managers(session, staff.organisation_id)
    return _form(request, managers, {"language": "en"}, {})


async def _check(
    session: AsyncSession,
    staff: Staff,
    managers: list[Staff],
    values: dict[str, str],
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = "Enter their full name"
    elif len(values["name"]) > MAX_NAME:
        errors["name"] = f"Their name must be {MAX_NAME} characters or fewer"
    crn = values["crn"]
    if len(crn) > MAX_CRN:
        errors["crn"] = f"The CRN must be {MAX_CRN} characters or fewer"
    elif crn:
        taken = (
            await session.exec(
                select(func.count())
                .select_from(ServiceUser)
                .where(
                    ServiceUser.organisation_id == staff.organisation_id,
                    ServiceUser.crn == crn,
                )
            )
        ).one()
        if taken:
            errors["crn"] = "Someone in your organisation already has this CRN. Check it"
    if values["language"] not in LANGUAGES:
        errors["language"] = "Choose the language they would like Tandem to use"
    if staff.role == "senior" and values["case_manager"] not in {str(m.id) for m in managers}:
        errors["case_manager"] = (
            "Choose their case manager"
            if managers
            else "There are no case managers in your organisation yet. Ask your administrator"
        )
    return errors


@router.post("/people")
async def add_person_form(
    request: Request,
    name: Annotated[str, Form()] = "",
    crn: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "",
    case_manager: Annotated[str, Form()] = "",
) -> Response:
    staff = staff_of(request)
    _may_add(staff)
    cfg = config(request)
    values = {
        "name": " ".join(name.split()),
        "crn": "".join(crn.split()).upper(),
        "language": language,
        "case_manager": case_manager,
    }
    username = await bot_username(cfg.db, cfg.bot_username)
    now = cfg.clock()
    async with cfg.db.transaction() as session:
        managers = await case_managers(session, staff.organisation_id)
        errors = await _check(session, staff, managers, values)
        if not errors:
            manager_id = int(case_manager) if staff.role == "senior" else staff.id
            person = await add_person(
                session,
                organisation_id=staff.organisation_id,
                name=values["name"],
                crn=values["crn"] or None,
                case_manager_id=manager_id,
            )
            person.language = language
            session.add(person)
            assert person.id is not None
            issued = await _issue(session, cfg, person.id, username, now)
            audited(session, staff, "add_person", person.id, case_manager_id=manager_id)
            audited(session, staff, "issue_invite", person.id)
    if errors:
        shown = managers if staff.role == "senior" else []
        return _form(request, shown, values, errors)
    return _invite_page(request, person, issued, new=True)


async def _latest_invite(session: AsyncSession, person_id: int) -> Invite | None:
    return (
        await session.exec(
            select(Invite)
            .where(Invite.service_user_id == person_id)
            .order_by(col(Invite.created_at).desc(), col(Invite.id).desc())
            .limit(1)
        )
    ).first()


@router.get("/people/{person_id}/invite")
async def invite_status(request: Request, person_id: int) -> Response:
    staff = staff_of(request)
    cfg = config(request)
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        latest = None if person.linked_at else await _latest_invite(session, person_id)
        audited(session, staff, "view_invite", person_id)
    now = cfg.clock()
    state: dict[str, Any] = {"joined": person.linked_at is not None}
    if latest is None or latest.revoked_at is not None or latest.used_at is not None:
        state["link"] = "none"
    elif latest.expires_at <= now:
        state["link"] = "expired"
    else:
        state["link"] = "open"
    return render(
        request,
        "invite_status.html",
        {
            "title": f"Invite for {person.name}",
            "section": "caseload",
            "person": person,
            "invite": latest,
            **state,
        },
    )


@router.post("/people/{person_id}/invite")
async def reissue(request: Request, person_id: int) -> Response:
    staff = staff_of(request)
    cfg = config(request)
    username = await bot_username(cfg.db, cfg.bot_username)
    now = cfg.clock()
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        if person.linked_at is not None:
            issued = None
        else:
            issued = await _issue(session, cfg, person_id, username, now)
            audited(session, staff, "issue_invite", person_id, reissue=True)
    if issued is None:
        # Already connected: a new link would only be one more way in for someone else.
        return RedirectResponse(f"/people/{person_id}/invite", status_code=303)
    return _invite_page(request, person, issued, new=False)


def _senior(staff: Staff) -> None:
    if staff.role != "senior":
        raise Forbidden()


def _reassign_page(
    request: Request,
    person: ServiceUser,
    managers: list[Staff],
    error: str | None = None,
    done: str | None = None,
) -> Response:
    return render(
        request,
        "case_manager.html",
        {
            "title": f"Case manager for {person.name}",
            "section": "caseload",
            "person": person,
            "managers": managers,
            "error": error,
            "error_summary": [{"text": error, "href": "#case_manager"}] if error else [],
            "done": done,
        },
        status=400 if error else 200,
    )


@router.get("/people/{person_id}/case-manager")
async def reassign_page(request: Request, person_id: int, done: str = "") -> Response:
    staff = staff_of(request)
    _senior(staff)
    async with config(request).db.transaction() as session:
        person = await person_for(session, staff, person_id)
        managers = await case_managers(session, person.organisation_id)
    current = next((m.name for m in managers if m.id == person.case_manager_id), None)
    return _reassign_page(request, person, managers, done=current if done else None)


@router.post("/people/{person_id}/case-manager")
async def reassign(
    request: Request, person_id: int, case_manager: Annotated[str, Form()] = ""
) -> Response:
    staff = staff_of(request)
    _senior(staff)
    async with config(request).db.transaction() as session:
        person = await person_for(session, staff, person_id)
        managers = await case_managers(session, person.organisation_id)
        chosen = next((m for m in managers if str(m.id) == case_manager), None)
        if chosen is not None:
            before = person.case_manager_id
            person.case_manager_id = chosen.id
            session.add(person)
            audited(session, staff, "reassign", person_id, before=before, after=chosen.id)
    if chosen is None:
        return _reassign_page(request, person, managers, "Choose their new case manager")
    return RedirectResponse(f"/people/{person_id}/case-manager?done=1", status_code=303)
