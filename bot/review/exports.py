"""One person's shared answers and plan, to copy into the case record: CSV (opens in Excel) and
JSON. Only what the person chose to share leaves Tandem this way, and every download is audited.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.review.access import audited, person_for, staff_of
from bot.review.web import UK, config
from storage.export import shared_export
from storage.models import ServiceUser

router = APIRouter()

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "record",
    "person",
    "CRN",
    "tool",
    "shared on",
    "question",
    "answer",
    "answered at",
    "plan: what",
    "plan: who",
    "plan: by when",
    "plan: status",
    "plan: their reply",
    "plan: their words",
    "plan: replied at",
)
REPLIES = {"agree": "Agreed", "change": "Would change something", "talk": "Wants to talk about it"}
STATUSES = {"open": "Open", "done": "Done", "dropped": "Dropped"}


def cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _uk(iso: str | None) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(UK).strftime("%Y-%m-%d %H:%M")


def _answer_text(answer: dict[str, Any]) -> str:
    if answer["declined"]:
        return "(preferred not to say)"
    if answer["skipped"]:
        return "(skipped)"
    return str(answer["answer"])


def to_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    # Excel reads a UTF-8 file as UTF-8 only when it starts with a byte order mark.
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    name, crn = data["person"]["name"], data["person"]["crn"] or ""
    for conv in data["conversations"]:
        shared_on = _uk(conv["shared_at"])[:10]
        for answer in conv["answers"]:
            row = ["answer", name, crn, conv["title"], shared_on, answer["question"]]
            row += [_answer_text(answer), _uk(answer["answered_at"])]
            writer.writerow([cell(v) for v in row + [""] * 7])
    for item in data["plan"]:
        row = ["plan", name, crn] + [""] * 5
        row += [item["what"], item["who"], item["by_when"] or ""]
        row += [STATUSES.get(item["status"], item["status"])]
        row += [REPLIES.get(item["response"] or "", ""), item["response_text"] or ""]
        row += [_uk(item["responded_at"])]
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def filename(person: ServiceUser, now: datetime, ext: str) -> str:
    ref = re.sub(r"[^A-Za-z0-9_-]", "_", person.crn or "") or f"person-{person.id}"
    return f"tandem-{ref}-{now.astimezone(UK).date().isoformat()}.{ext}"


async def _export(request: Request, person_id: int, kind: str) -> tuple[dict[str, Any], str]:
    staff = staff_of(request)
    cfg = config(request)
    async with cfg.db.transaction() as session:
        person = await person_for(session, staff, person_id)
        data = await shared_export(session, person_id)
        assert data is not None
        audited(
            session,
            staff,
            f"export_{kind}",
            person_id,
            conversations=len(data["conversations"]),
            answers=sum(len(c["answers"]) for c in data["conversations"]),
            plan_items=len(data["plan"]),
        )
    return data, filename(person, cfg.clock(), kind)


def _download(body: str, name: str, media_type: str) -> Response:
    return Response(
        body.encode("utf-8"),
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/people/{person_id}/export.csv")
async def export_csv(request: Request, person_id: int) -> Response:
    data, name = await _export(request, person_id, "csv")
    return _download(to_csv(data), name, "text/csv; charset=utf-8")


@router.get("/people/{person_id}/export.json")
async def export_json(request: Request, person_id: int) -> Response:
    data, name = await _export(request, person_id, "json")
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return _download(body, name, "application/json; charset=utf-8")
