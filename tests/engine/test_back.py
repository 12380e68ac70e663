"""Back: re-ask the previous question, mention the old answer, and drop the answers of a path
that is no longer taken."""

from __future__ import annotations

from bot.engine import Back, ButtonInput, Problem, Script
from tests.engine.helpers import Chat, compile_ok

BRANCHY = """
steps:
  - id: intro
    say: Hi.
  - id: name
    ask: Your name?
  - id: working
    ask: Are you working?
    answer: yes_no
    next:
      - if: {answer: working, is: yes}
        goto: job
      - goto: looking
  - id: job
    ask: What is your job?
    next: hours
  - id: looking
    ask: What work would you like?
    skip: true
  - id: hours
    ask: How many hours a week?
    answer: number
    skip: true
    rather_not_say: true
  - id: last
    ask: Anything else?
"""


def _script() -> Script:
    return compile_ok(BRANCHY)


def test_back_button_on_every_question_after_the_first() -> None:
    chat = Chat(_script())
    assert chat.labels == []  # the first question has no Back
    chat.send("Sam")
    assert chat.labels == ["Yes", "No", "Back"]
    assert chat.question.buttons[-1][0].token == "b"


def test_back_re_asks_with_the_old_answer_and_a_keep_button() -> None:
    chat = Chat(_script())
    chat.send("Sam")
    turn = chat.state.turn
    outcome = chat.click("Back")
    assert outcome.problem is None and outcome.answers == ()
    assert chat.state.step == "name"
    assert chat.state.turn == turn + 1  # the old buttons are stale now
    assert chat.question.text == "Your name?\n\nYou said: Sam"
    assert chat.labels == ["Keep my answer"]
    assert chat.input(ButtonInput(turn, "y")).problem is Problem.STALE_BUTTON
    answer = chat.click("Keep my answer").answers[0]
    assert answer.value == "Sam"
    assert chat.state.step == "working"


def test_back_by_command_and_nothing_before_the_first_question() -> None:
    chat = Chat(_script())
    outcome = chat.input(Back())
    assert outcome.problem is Problem.NO_BACK
    assert outcome.state == chat.state
    assert [m.step_id for m in outcome.messages] == ["name"]
    chat.send("Sam")
    chat.input(Back())
    assert chat.state.step == "name"


def test_same_path_keeps_the_answers_ahead() -> None:
    chat = Chat(_script())
    chat.send("Sam")
    chat.click("Yes")
    chat.send("Builder")
    chat.click("Back")  # to job
    chat.click("Back")  # to working
    assert chat.state.step == "working"
    assert chat.question.text == "Are you working?\n\nYou said: Yes"
    assert chat.state.ahead == ("job", "hours")
    chat.click("Yes")
    assert chat.state.step == "job"
    assert chat.question.text == "What is your job?\n\nYou said: Builder"
    assert chat.last.dropped == ()
    chat.send("Plumber")
    assert chat.db == {"name": "Sam", "working": True, "job": "Plumber"}


def test_a_changed_path_drops_the_answers_of_the_old_one() -> None:
    chat = Chat(_script())
    chat.send("Sam")
    chat.click("Yes")
    chat.send("Builder")
    chat.send("40")
    chat.click("Back")  # to hours
    chat.click("Back")  # to job
    chat.click("Back")  # to working
    outcome = chat.click("No")
    # A new question first: the old path may still join again, so nothing is dropped yet.
    assert chat.state.step == "looking"
    assert outcome.dropped == ()
    outcome = chat.send("Anything outdoors")
    # Back on the old path at `hours`: `job` was on the path not taken.
    assert outcome.dropped == ("job",)
    assert chat.state.step == "hours"
    assert chat.question.text == "How many hours a week?\n\nYou said: 40"
    assert "job" not in chat.state.answers
    chat.click("Keep my answer")
    assert chat.db == {
        "name": "Sam",
        "working": False,
        "looking": "Anything outdoors",
        "hours": 40,
    }
    assert chat.state.path == ("name", "working", "looking", "hours")


def test_answers_still_ahead_at_the_end_are_dropped() -> None:
    script = compile_ok("""
    steps:
      - id: go
        ask: Go on?
        choices:
          - label: Yes
          - label: No
            next: end
      - id: more
        ask: More?
      - id: last
        ask: Last?
    """)
    chat = Chat(script)
    chat.click("Yes")
    chat.send("more")
    chat.click("Back")
    chat.click("Back")
    outcome = chat.click("No")
    assert outcome.finished
    assert outcome.dropped == ("more",)
    assert chat.db == {"go": "no"}
    assert chat.state.answers == {"go": "no"}


def test_back_remembers_skipped_and_rather_not_say() -> None:
    chat = Chat(_script())
    chat.send("Sam")
    chat.click("No")
    chat.click("Skip this one")
    chat.click("I'd rather not say")
    answer = chat.answers[-1]
    assert (answer.value, answer.skipped, answer.declined) == (None, True, True)
    assert answer.display == "I'd rather not say"
    chat.click("Back")
    assert chat.question.text == "How many hours a week?\n\nYou said you'd rather not say."
    assert "Keep my answer" not in chat.labels
    chat.click("Back")
    assert chat.question.text == "What work would you like?\n\nYou skipped this one."
    chat.send("Gardening")
    assert chat.state.declined == frozenset({"hours"})
    chat.send("20")
    assert chat.state.declined == frozenset()


def test_back_inside_a_list() -> None:
    script = compile_ok("""
    steps:
      - id: first
        ask: First?
      - id: people
        ask: Who supports you?
        answer: list
        questions:
          - id: name
            ask: Name?
          - id: how
            ask: How do they help?
      - id: last
        ask: Last?
    """)
    chat = Chat(script)
    chat.send("one")
    chat.send("Sam")
    chat.click("Back")  # inside the list: back to Name?
    assert chat.question.text == "Name?\n\nYou said: Sam"
    assert chat.labels == ["Keep my answer", "Back"]
    chat.click("Keep my answer")
    chat.send("Listens")
    assert chat.question.text == "• Sam — Listens\n\nIs there anyone else?"
    chat.click("Back")  # re-opens the last item at its last question
    assert chat.question.text == "How do they help?\n\nYou said: Listens"
    chat.send("Listens a lot")
    chat.click("Add another")
    chat.click("Back")  # from the first question of a new item: to "anyone else?"
    assert chat.question.text.endswith("Is there anyone else?")
    chat.click("That's everyone")
    assert chat.state.answers["people"] == [{"name": "Sam", "how": "Listens a lot"}]
    chat.click("Back")  # from `last` back to the list: its items, and anyone else?
    assert chat.texts == ["Who supports you?", "• Sam — Listens a lot\n\nIs there anyone else?"]
    chat.click("That's everyone")
    assert chat.state.step == "last"


def test_back_out_of_a_list_from_its_first_question() -> None:
    script = compile_ok("""
    steps:
      - id: first
        ask: First?
      - id: people
        ask: Who supports you?
        answer: list
        questions:
          - id: name
            ask: Name?
    """)
    chat = Chat(script)
    chat.send("one")
    chat.click("Back")
    assert chat.state.step == "first"
    assert chat.state.ahead == ("people",)


def test_back_on_a_multiple_choice_starts_from_the_old_ticks() -> None:
    script = compile_ok("""
    steps:
      - id: areas
        ask: Help with?
        answer: multi_choice
        choices:
          - label: Housing
          - label: Work
      - id: last
        ask: Last?
    """)
    chat = Chat(script)
    chat.click("Work")
    chat.click("Done")
    chat.click("Back")
    assert chat.labels == ["Housing", "✓ Work", "Done"]
    assert chat.question.text == "Help with?\n\nYou said: Work"
    chat.click("Done")
    assert chat.state.answers["areas"] == ["work"]


def test_pressed_names_the_button_for_the_callers_record() -> None:
    chat = Chat(_script())
    chat.send("Sam")
    assert chat.last.pressed is None  # typed
    assert chat.click("Yes").pressed == "Yes"
    assert chat.click("Back").pressed == "Back"
    script = compile_ok("""
    steps:
      - id: areas
        ask: Help with?
        answer: multi_choice
        choices:
          - label: Housing
          - label: Work
      - id: last
        ask: Last?
    """)
    chat = Chat(script)
    assert chat.click("Work").pressed is None  # a tick edits the message instead
    assert chat.click("Done").pressed == "Work"  # the ticked answers, not "Done"
    assert chat.input(ButtonInput(chat.state.turn, "zz")).pressed is None
