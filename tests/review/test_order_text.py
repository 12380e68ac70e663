"""Administrators write their organisation's own words about the order or licence, which people
read in /privacy: plain words, checked for reading grade and staff language, and audited."""

from __future__ import annotations

from sqlmodel import select

from bot.conversations.privacy import order_words
from storage.models import AuditEvent, Organisation
from tests.support.review import ReviewHarness

OWN = (
    "Your probation officer reads what you share. If it is about your licence, they may "
    "talk to you about it at your next appointment."
)


async def test_an_admin_sets_the_organisations_own_words(review: ReviewHarness) -> None:
    ada = await review.staff("admin")
    org = await review.org()
    url = f"/admin/organisations/{org.id}"
    async with review.signed_in(ada) as web:
        page = (await web.get(url)).text
        assert "What people are told about their order or licence" in page
        assert order_words(None, None, "en") in page  # the default, shown until they write
        for typed, says, field in (
            ("x " * 300, "Use 500 characters or fewer", "order_text_en"),
            (
                "Notwithstanding considerations, practitioners' determinations regarding "
                "enforcement necessitate comprehensive consideration of circumstances.",
                "aim for grade 6 or below",
                "order_text_en",
            ),
            (
                "We tell the court about every service user who breaks it.",
                "instead of",
                "order_text_en",
            ),
            ("Use {order} here", "curly brackets", "order_text_en"),
        ):
            bad = await web.post(f"{url}/order-text", {"order_text_en": typed})
            assert bad.status_code == 400, typed
            assert says in bad.text.replace("&#34;", '"'), (typed, says)
            assert f'href="#{field}"' in bad.text
        good = await web.post(
            f"{url}/order-text", {"order_text_en": f"  {OWN} ", "order_text_cy": ""}
        )
        assert good.status_code == 303
        page = (await web.get(good.headers["location"])).text
        assert "Saved what people are told about their order or licence" in page
        assert OWN in page
        audit = (await web.get("/admin/audit")).text
        assert "Changed what people are told about their order or licence" in audit
        # Blank again: back to Tandem's own words.
        assert (await web.post(f"{url}/order-text", {"order_text_en": " "})).status_code == 303
    async with review.db.transaction() as session:
        row = await session.get(Organisation, org.id)
        events = (
            await session.exec(
                select(AuditEvent.detail)
                .where(AuditEvent.action == "admin_order_text")
                .order_by(AuditEvent.id)
            )
        ).all()
    assert row is not None and row.order_text_en is None and row.order_text_cy is None
    assert [(e["en"], e["before_en"]) for e in events] == [(OWN, None), (None, OWN)]


async def test_only_admins_set_it(review: ReviewHarness) -> None:
    org = await review.org()
    for role in ("case_manager", "senior"):
        member = await review.staff(role)
        async with review.signed_in(member) as web:
            response = await web.post(
                f"/admin/organisations/{org.id}/order-text", {"order_text_en": "Hello there."}
            )
            assert response.status_code in (403, 404), role
    async with review.db.transaction() as session:
        row = await session.get(Organisation, org.id)
    assert row is not None and row.order_text_en is None


def test_welsh_readers_get_the_organisations_english_rather_than_a_different_default() -> None:
    assert order_words("Ours.", None, "cy") == "Ours."
    assert order_words("Ours.", "Ein rhai ni.", "cy") == "Ein rhai ni."
    assert order_words(None, "Ein rhai ni.", "en") == order_words(None, None, "en")
    assert order_words("  ", None, "en") == order_words(None, None, "en")
