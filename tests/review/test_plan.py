"""The plan, made together: plan items from a person's answers, changed, marked done, and sent
to the person on Telegram item by item through the outbox — only by staff who may see them."""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import escape
from sqlmodel import col, select

from bot.conversations import callbacks
from storage.models import Answer, AuditEvent, Conversation, OutboxMessage, PlanItem, ServiceUser
from tests.support.review import ReviewHarness, Web

GOOD_DAY = {"good_day": "I get up early and walk the dog", "bad_day": "Stuck indoors all day"}
NEXT_MONTH = {"by_when-day": "18", "by_when-month": "12", "by_when-year": "2026"}


async def answer_ids(review: ReviewHarness, conv: Conversation) -> dict[str, int]:
    async with review.db.transaction() as session:
        rows = await session.exec(select(Answer).where(Answer.conversation_id == conv.id))
        return {a.step_id: a.id or 0 for a in rows.all()}


async def items_of(review: ReviewHarness, person: ServiceUser) -> list[PlanItem]:
    async with review.db.transaction() as session:
        rows = await session.exec(
            select(PlanItem).where(PlanItem.service_user_id == person.id).order_by(col(PlanItem.id))
        )
        return list(rows.all())


def behind(row: OutboxMessage) -> list[dict[str, Any]]:
    """The messages a notice shows once the person taps "Show me"."""
    notice = row.payload["notice"]
    return list(notice["content"][notice["lang"]])


async def outbox(review: ReviewHarness) -> list[OutboxMessage]:
    async with review.db.transaction() as session:
        return list(
            (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
        )


async def audit_actions(review: ReviewHarness) -> list[str]:
    async with review.db.transaction() as session:
        rows = await session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))
        return [e.action for e in rows.all()]


async def add_item(web: Web, person: ServiceUser, **fields: Any) -> None:
    data = {"what": "Walk the dog before the appointment", "who": "Alex", **fields}
    response = await web.post(f"/people/{person.id}/plan", data)
    assert response.status_code == 303, response.text


async def test_an_answer_becomes_a_plan_item_that_keeps_where_it_came_from(
    review: ReviewHarness,
) -> None:
    sam = await review.staff(name="Sam Jones")
    alex = await review.person(sam, name="Alex Smith")
    conv = await review.conversation(alex, "good_day_bad_day", GOOD_DAY)
    ids = await answer_ids(review, conv)
    async with review.signed_in(sam) as web:
        form = await web.get(f"/people/{alex.id}/plan/new?answer={ids['good_day']}")
        assert form.status_code == 200
        assert "Add a plan item" in form.text
        assert "‘I get up early and walk the dog’" in form.text
        assert "What do you do on a day like that?" in form.text  # the question as asked
        assert f'name="answer" value="{ids["good_day"]}"' in form.text

        saved = await web.post(
            f"/people/{alex.id}/plan",
            {
                "what": "Walk the dog every morning before the appointment",
                "who": "Alex and Sam",
                "answer": [str(ids["good_day"]), str(ids["bad_day"])],
                **NEXT_MONTH,
            },
        )
        assert saved.status_code == 303
        assert saved.headers["location"] == f"/people/{alex.id}?plan=added#plan"

        (item,) = await items_of(review, alex)
        assert item.what == "Walk the dog every morning before the appointment"
        assert item.who == "Alex and Sam"
        assert item.by_when == date(2026, 12, 18)
        assert item.status == "open" and item.revision == 1 and item.sent_at is None
        assert item.created_by == sam.id
        assert [s["answer_id"] for s in item.sources] == [ids["good_day"], ids["bad_day"]]
        first = item.sources[0]
        assert first["conversation_id"] == conv.id
        assert first["tool"] == "Good day, bad day"
        assert first["question"].startswith("Think of a good day.")
        assert first["display"] == "I get up early and walk the dog"

        page = await web.get(f"/people/{alex.id}/plan?plan=added")
        assert page.status_code == 200
        assert "Plan item added" in page.text
        assert "Good day, bad day — ‘I get up early and walk the dog’" in page.text
        assert "Not sent yet" in page.text
        assert "18 December 2026" in page.text
        assert "Send the plan to Alex" in page.text
    actions = await audit_actions(review)
    assert "view_plan_item_form" in actions and "add_plan_item" in actions
    assert "view_plan" in actions


async def test_a_plan_item_can_be_written_without_an_answer(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    async with review.signed_in(sam) as web:
        assert (await web.get(f"/people/{alex.id}/plan/new?back=plan")).status_code == 200
        saved = await web.post(
            f"/people/{alex.id}/plan", {"what": "Bring a payslip", "who": "Alex", "back": "plan"}
        )
        assert saved.headers["location"] == f"/people/{alex.id}/plan?plan=added#plan"
    (item,) = await items_of(review, alex)
    assert item.sources == [] and item.by_when is None


async def test_only_shared_answers_of_this_person_can_be_quoted(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    bo = await review.person(sam)
    private = await answer_ids(
        review, await review.conversation(alex, "good_day_bad_day", GOOD_DAY, sharing="private")
    )
    theirs = await answer_ids(review, await review.conversation(bo, "good_day_bad_day", GOOD_DAY))
    mine = await answer_ids(review, await review.conversation(alex, "good_day_bad_day", GOOD_DAY))
    async with review.signed_in(sam) as web:
        for answer in (private["good_day"], theirs["good_day"], "x", "²", "99999999"):
            url = f"/people/{alex.id}/plan/new?answer={answer}"
            assert (await web.get(url)).status_code == 404, answer
            posted = await web.post(
                f"/people/{alex.id}/plan", {"what": "A", "who": "B", "answer": str(answer)}
            )
            assert posted.status_code == 404, answer
        # One good answer does not carry a bad one with it.
        mixed = f"/people/{alex.id}/plan/new?answer={mine['good_day']}&answer={theirs['bad_day']}"
        assert (await web.get(mixed)).status_code == 404
    assert await items_of(review, alex) == []


async def test_mistakes_are_shown_with_the_error_summary_and_what_was_typed_is_kept(
    review: ReviewHarness,
) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex Smith")
    conv = await review.conversation(alex, "good_day_bad_day", GOOD_DAY)
    ids = await answer_ids(review, conv)
    cases: list[tuple[dict[str, str], str, str]] = [
        ({"what": "", "who": "Alex"}, "Enter what will happen", "#what"),
        ({"what": "x" * 1001, "who": "Alex"}, "1000 characters or fewer", "#what"),
        ({"what": "Go", "who": ""}, "Enter who will do it", "#who"),
        (
            {"what": "Go", "who": "Alex", "by_when-day": "3", "by_when-year": "2027"},
            "The date must include a month",
            "#by_when-month",
        ),
        (
            {"what": "Go", "who": "Alex", **NEXT_MONTH, "by_when-day": "31", "by_when-month": "2"},
            "The date must be a real date",
            "#by_when-day",
        ),
        (
            {"what": "Go", "who": "Alex", **NEXT_MONTH, "by_when-year": "26"},
            "The year must include 4 numbers",
            "#by_when-year",
        ),
        (
            # The harness clock says 20 November 2026.
            {"what": "Go", "who": "Alex", "by_when-day": "19", "by_when-month": "11",
             "by_when-year": "2026"},
            "The date must be today or in the future",
            "#by_when-day",
        ),
    ]  # fmt: skip
    async with review.signed_in(sam) as web:
        for data, message, href in cases:
            page = await web.post(
                f"/people/{alex.id}/plan", {**data, "answer": str(ids["good_day"])}
            )
            assert page.status_code == 400, message
            assert "<title>Error: Add a plan item" in page.text
            assert "There is a problem" in page.text
            assert f'href="{href}"' in page.text, href
            assert message in page.text
            # The quote and the answer it came from stay on the page.
            assert "‘I get up early and walk the dog’" in page.text
            assert f'name="answer" value="{ids["good_day"]}"' in page.text
        kept = await web.post(
            f"/people/{alex.id}/plan",
            {"what": "<script>alert(1)</script>", "who": "", "by_when-day": "4"},
        )
        assert kept.status_code == 400
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in kept.text
        assert "<script>alert(1)" not in kept.text
        assert 'value="4"' in kept.text
        # Today is fine.
        await add_item(
            web, alex, **{"by_when-day": "20", "by_when-month": "11", "by_when-year": "2026"}
        )
    assert len(await items_of(review, alex)) == 1


async def test_changing_an_item_makes_a_new_revision_and_clears_the_old_reply(
    review: ReviewHarness,
) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex Smith")
    async with review.signed_in(sam) as web:
        await add_item(web, alex, what="Call the housing office", **NEXT_MONTH)
        assert (await web.post(f"/people/{alex.id}/plan/send")).status_code == 303
        (item,) = await items_of(review, alex)
        async with review.db.transaction() as session:
            stored = await session.get(PlanItem, item.id)
            assert stored is not None
            stored.response, stored.response_text = "change", "I'd rather go there"
            stored.responded_at = review.clock()
            session.add(stored)

        form = await web.get(f"/people/{alex.id}/plan/{item.id}/edit")
        assert form.status_code == 200
        assert "Call the housing office" in form.text
        assert "has been sent this plan item" in form.text
        assert 'value="18"' in form.text and 'value="2026"' in form.text

        # Saving the same words changes nothing.
        same = {"what": "Call the housing office", "who": "Alex", **NEXT_MONTH}
        assert (await web.post(f"/people/{alex.id}/plan/{item.id}/edit", same)).status_code == 303
        (unchanged,) = await items_of(review, alex)
        assert unchanged.revision == 1 and unchanged.response == "change"

        bad = await web.post(f"/people/{alex.id}/plan/{item.id}/edit", {**same, "what": ""})
        assert bad.status_code == 400 and "Enter what will happen" in bad.text

        changed = await web.post(
            f"/people/{alex.id}/plan/{item.id}/edit",
            {**same, "what": "Go to the housing office with Sam", "back": "plan"},
        )
        assert changed.headers["location"] == f"/people/{alex.id}/plan?plan=changed#plan"
        (edited,) = await items_of(review, alex)
        assert edited.what == "Go to the housing office with Sam"
        assert edited.revision == 2
        assert edited.response is None and edited.response_text is None
        assert edited.responded_at is None and edited.awaiting_words_since is None
        assert edited.sent_at is None and edited.sent_revision == 1
        page = await web.get(f"/people/{alex.id}/plan")
        assert "Changed, not sent again yet" in page.text
        assert "I&#39;d rather go there" not in page.text

    # Once the date has passed, the item can still be changed without moving it.
    review.clock.advance(days=40)
    async with review.signed_in(sam) as web:
        later = await web.post(
            f"/people/{alex.id}/plan/{item.id}/edit", {**same, "what": "Housing office"}
        )
        assert later.status_code == 303
    actions = await audit_actions(review)
    assert actions.count("edit_plan_item") == 2


async def test_done_dropped_and_open_again(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    async with review.signed_in(sam) as web:
        await add_item(web, alex)
        (item,) = await items_of(review, alex)
        url = f"/people/{alex.id}/plan/{item.id}/status"
        for status, shown in (("done", "Done"), ("dropped", "Dropped"), ("open", "Not sent yet")):
            answer = await web.post(url, {"status": status})
            assert answer.headers["location"] == f"/people/{alex.id}?plan={status}#plan"
            assert (await items_of(review, alex))[0].status == status
            page = await web.get(f"/people/{alex.id}/plan")
            assert f">{shown}<" in page.text.replace("\n", "").replace("  ", ""), status
        assert (await web.post(url, {"status": "deleted"})).status_code == 404


async def test_the_plan_is_sent_item_by_item_in_the_persons_language(
    review: ReviewHarness,
) -> None:
    sam = await review.staff(name="Sam Jones")
    alex = await review.person(sam, name="Alex Smith")
    woken: list[int] = []
    review.config.on_queued = lambda: woken.append(1)
    async with review.signed_in(sam) as web:
        await add_item(web, alex, what="Walk the dog", who="Alex", **NEXT_MONTH)
        await add_item(web, alex, what="Ask about the course", who="Alex and Sam")
        await add_item(web, alex, what="Already done")
        first, second, done = await items_of(review, alex)
        await web.post(f"/people/{alex.id}/plan/{done.id}/status", {"status": "done"})

        sent = await web.post(f"/people/{alex.id}/plan/send")
        assert sent.headers["location"] == f"/people/{alex.id}?plan=sent#plan"
        assert woken == [1]
        # One neutral line on the lock screen; the plan shows after "Show me".
        (row,) = await outbox(review)
        assert row.chat_id == alex.telegram_chat_id and row.service_user_id == alex.id
        assert row.payload["text"] == "You have something new in Tandem."
        assert row.payload["buttons"] == [[["Show me", f"s:{row.id}"]]]
        intro, one, two = behind(row)
        assert intro["text"].startswith("Here is the plan you made with Sam.")
        assert "buttons" not in intro
        assert one["text"] == "Walk the dog\n\nWho: Alex\nBy: 18 December 2026"
        assert one["buttons"] == [
            [["Yes, I agree", f"pl:{first.id}:1:a"]],
            [["I'd change something", f"pl:{first.id}:1:c"]],
            [["Let's talk about it next time", f"pl:{first.id}:1:t"]],
        ]
        assert two["text"] == "Ask about the course\n\nWho: Alex and Sam"
        for row in (*one["buttons"], *two["buttons"]):
            assert callbacks.parse(row[0][1]) is not None
        for item in (await items_of(review, alex))[:2]:
            assert item.sent_at == review.clock() and item.sent_revision == 1

        page = await web.get(f"/people/{alex.id}/plan?plan=sent")
        assert "The plan was sent to Alex on Telegram" in page.text
        assert page.text.count("Sent, waiting for reply") == 2
        assert "Send the plan to Alex" not in page.text

        # Nothing new: nothing goes out.
        again = await web.post(f"/people/{alex.id}/plan/send")
        assert again.headers["location"].endswith("plan=nothing_to_send#plan")
        assert len(await outbox(review)) == 1

        # A changed item goes again, alone, with its new revision on its buttons.
        await web.post(
            f"/people/{alex.id}/plan/{second.id}/edit",
            {"what": "Ask about the cooking course", "who": "Alex"},
        )
        await web.post(f"/people/{alex.id}/plan/send")
        rows = await outbox(review)
        assert len(rows) == 2
        assert behind(rows[1])[1]["buttons"][0][0][1] == f"pl:{second.id}:2:a"
    assert (await audit_actions(review)).count("send_plan") == 2

    async with review.db.transaction() as session:
        person = await session.get(ServiceUser, alex.id)
        assert person is not None
        person.language = "cy"
        session.add(person)
    async with review.signed_in(sam) as web:
        await add_item(web, alex, what="Mynd i'r caffi", **NEXT_MONTH)
        await web.post(f"/people/{alex.id}/plan/send")
    notice = (await outbox(review))[-1]
    assert notice.payload["text"] == "Mae gennych chi rywbeth newydd yn Tandem."
    assert notice.payload["buttons"][0][0][0] == "Dangos i mi"
    welsh = behind(notice)
    assert welsh[0]["text"].startswith("Dyma'r cynllun a wnaethoch chi gyda Sam.")
    assert welsh[1]["text"] == "Mynd i'r caffi\n\nPwy: Alex\nErbyn: 18 Rhagfyr 2026"
    assert [row[0][0] for row in welsh[1]["buttons"]] == [
        "Ydw, rydw i'n cytuno",
        "Hoffwn i newid rhywbeth",
        "Gadewch i ni siarad amdano y tro nesaf",
    ]


async def test_nothing_is_sent_to_someone_who_has_not_joined(review: ReviewHarness) -> None:
    sam = await review.staff()
    kim = await review.person(sam, name="Kim Lee", joined=False)
    woken: list[int] = []
    review.config.on_queued = lambda: woken.append(1)
    async with review.signed_in(sam) as web:
        await add_item(web, kim)
        page = await web.get(f"/people/{kim.id}/plan")
        assert "Kim has not joined Tandem on Telegram yet" in page.text
        assert "Send the plan to Kim" not in page.text
        refused = await web.post(f"/people/{kim.id}/plan/send", {"back": "plan"})
        assert refused.headers["location"] == f"/people/{kim.id}/plan?plan=not_joined#plan"
        shown = await web.get(refused.headers["location"])
        assert "The plan was not sent. Kim has not joined Tandem on Telegram yet" in shown.text
    assert await outbox(review) == [] and woken == []
    (item,) = await items_of(review, kim)
    assert item.sent_at is None


async def test_every_plan_route_is_closed_to_staff_who_may_not_see_the_person(
    review: ReviewHarness,
) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    ids = await answer_ids(review, await review.conversation(alex, "good_day_bad_day", GOOD_DAY))
    async with review.signed_in(sam) as web:
        await add_item(web, alex)
    (item,) = await items_of(review, alex)
    outsiders = [
        await review.staff("case_manager"),
        await review.staff("case_manager", org="Women's Centre"),
        await review.staff("senior", org="Women's Centre"),
        await review.staff("admin"),
    ]
    p = alex.id
    gets = [
        f"/people/{p}/plan",
        f"/people/{p}/plan/new",
        f"/people/{p}/plan/new?answer={ids['good_day']}",
        f"/people/{p}/plan/{item.id}/edit",
    ]
    posts: list[tuple[str, dict[str, Any]]] = [
        (f"/people/{p}/plan", {"what": "x", "who": "y", "answer": str(ids["good_day"])}),
        (f"/people/{p}/plan/{item.id}/edit", {"what": "x", "who": "y"}),
        (f"/people/{p}/plan/{item.id}/status", {"status": "dropped"}),
        (f"/people/{p}/plan/send", {}),
    ]
    for staff in outsiders:
        async with review.signed_in(staff) as web:
            for url in gets:
                assert (await web.get(url)).status_code == 404, (staff.role, url)
            for url, data in posts:
                assert (await web.post(url, data)).status_code == 404, (staff.role, url)
    (untouched,) = await items_of(review, alex)
    assert (untouched.what, untouched.status, untouched.sent_at) == (item.what, "open", None)
    assert await outbox(review) == []

    # A senior of the same organisation may; an item of another person is not reachable
    # through this person's address.
    senior = await review.staff("senior")
    bo = await review.person(sam)
    async with review.signed_in(senior) as web:
        assert (await web.get(f"/people/{p}/plan")).status_code == 200
        assert (await web.get(f"/people/{bo.id}/plan/{item.id}/edit")).status_code == 404
        wrong = await web.post(f"/people/{bo.id}/plan/{item.id}/status", {"status": "done"})
        assert wrong.status_code == 404


async def test_plan_forms_need_the_session_token(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam)
    async with review.signed_in(sam) as web:
        await add_item(web, alex)
        (item,) = await items_of(review, alex)
        for url, data in (
            (f"/people/{alex.id}/plan", {"what": "x", "who": "y"}),
            (f"/people/{alex.id}/plan/{item.id}/edit", {"what": "x", "who": "y"}),
            (f"/people/{alex.id}/plan/{item.id}/status", {"status": "done"}),
            (f"/people/{alex.id}/plan/send", {}),
        ):
            refused = await web.client.post(url, data={"csrf_token": "forged", **data})
            assert refused.status_code == 400, url
            assert (await web.client.post(url, data=data)).status_code == 400, url
        page = await web.get(f"/people/{alex.id}/plan")
        assert page.text.count('name="csrf_token"') >= 4  # sign out, done, drop, send
    (same,) = await items_of(review, alex)
    assert (same.what, same.status, same.sent_at) == (item.what, "open", None)
    assert await outbox(review) == []


async def test_what_people_typed_is_escaped_in_the_plan(review: ReviewHarness) -> None:
    sam = await review.staff()
    alex = await review.person(sam, name="Alex <b>Smith</b>")
    payload = '<img src=x onerror="alert(1)">'
    conv = await review.conversation(alex, "good_day_bad_day", {"good_day": payload})
    ids = await answer_ids(review, conv)
    async with review.signed_in(sam) as web:
        form = await web.get(f"/people/{alex.id}/plan/new?answer={ids['good_day']}")
        assert payload not in form.text and str(escape(payload)) in form.text
        await add_item(web, alex, what=payload, who=payload, answer=str(ids["good_day"]))
        async with review.db.transaction() as session:
            item = (await session.exec(select(PlanItem))).one()
            item.response, item.response_text, item.sent_at = "change", payload, review.clock()
            item.sent_revision = 1
            session.add(item)
        page = await web.get(f"/people/{alex.id}/plan")
        assert payload not in page.text
        assert page.text.count(str(escape(payload))) >= 3  # what, who, their words (+ source)
        assert "<b>Smith</b>" not in page.text
        assert "Wants to change it" in page.text


def test_the_plan_section_fits_in_the_persons_page() -> None:
    """As the person's page includes it: only `person`, `plan_items` and `csrf_token`."""
    from bot.review.web import TEMPLATES

    person = ServiceUser(id=7, organisation_id=1, name="Alex Smith", telegram_chat_id=5)
    item = PlanItem(id=3, service_user_id=7, what="Walk the dog", who="Alex", created_by=1)
    section = TEMPLATES.env.get_template("_plan.html").render(
        person=person, plan_items=[item], csrf_token="tok"
    )
    assert '<h2 class="govuk-heading-l" id="plan-heading">Plan</h2>' in section
    assert '<h3 class="govuk-summary-card__title">Plan item 1</h3>' in section
    assert 'href="/people/7/plan/3/edit"' in section
    assert 'href="/people/7/plan/new"' in section
    assert 'name="back" value="person"' in section and 'value="tok"' in section
    # Not agreed to the first message yet: nothing can be sent.
    assert "Alex has not joined Tandem on Telegram yet" in section
    empty = TEMPLATES.env.get_template("_plan.html").render(
        person=person, plan_items=[], csrf_token="tok"
    )
    assert "There is nothing in the plan yet" in empty
