"""The caseload: the people I work with, who needs attention first. (Being built.)"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import col, select

from bot.review.access import people_in_view, sees_people, staff_of
from bot.review.web import config, render
from storage.models import ServiceUser

router = APIRouter()


@router.get("/")
async def caseload(request: Request) -> Response:
    staff = staff_of(request)
    if not sees_people(staff):
        return RedirectResponse("/admin/staff", status_code=303)
    async with config(request).db.transaction() as session:
        people = list(
            (
                await session.exec(
                    select(ServiceUser).where(people_in_view(staff)).order_by(col(ServiceUser.name))
                )
            ).all()
        )
    return render(
        request, "caseload.html", {"title": "Caseload", "section": "caseload", "people": people}
    )
