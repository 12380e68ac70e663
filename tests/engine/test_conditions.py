"""Conditions: `when:` (a step passed over) and `next:` with `if:` — evaluated by our own code,
described in plain words, checked against the questions they test."""

from __future__ import annotations

import pytest

from bot.engine import END, Script
from bot.engine.conditions import (
    AllOf,
    Always,
    Answered,
    AnswerEquals,
    AnswerLessThan,
    AnswerMoreThan,
    AnswerOneOf,
    AnyOf,
    Not,
    Skipped,
)
from tests.engine.helpers import Chat, compile_ok, make, problems

SCRIPT = """
steps:
  - id: feeling
    ask: How are you?
    choices:
      - label: Good
      - label: Struggling
      - label: Not sure
  - id: sorry
    when: {answer: feeling, is: struggling}
    say: Thank you for telling me.
  - id: score
    ask: How was your week, 1 to 10?
    answer: scale
    skip: true
    rather_not_say: true
    next:
      - if: {answer: score, less_than: 4}
        goto: low
      - if:
          all:
            - {answer: score, more_than: 7}
            - not: {answer: feeling, is: struggling}
        goto: high
      - goto: middle
  - id: low
    say: That sounds hard.
    next: areas
  - id: high
    say: Great.
    next: areas
  - id: middle
    say: OK.
  - id: areas
    ask: Help with what?
    answer: multi_choice
    choices:
      - label: Housing
      - label: Work
    none_of_these: Nothing
  - id: housing_q
    when: {answer: areas, is: housing}
    ask: Tell me about housing.
  - id: many
    when: {answer: areas, more_than: 1}
    say: Two things, then.
  - id: skipped_score
    when:
      any:
        - {answer: score, skipped: true}
        - {answer: score, answered: false}
    say: You can tell me your score later.
  - id: when_q
    ask: When?
    answer: date
  - id: early
    when: {answer: when_q, less_than: 2025-01-01}
    say: Last year.
  - id: last
    ask: Anything else?
    when: {answer: feeling, one_of: [good, Not sure]}
"""


@pytest.fixture(scope="module")
def script() -> Script:
    return compile_ok(SCRIPT)


def test_when_passes_a_step_over(script: Script) -> None:
    chat = Chat(script)
    chat.click("Good")
    assert [m.step_id for m in chat.last.messages] == ["score"]
    chat = Chat(script)
    chat.click("Struggling")
    assert [m.step_id for m in chat.last.messages] == ["sorry", "score"]


@pytest.mark.parametrize(
    ("feeling", "score", "said"),
    [
        ("Good", "2", "low"),
        ("Good", "9", "high"),
        ("Struggling", "9", "middle"),
        ("Good", "5", "middle"),
        ("Good", "Skip this one", "middle"),
    ],
)
def test_next_with_if_branches_in_order(
    script: Script, feeling: str, score: str, said: str
) -> None:
    chat = Chat(script)
    chat.click(feeling)
    chat.click(score)
    assert chat.last.messages[0].step_id == said


def test_conditions_on_ticks_counts_skips_and_dates(script: Script) -> None:
    chat = Chat(script)
    chat.click("Good")
    chat.click("I'd rather not say")
    chat.click("Housing")
    chat.click("Work")
    chat.click("Done")
    assert chat.state.step == "housing_q"  # `is` on ticks: includes
    chat.send("It's a worry")
    assert [m.step_id for m in chat.last.messages] == ["many", "skipped_score", "when_q"]
    chat.send("3/4/2024")
    assert [m.step_id for m in chat.last.messages] == ["early", "last"]


def test_passed_over_at_the_end(script: Script) -> None:
    chat = Chat(script)
    chat.click("Struggling")
    chat.click("5")
    chat.click("Nothing")
    chat.click("Done")
    chat.send("3/4/2025")
    assert chat.last.finished  # `last` is passed over: the conversation ends


def test_condition_objects() -> None:
    answers = {"a": "yes", "n": 5, "m": ["x", "y"], "s": None, "d": "2025-04-03", "t": "  Hello! "}
    assert AnswerEquals("a", "yes").holds(answers)
    assert not AnswerEquals("missing", "yes").holds(answers)
    assert not AnswerEquals("s", None).holds(answers)  # skipped equals nothing
    assert AnswerEquals("m", "y", many=True).holds(answers)
    assert AnswerEquals("t", "hello", fold=True).holds(answers)
    assert not AnswerEquals("n", True).holds(answers)
    assert AnswerOneOf("n", (4, 5)).holds(answers)
    assert AnswerLessThan("n", 6).holds(answers) and not AnswerLessThan("n", 5).holds(answers)
    assert AnswerMoreThan("m", 1, "count").holds(answers)
    assert AnswerLessThan("d", "2025-05-01", "date").holds(answers)
    assert not AnswerLessThan("a", 3).holds(answers)  # words are not numbers
    assert not AnswerMoreThan("s", 1).holds(answers)
    assert Answered("a").holds(answers) and not Answered("s").holds(answers)
    assert Answered("missing", yes=False).holds(answers)
    assert Skipped("s").holds(answers) and not Skipped("missing").holds(answers)
    assert AllOf((Answered("a"), Skipped("s"))).holds(answers)
    assert AnyOf((Answered("s"), Skipped("s"))).holds(answers)
    assert Not(Answered("s")).holds(answers)


def test_describe_and_refers_to(script: Script) -> None:
    score = script.step("score")
    words = [route.when.describe("en") for route in score.routes]
    assert words == [
        "score is less than 4",
        "score is more than 7 and (not (feeling is “Struggling”))",
        "otherwise",
    ]
    assert [route.when.refers_to() for route in score.routes] == [
        {"score"},
        {"score", "feeling"},
        set(),
    ]
    assert script.step("areas").when is None
    housing = script.step("housing_q").when
    assert housing is not None and housing.describe() == "areas includes “Housing”"
    early = script.step("early").when
    assert early is not None and early.describe() == "when_q is before 1 January 2025"
    assert early.describe("cy") == "when_q cyn 1 Ionawr 2025"
    last = script.step("last").when
    assert last is not None and last.describe() == "feeling is “Good” or “Not sure”"
    skipped = script.step("skipped_score").when
    assert skipped is not None
    assert skipped.describe() == "score was skipped or score is not answered"
    assert Always().describe("cy") == "fel arall"
    assert AnswerMoreThan("m", 1, "count").describe() == "m has more than 1"


def test_choice_labels_become_values(script: Script) -> None:
    last = script.step("last").when
    assert last == AnswerOneOf("last", ("good", "not_sure")) or isinstance(last, AnswerOneOf)
    assert isinstance(last, AnswerOneOf) and last.values == ("good", "not_sure")


def test_routes_keep_per_choice_next_first() -> None:
    script = compile_ok("""
    steps:
      - id: q
        ask: Go?
        choices:
          - label: Stop
            next: end
          - label: Go
        next:
          - if: {answer: q, is: go}
            goto: b
      - id: a
        say: A
      - id: b
        say: B
    """)
    q = script.step("q")
    assert [r.target for r in q.routes] == [END, "b", "a"]
    assert script.next_step("q", {"q": "go"}) == "b"


def test_condition_errors_are_located_with_did_you_mean() -> None:
    text = make("""
    steps:
      - id: feeling
        ask: How are you?
        choices:
          - label: Good
          - label: Struggling
      - id: a
        when: {answer: feelin, is: good}
        say: A
      - id: b
        when: {answer: feeling, is: strugling}
        say: B
      - id: c
        when: {answer: feeling, less_than: 3}
        say: C
      - id: d
        when: {answer: feeling, is: good, answered: true}
        say: D
      - id: e
        when: {answer: e, answered: true}
        ask: E?
      - id: f
        when: {answer: a, answered: true}
        say: F
      - id: g
        when: {answer: feeling}
        say: G
    """)
    assert problems(text) == [
        "t.yaml:11:20: there is no question `feelin` — did you mean `feeling`?",
        "t.yaml:14:33: `strugling` is not one of this question's choices — did you mean `struggling`?",
        "t.yaml:17:40: `less_than` works on numbers, scales, dates, ticks and lists, not on choices",
        "t.yaml:20:39: one condition tests one thing: to test `is` and `answered` together, "
        "write two conditions under `all:`",
        "t.yaml:23:20: `when:` decides whether `e` is asked, so it can't test `e`'s own answer; "
        "test an earlier question",
        "t.yaml:26:20: `a` is a message, not a question, so it has no answer to test",
        "t.yaml:29:11: this condition names the answer (`feeling`) but not what to test; add "
        "`is:`, `one_of:`, `less_than:`, `more_than:`, `answered: true` or `skipped: true`",
    ]


def test_condition_shape_errors() -> None:
    text = make("""
    steps:
      - id: q
        ask: Q?
        answer: number
      - id: a
        when: {anser: q, is: 3}
        say: A
      - id: b
        when: {answer: q, is: [1, 2]}
        say: B
      - id: c
        when: {answer: q, iss: 3}
        say: C
    """)
    assert problems(text) == [
        "t.yaml:9:11: a condition starts with `answer:` (the question it tests), or is `all:`, "
        "`any:` or `not:` (did you mean `answer`?), like `{answer: feeling, is: struggling}`",
        "t.yaml:12:27: `is` takes one value; to test several, write `one_of: [a, b]`",
        "t.yaml:15:23: unknown key `iss` — did you mean `is`?",
    ]


def test_next_branch_errors() -> None:
    text = make("""
    steps:
      - id: q
        ask: Q?
        answer: number
        next:
          - goto: a
          - if: {answer: q, more_than: lots}
            goto: b
      - id: a
        say: A
    """)
    assert problems(text) == [
        "t.yaml:9:9: a `goto` without `if` is where everyone else goes, so it must be the last "
        "line; the lines below it are never used",
        "t.yaml:10:36: `lots` is not a number",
        "t.yaml:11:15: there is no step `b` to go to; the step ids are: q, a",
    ]


def test_condition_values_by_kind() -> None:
    text = make("""
    steps:
      - id: y
        ask: OK?
        answer: yes_no
      - id: d
        ask: When?
        answer: date
      - id: s
        ask: Score?
        answer: scale
      - id: m
        ask: Voice?
        answer: media
      - id: t
        ask: Words?
      - id: a
        when:
          all:
            - {answer: y, is: maybe}
            - {answer: d, less_than: 3 April}
            - {answer: s, is: 12}
            - {answer: m, is: x}
            - {answer: t, more_than: 3}
        say: A
    """)
    assert problems(text) == [
        "t.yaml:22:27: `maybe` is not an answer to a yes/no question; write yes or no",
        "t.yaml:23:34: `3 April` is not a date with a year; write it like 2025-04-03 or 3/4/2025",
        "t.yaml:24:27: the scale goes from 1 to 10, so it is never 12",
        "t.yaml:25:27: on a voice note or photo question, conditions can only test `answered` "
        "or `skipped`",
        "t.yaml:26:34: `more_than` works on numbers, scales, dates, ticks and lists, not on typed "
        "answers",
    ]


def test_yes_no_and_typed_words_in_conditions() -> None:
    script = compile_ok("""
    steps:
      - id: y
        ask: OK?
        answer: yes_no
      - id: t
        ask: Say a word
        when: {answer: y, is: yes}
      - id: z
        when: {answer: t, is: Hello}
        say: Hi back.
      - id: end_q
        ask: Bye?
    """)
    chat = Chat(script)
    chat.click("Yes")
    chat.send("  hello! ")
    assert [m.step_id for m in chat.last.messages] == ["z", "end_q"]
    chat = Chat(script)
    chat.click("No")
    assert chat.state.step == "end_q"
