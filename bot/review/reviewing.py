"""The review: mark a shared conversation reviewed (with a note, and whether it holds sensitive
information), add a note about the person, resolve a flag with what was done (the only way a
flag closes: who and when are kept, and it no longer goes to the seniors).

Every action goes through `person_for` (404 for anyone not on this member of staff's list),
is written to the audit log, and sends the case manager back to the page it came from with a
banner; a form that is not right is shown again with what was typed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from bot.review import appointments
from bot.review.access import NotFound, audited, person_for, staff_of
from bot.review.history import conversation_page, shared_conversation
from bot.review.person import person_page
from bot.review.web import config
from bot.scheduling import assignments, escalation
from storage.escalations import flag_to_resolve
from storage.models import Note

router = APIRouter()
router.include_router(appointments.router)

TEXT_MAX = 5000


def _too_long(what: str) -> str:
    return f"{what} must be {TEXT_MAX:,} characters or fewer"


def _done(person_id: int, event: str, conversation_id: int | None = None) -> RedirectResponse:
    page = f"/people/{person_id}"
    if conversation_id is not None:
        page += f"/conversations/{conversation_id}"
    return RedirectResponse(f"{page}?done={event}", status_code=303)


@router.post("/people/{person_id:int}/conversations/{conversation_id:int}/review")
async def review_conversation(
    request: Request,
    person_id: int,
    conversation_id: int,
    note: Annotated[str, Form()] = "",
    sensitive: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "person",
) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    text = note.strip()
    if len(text) > TEXT_MAX:
        # Shown again on the conversation's own page, which has the whole form.
        async with cfg.db.transaction() as session:
            await person_for(session, staff, person_id)
            await shared_conversation(session, person_id, conversation_id)
        return await conversation_page(
            request,
            person_id,
            conversation_id,
            errors={"note": _too_long("The note")},
            form={"note": note, "sensitive": sensitive},
            status=400,
        )
    now = cfg.clock()
    async with cfg.db.transaction() as session:
        await person_for(session, staff, person_id)
        conv = await shared_conversation(session, person_id, conversation_id)
        conv.reviewed_at = now
        conv.reviewed_by = staff.id
        conv.sensitive = sensitive == "yes"
        session.add(conv)
        await assignments.reviewed(session, conversation_id, now)
        if text:
            assert staff.id is not None
            session.add(
                Note(
                    service_user_id=person_id,
                    conversation_id=conversation_id,
                    staff_id=staff.id,
                    text=text,
                    created_at=now,
                )
            )
        audited(
            session,
            staff,
            "review_conversation",
            person_id,
            conversation_id=conversation_id,
            sensitive=conv.sensitive,
            note=bool(text),
        )
    if back == "conversation":
        return _done(person_id, "reviewed", conversation_id)
    return _done(person_id, "reviewed")


@router.post("/people/{person_id:int}/notes")
async def add_note(request: Request, person_id: int, text: Annotated[str, Form()] = "") -> Response:
    cfg = config(request)
    staff = staff_of(request)
    words = text.strip()
    error = "Enter a note" if not words else _too_long("A note") if len(words) > TEXT_MAX else None
    if error:
        return await person_page(
            request, person_id, errors={"note": error}, form={"note": text}, status=400
        )
    async with cfg.db.transaction() as session:
        await person_for(session, staff, person_id)
        assert staff.id is not None
        note = Note(
            service_user_id=person_id, staff_id=staff.id, text=words, created_at=cfg.clock()
        )
        session.add(note)
        await session.flush()
        audited(session, staff, "add_note", person_id, note_id=note.id)
    return _done(person_id, "noted")


@router.post("/people/{person_id:int}/flags/{flag_id:int}/resolve")
async def resolve_flag(
    request: Request,
    person_id: int,
    flag_id: int,
    resolution: Annotated[str, Form()] = "",
) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    words = resolution.strip()
    error = (
        "Enter what you did"
        if not words
        else _too_long("What you did")
        if len(words) > TEXT_MAX
        else None
    )
    now = cfg.clock()
    async with cfg.db.transaction() as session:
        await person_for(session, staff, person_id)
        flag = await flag_to_resolve(session, person_id, flag_id)
        if flag is None:
            raise NotFound()
        already = flag.resolved_at is not None
        if not already and error is None:
            # Only staff close a flag, saying what they did; whatever the person chose
            # ("I'm OK" too) leaves it open.
            flag.resolution = words
            flag.resolved_at = now
            flag.resolved_by = staff.id
            session.add(flag)
            await escalation.flag_resolved(session, flag, now=now)
            audited(
                session,
                staff,
                "resolve_flag",
                person_id,
                flag_id=flag_id,
                kind=flag.kind,
                escalated=flag.escalated_at is not None,
            )
    if error and not already:
        key = f"resolution-{flag_id}"
        return await person_page(
            request, person_id, errors={key: error}, form={key: resolution}, status=400
        )
    # Resolved by someone else meanwhile: their words stand; the page shows it has gone.
    return _done(person_id, "resolved")
