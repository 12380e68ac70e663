"""The made-up data the demo, the tests and the benchmark stand on: answers along a real path
through each script, and a filled database the review app can read."""

from __future__ import annotations

import random

import pytest
from sqlmodel import col, func, select

from bot.engine import END, AnswerValue, Script
from bot.engine.kinds import ChoiceKind, ListKind, MultiChoiceKind
from bot.review import auth
from bot.sample_data import SAMPLES, add_caseload, add_history, populate, sample_answers
from bot.scheduling import escalation
from storage import due
from storage.models import Answer, Conversation, Flag, FlagMessage, ServiceUser, Staff
from tests.support.review import PASSWORD, ReviewHarness, catalogue


def _path(script: Script, answers: dict[str, AnswerValue]) -> list[str]:
    """The questions a person with these answers is asked, in order (as the runner walks)."""
    asked: list[str] = []
    step_id = script.first_step
    while step_id != END:
        step = script.step(step_id)
        if step.when is not None and not step.when.holds(answers):
            step_id = step.below
            continue
        if step.check is not None:
            break  # only messages come after it
        if step.is_question:
            asked.append(step_id)
        step_id = script.next_step(step_id, answers)
    return asked


def _valid(script: Script, step_id: str, value: AnswerValue) -> bool:
    step = script.step(step_id)
    kind = step.kind
    if value is None:
        return step.skip or step.rather_not_say
    if isinstance(kind, ChoiceKind):
        return value in {o.value for o in kind.options}
    if isinstance(kind, MultiChoiceKind):
        allowed = {o.value for o in kind.options} | {"none"}
        return isinstance(value, list) and bool(value) and set(value) <= allowed  # type: ignore[arg-type]
    if isinstance(kind, ListKind):
        ids = {q.id for q in kind.questions}
        return isinstance(value, list) and all(
            isinstance(item, dict) and set(item) <= ids for item in value
        )
    return True


def test_there_are_answers_for_every_shipped_tool() -> None:
    assert set(SAMPLES) == {script.id for script in catalogue().tools()}


@pytest.mark.parametrize("tool", sorted(SAMPLES))
def test_answers_follow_a_real_path_through_the_script(tool: str) -> None:
    script = catalogue().get(tool)
    assert script is not None
    rng = random.Random(7)
    for _ in range(300):
        answers = sample_answers(tool, rng)
        assert list(answers) == _path(script, answers), answers
        for step_id, value in answers.items():
            assert _valid(script, step_id, value), (step_id, value)
            assert script.step(step_id).kind is not None
            script.step(step_id).kind.show(value, "en")  # type: ignore[union-attr]


def test_answers_vary() -> None:
    rng = random.Random(3)
    feelings = {sample_answers("check_in", rng)["feeling"] for _ in range(200)}
    assert {"very_well", "well", "ok", "not_great", "struggling", None} <= feelings
    words = {sample_answers("good_day_bad_day", rng)["good_day"] for _ in range(100)}
    assert len(words) >= 5


async def test_populate_fills_a_database_the_review_app_reads(review: ReviewHarness) -> None:
    done = await populate(
        review.db,
        catalogue(),
        people=40,
        conversations_per_person=4,
        caseload=15,
        password_hash=auth.hash_password(PASSWORD),
        now=review.clock(),
    )
    assert len(done.people) == 40 and len(done.organisations) == 3
    assert sum(len(people) for people in done.caseloads.values()) == 40
    async with review.db.transaction() as session:
        conversations = (await session.exec(select(func.count()).select_from(Conversation))).one()
        answers = (await session.exec(select(func.count()).select_from(Answer))).one()
        manager = await session.get(Staff, done.case_managers[0])
    assert conversations == done.conversations > 0 and answers == done.answers > conversations
    assert manager is not None

    # Ids were handed out in bulk: new rows still get fresh ones (PostgreSQL's sequences).
    extra = await review.person(manager, name="Added Later")
    assert extra.id is not None and extra.id > max(done.people)
    written = await add_history(review.db, catalogue(), extra.id, conversations=12)
    async with review.db.transaction() as session:
        mine = (
            await session.exec(
                select(func.count())
                .select_from(Conversation)
                .where(Conversation.service_user_id == extra.id)
            )
        ).one()
        person = await session.get(ServiceUser, extra.id)
    assert mine == 12 and written > 12 and person is not None
    await review.conversation(extra, "check_in", {"feeling": "well"})

    async with review.signed_in(manager) as web:
        page = await web.get("/")
    assert page.status_code == 200
    assert page.text.count('<tr class="govuk-table__row">') == len(done.caseloads[manager.id]) + 2


async def test_the_demo_caseload_shows_what_staff_see_of_a_crisis(review: ReviewHarness) -> None:
    sam = await review.staff(name="Sam Patel")
    jo = await review.staff("senior", name="Jo Williams")
    people = await add_caseload(
        review.db,
        catalogue(),
        organisation_id=sam.organisation_id,
        case_manager_id=sam.id or 0,
        people=5,
        conversations_per_person=2,
        now=review.clock(),
    )
    ok_person, harmed_person = people[2], people[3]
    async with review.db.transaction() as session:
        flags = list((await session.exec(select(Flag).order_by(col(Flag.id)))).all())
        added = list((await session.exec(select(FlagMessage))).all())
        jobs = await due.pending(session, kind=escalation.ESCALATION)
    # (Their made-up months may have given them older flags too.)
    [ok] = [f for f in flags if f.service_user_id == ok_person and f.person_choice == "ok"]
    [harmed] = [f for f in flags if f.service_user_id == harmed_person and f.contact]
    assert ok.resolved_at is None and harmed.category == "being_harmed"
    # Three days ago: four office hours have passed whatever the day (2026-11-20 is a Friday).
    assert ok.escalated_at is not None and ok.escalate_at == ok.escalated_at
    assert {m.kind for m in added if m.flag_id == ok.id} == {"repeat", "after"}
    assert harmed.contact == "times" and harmed.escalated_at is None
    # The flag still to go up has its job, as `flag_raised` would have scheduled it.
    assert [(j.ref_id, j.due_at) for j in jobs] == [(harmed.id, harmed.escalate_at)]

    async with review.signed_in(sam) as web:
        page = (await web.get(f"/people/{ok_person}")).text
        assert "They said they were OK" in page and "Another worrying message" in page
        assert "This flag stays open until someone deals with it." in page
        page = (await web.get(f"/people/{harmed_person}")).text
        assert 'Only call at: <span class="tandem-quote">weekday mornings when he&#39;s at' in page
    async with review.signed_in(jo) as web:
        page = (await web.get("/")).text
    assert "Flags sent to seniors" in page
