"""What the case manager is told about reaching a person: Tandem cannot reach them on Telegram
(blocked or deleted), or they stopped reminders — on their page and on the caseload."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from storage.models import ServiceUser
from tests.support.review import ReviewHarness


def text_of(html: str) -> str:
    body = html[html.index("<main") : html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


async def _set(review: ReviewHarness, person: ServiceUser, **values: object) -> None:
    async with review.db.transaction() as session:
        row = await session.get(ServiceUser, person.id)
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


async def test_unreachable_on_the_page_and_the_caseload(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex Example")
    bo = await review.person(sam, name="Bo Fine")
    await _set(
        review,
        alex,
        unreachable_at=datetime(2026, 12, 3, 15, 0, tzinfo=UTC),
        unreachable_reason="Forbidden: bot was blocked by the user",
    )
    review.clock.advance(days=20)
    async with review.signed_in(sam) as web:
        page = text_of((await web.get(f"/people/{alex.id}")).text)
        other = text_of((await web.get(f"/people/{bo.id}")).text)
        form = text_of((await web.get(f"/people/{alex.id}/assignments/new")).text)
        caseload = await web.get("/")
    assert (
        "Tandem cannot reach Alex on Telegram since 3 December 2026: they may have blocked "
        "Tandem or deleted their account. Nothing more will be sent until they write again."
    ) in page
    assert "cannot reach" not in other
    assert "they get no invitation until they write to Tandem again" in form
    rows = caseload.text.split('<tr class="govuk-table__row">')
    [alex_row] = [r for r in rows if "Alex Example" in r]
    [bo_row] = [r for r in rows if "Bo Fine" in r]
    assert "Unreachable" in alex_row and "Since 3 December 2026" in alex_row
    assert "Unreachable" not in bo_row and "Joined" in bo_row


async def test_reminders_stopped_by_them(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex Example")
    await _set(review, alex, reminders_stopped_at=datetime(2026, 11, 21, 19, 0, tzinfo=UTC))
    async with review.signed_in(sam) as web:
        page = text_of((await web.get(f"/people/{alex.id}")).text)
        caseload = await web.get("/")
    assert "Reminders stopped by Alex on 21 November 2026." in page
    assert "Tandem sends them no reminders or nudges until they start them again." in page
    [row] = [r for r in caseload.text.split("<tr") if "Alex Example" in r]
    assert "Reminders stopped" in row and "Joined" in row
