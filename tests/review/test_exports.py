"""Downloads of a person's shared answers and plan, for the case record."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from sqlmodel import col, select

from bot.review.exports import cell
from storage.models import AuditEvent, PlanItem, ServiceUser, Staff
from tests.support.review import ReviewHarness


async def _history(review: ReviewHarness) -> tuple[Staff, ServiceUser]:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex Smith", crn="X123456")
    await review.conversation(
        alex,
        "good_day_bad_day",
        {"good_day": '=HYPERLINK("http://evil")', "bad_day": "Rows at the hostel"},
        skipped=("good_where",),
    )
    await review.conversation(alex, "aspirations", {"five_years": "Never shown"}, sharing="private")
    await review.conversation(
        alex, "good_day_bad_day", {"good_day": "Still typing"}, status="active"
    )
    async with review.db.transaction() as session:
        session.add(
            PlanItem(
                service_user_id=alex.id or 0,
                created_by=sam.id or 0,
                what="+Ask the council about a flat",
                who="Alex",
                by_when=date(2026, 12, 10),
                response="agree",
            )
        )
    return sam, alex


async def test_json_has_only_shared_answers_and_the_plan(review: ReviewHarness) -> None:
    sam, alex = await _history(review)
    async with review.signed_in(sam) as web:
        response = await web.get(f"/people/{alex.id}/export.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"] == (
        'attachment; filename="tandem-X123456-2026-11-20.json"'
    )
    data = response.json()
    assert data["person"] == {"name": "Alex Smith", "crn": "X123456"}
    [conv] = data["conversations"]
    assert conv["tool"] == "good_day_bad_day" and conv["title"] == "Good day, bad day"
    answers = {a["answer"] for a in conv["answers"]}
    assert "Rows at the hostel" in answers
    assert "Never shown" not in response.text and "Still typing" not in response.text
    skipped = [a for a in conv["answers"] if a["skipped"]]
    assert len(skipped) == 1 and skipped[0]["answer"] == ""
    [item] = data["plan"]
    assert item["what"] == "+Ask the council about a flat" and item["by_when"] == "2026-12-10"
    assert item["response"] == "agree" and item["status"] == "open"


async def test_csv_opens_in_excel_and_cannot_run_formulas(review: ReviewHarness) -> None:
    sam, alex = await _history(review)
    async with review.signed_in(sam) as web:
        response = await web.get(f"/people/{alex.id}/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert 'filename="tandem-X123456-2026-11-20.csv"' in response.headers["content-disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    answers = [r for r in rows if r["record"] == "answer"]
    plan = [r for r in rows if r["record"] == "plan"]
    assert {r["tool"] for r in answers} == {"Good day, bad day"}
    assert all(r["person"] == "Alex Smith" and r["CRN"] == "X123456" for r in rows)
    said = {r["answer"] for r in answers}
    assert '\'=HYPERLINK("http://evil")' in said and "(skipped)" in said
    assert "Rows at the hostel" in said
    assert "Never shown" not in response.text and "Still typing" not in response.text
    assert plan[0]["plan: what"] == "'+Ask the council about a flat"
    assert plan[0]["plan: their reply"] == "Agreed"
    assert plan[0]["plan: by when"] == "2026-12-10"


def test_formula_cells_are_neutralised() -> None:
    for risky in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert cell(risky) == "'" + risky
    assert cell("fine") == "fine" and cell(None) == "" and cell("a=b") == "a=b"


async def test_downloads_are_audited_with_counts(review: ReviewHarness) -> None:
    sam, alex = await _history(review)
    async with review.signed_in(sam) as web:
        await web.get(f"/people/{alex.id}/export.csv")
        await web.get(f"/people/{alex.id}/export.json")
    async with review.db.transaction() as session:
        events = (
            await session.exec(
                select(AuditEvent)
                .where(col(AuditEvent.action).startswith("export_"))
                .order_by(col(AuditEvent.id))
            )
        ).all()
    assert [(e.action, e.service_user_id, e.actor) for e in events] == [
        ("export_csv", alex.id, f"staff:{sam.id}"),
        ("export_json", alex.id, f"staff:{sam.id}"),
    ]
    assert events[0].detail == {"conversations": 1, "answers": 3, "plan_items": 1}


async def test_no_crn_gives_a_safe_file_name(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    async with review.db.transaction() as session:
        row = await session.get(ServiceUser, alex.id)
        assert row is not None
        row.crn = '../"x'
        session.add(row)
    async with review.signed_in(sam) as web:
        response = await web.get(f"/people/{alex.id}/export.csv")
    assert 'filename="tandem-____x-2026-11-20.csv"' in response.headers["content-disposition"]


async def test_only_those_who_may_see_the_person_can_download(review: ReviewHarness) -> None:
    sam, alex = await _history(review)
    other = await review.staff()
    far = await review.staff("senior", org="Women's Centre")
    admin = await review.staff("admin")
    senior = await review.staff("senior")
    for who, status in ((other, 404), (far, 404), (admin, 404), (senior, 200)):
        async with review.signed_in(who) as web:
            for kind in ("csv", "json"):
                response = await web.get(f"/people/{alex.id}/export.{kind}")
                assert response.status_code == status
                if status == 404:
                    assert "Alex Smith" not in response.text
    assert json.loads(await _json(review, senior, alex))["person"]["name"] == "Alex Smith"


async def _json(review: ReviewHarness, staff: Staff, person: ServiceUser) -> str:
    async with review.signed_in(staff) as web:
        return (await web.get(f"/people/{person.id}/export.json")).text
