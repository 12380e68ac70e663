"""Check your answers: the summary, changing an answer (and coming back), the sharing choice."""

from __future__ import annotations

import pytest

from bot.engine import Back, ButtonInput, Problem, Script, TextInput
from bot.engine.texts import MESSAGE_LIMIT, telegram_length
from tests.engine.helpers import Chat, compile_ok, make, problems

SCRIPT = """
steps:
  - id: name
    ask: What should I call you?
    short: Your name
  - id: working
    ask: Are you working?
    answer: yes_no
    next:
      - if: {answer: working, is: yes}
        goto: job
      - goto: plans
  - id: job
    ask: What is your job?
    next: plans
  - id: plans
    ask: What are your plans?
    skip: true
  - id: check
    check_answers: true
  - id: bye
    say: Thank you, {name}.
    end: true
"""


@pytest.fixture()
def chat() -> Chat:
    chat = Chat(compile_ok(SCRIPT))
    chat.send("Sam")
    chat.click("Yes")
    chat.send("Builder")
    chat.click("Skip this one")
    return chat


def test_summary_then_the_sharing_choice(chat: Chat) -> None:
    assert chat.state.step == "check"
    summary, question = chat.last.messages
    assert summary.text == (
        "Here are your answers.\n\n"
        "Your name: Sam\n"
        "Are you working?: Yes\n"
        "What is your job?: Builder\n\n"
        "Skipped: What are your plans?"
    )
    assert summary.buttons == ()
    assert question.text.startswith("Would you like to share these answers")
    assert chat.labels == [
        "Change an answer",
        "Share with my probation officer",
        "Keep it to myself for now",
        "Back",
    ]
    assert all(len(b.token) <= 8 for row in question.buttons for b in row)


def test_sharing_finishes_with_shared_true(chat: Chat) -> None:
    outcome = chat.click("Share with my probation officer")
    assert outcome.finished and outcome.shared is True
    assert [m.text for m in outcome.messages] == ["Thank you, Sam."]
    assert chat.state.shared is True
    assert chat.state.to_json()["shared"] is True
    again = chat.send("hello")
    assert again.finished and again.shared is True


def test_keeping_it_private_finishes_with_shared_false(chat: Chat) -> None:
    outcome = chat.click("Keep it to myself for now")
    assert outcome.finished and outcome.shared is False
    assert chat.state.shared is False


def test_typing_at_the_summary_asks_for_a_button(chat: Chat) -> None:
    outcome = chat.input(TextInput("share"))
    assert outcome.problem is Problem.NEED_CHOICE
    assert chat.input(ButtonInput(chat.state.turn, "zz")).problem is Problem.INVALID_BUTTON


def test_change_an_answer_and_come_back(chat: Chat) -> None:
    chat.click("Change an answer")
    assert chat.question.text == "Which answer would you like to change?"
    # `short` names a question; without it, the start of the question.
    assert chat.labels == [
        "Your name",
        "Are you working?",
        "What is your job?",
        "What are your plans?",
        "Back to my answers",
    ]
    chat.click("What are your plans?")
    assert chat.question.text == "What are your plans?\n\nYou skipped this one."
    chat.send("Get a van")
    # Straight back to the summary, with the new answer.
    assert chat.state.step == "check"
    assert "What are your plans?: Get a van" in chat.texts[0]
    chat.click("Share with my probation officer")
    assert chat.db == {"name": "Sam", "working": True, "job": "Builder", "plans": "Get a van"}


def test_change_that_changes_the_path(chat: Chat) -> None:
    chat.click("Change an answer")
    chat.click("Are you working?")
    assert chat.question.text == "Are you working?\n\nYou said: Yes"
    outcome = chat.click("No")
    # The path no longer goes through `job`: it is dropped; `plans` is kept.
    assert outcome.dropped == ("job",)
    assert chat.state.step == "check"
    assert "What is your job?" not in chat.texts[0]
    assert chat.db == {"name": "Sam", "working": False, "plans": None}
    chat.click("Change an answer")
    chat.click("Are you working?")
    chat.click("Yes")
    # A new question on the changed path is asked, then back to the summary.
    assert chat.state.step == "job"
    assert chat.question.text == "What is your job?"
    chat.send("Painter")
    assert chat.state.step == "check"
    assert "What is your job?: Painter" in chat.texts[0]


def test_keep_my_answer_returns_to_the_summary(chat: Chat) -> None:
    chat.click("Change an answer")
    chat.click("Your name")
    chat.click("Keep my answer")
    assert chat.state.step == "check"
    assert chat.state.answers["name"] == "Sam"


def test_back_from_the_change_list_and_the_summary(chat: Chat) -> None:
    chat.click("Change an answer")
    chat.click("Back to my answers")
    assert chat.texts[0].startswith("Here are your answers.")
    chat.click("Change an answer")
    chat.input(Back())  # the /back command
    assert chat.texts[0].startswith("Here are your answers.")
    chat.click("Back")
    assert chat.state.step == "plans"
    chat.send("Rest")
    assert chat.state.step == "check"


def test_stale_change_buttons(chat: Chat) -> None:
    turn = chat.state.turn
    chat.click("Change an answer")
    assert chat.input(ButtonInput(turn, "sh")).problem is Problem.STALE_BUTTON
    for token in ("c9", "c", "c01", "sh"):
        outcome = chat.input(ButtonInput(chat.state.turn, token))
        assert outcome.problem is Problem.INVALID_BUTTON


def test_long_summary_is_split_to_fit_telegram() -> None:
    steps = "\n".join(f"  - id: q{n}\n    ask: Question number {n}?" for n in range(12))
    script = compile_ok(f"steps:\n{steps}\n  - id: check\n    check_answers: true\n")
    chat = Chat(script)
    for _ in range(12):
        chat.send("word " * 790)
    assert chat.state.step == "check"
    assert len(chat.last.messages) > 3
    for message in chat.last.messages:
        assert telegram_length(message.text) <= MESSAGE_LIMIT
    assert chat.last.messages[-1].buttons


def test_many_answers_fit_under_one_message() -> None:
    steps = "\n".join(f"  - id: q{n}\n    ask: Q{n}?" for n in range(120))
    script = compile_ok(f"steps:\n{steps}\n  - id: check\n    check_answers: true\n")
    chat = Chat(script)
    for _ in range(120):
        chat.send("x")
    chat.click("Change an answer")
    assert sum(len(row) for row in chat.question.buttons) <= 100


def test_nothing_answered() -> None:
    script = compile_ok("""
    steps:
      - id: q
        ask: Q?
        when: {answer: q2, answered: true}
      - id: q2
        ask: Q2?
        when: {answer: q, answered: true}
      - id: check
        check_answers: true
    """)
    chat = Chat(script)
    assert chat.texts[0] == "You have not answered any questions."
    assert chat.labels == ["Share with my probation officer", "Keep it to myself for now"]


def test_script_words_for_the_check_step() -> None:
    script = compile_ok("""
    steps:
      - id: q
        ask: Q?
      - id: check
        check_answers: true
        ask: Can Jo see these?
        share_button: Yes, Jo can see them
        keep_button: Not yet
    """)
    chat = Chat(script)
    chat.send("a")
    assert chat.question.text == "Can Jo see these?"
    assert chat.labels == ["Change an answer", "Yes, Jo can see them", "Not yet", "Back"]


def test_without_a_check_step_nobody_was_asked() -> None:
    script = compile_ok("""
    steps:
      - id: q
        ask: Q?
    """)
    assert not script.asks_to_share
    outcome = Chat(script).send("a")
    assert outcome.finished and outcome.shared is None


def test_share_always() -> None:
    script = compile_ok("""
    share: always
    steps:
      - id: q
        ask: Q?
    """)
    assert script.share_always and not script.asks_to_share
    assert Chat(script).send("a").shared is True


def test_check_step_errors() -> None:
    text = make("""
    share: always
    steps:
      - id: q
        ask: Q?
      - id: check
        check_answers: false
      - id: again
        check_answers: true
      - id: more
        ask: More?
    """)
    assert problems(text) == [
        "t.yaml:4:8: `share: always` means nobody is asked, but this script has a "
        "`check_answers` step that asks; remove one of them",
        "t.yaml:8:9: only messages can come after the check-your-answers step (answers are "
        "shared there), but `again` can come after it; move `again` above `check`, or finish "
        "with `end: true`",
        "t.yaml:9:20: `check_answers: false` does nothing; write `true`, or remove the step",
        "t.yaml:10:9: only messages can come after the check-your-answers step (answers are "
        "shared there), but `more` can come after it; move `more` above `again`, or finish "
        "with `end: true`",
        "t.yaml:11:5: a script can have one check-your-answers step; remove this one",
    ]


def test_script_describes_its_check_step(chat: Chat) -> None:
    script: Script = chat.script
    assert script.check_step == "check" and script.asks_to_share
    step = script.step("check")
    assert step.waits and not step.is_question and step.check is not None


def test_a_way_round_the_check_step_is_warned_about() -> None:
    script = compile_ok("""
    steps:
      - id: go
        ask: Go on?
        choices:
          - label: Yes
          - label: No
            next: end
      - id: check
        check_answers: true
    """)
    assert [str(w) for w in script.warnings] == [
        "t.yaml:11:9: warning: some ways through this conversation finish without reaching "
        "`check`, so those people are never asked whether to share their answers; point "
        "`next: end` at `check` instead"
    ]
    assert Chat(script).click("No").shared is None
