"""Running conversations: start/step through the shipped script and the awkward cases."""

from __future__ import annotations

import dataclasses
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.engine import (
    END,
    ButtonInput,
    ConversationState,
    EngineError,
    MediaInput,
    Problem,
    Resume,
    Script,
    StateError,
    TextInput,
    load_script,
    load_script_text,
    start,
    step,
)
from bot.engine.conditions import Always, Route
from bot.engine.flow import Flow
from bot.engine.texts import MESSAGE_LIMIT, telegram_length
from tests.engine.helpers import HEADER, Chat, compile_ok

GOOD = ["good_day", "good_where", "good_people", "good_why"]
HARD = ["bad_day", "bad_why", "what_helps", "more_good"]


def test_start_says_who_reads_and_that_you_can_skip(shipped: Script) -> None:
    chat = Chat(shipped)
    assert [m.step_id for m in chat.last.messages] == [
        "welcome",
        "who_reads",
        "your_pace",
        "good_day",
    ]
    assert "probation officer" in chat.texts[1]
    assert "skip" in chat.texts[2].lower()
    question = chat.question
    assert question.expects == "text"
    assert question.buttons == ((question.buttons[0][0],),)
    assert question.buttons[0][0].label == "Skip this one"
    assert chat.state.step == "good_day"
    assert chat.state.turn == 1
    assert chat.last.finished is False and chat.last.problem is None
    assert all(m.buttons == () and m.expects is None for m in chat.last.messages[:3])


def test_whole_script_yes_branch(shipped: Script) -> None:
    chat = Chat(shipped)
    for step_id in GOOD:
        assert chat.state.step == step_id
        chat.send(f"answer to {step_id}")
    # A thank-you message flows straight into the first hard-day question.
    assert [m.step_id for m in chat.last.messages] == ["good_why", "bad_day"]
    for step_id in HARD:
        assert chat.state.step == step_id
        chat.send(f"answer to {step_id}")
    assert chat.state.step == "want_help"
    assert chat.question.expects == "choice"
    assert [row[0].label for row in chat.question.buttons] == ["Yes", "Not now", "Back"]
    assert all(len(row) == 1 for row in chat.question.buttons)
    chat.click("Yes")
    assert chat.state.step == "help_with"
    chat.send("  Finding a job  ")
    # Check your answers: a summary, then the sharing choice.
    assert chat.state.step == "check"
    assert chat.texts[0].startswith("Here are your answers.")
    assert ": Finding a job" in chat.texts[0]
    chat.click("Share with my probation officer")
    assert chat.last.finished is True
    assert chat.last.shared is True
    assert chat.state.step == END
    assert [m.step_id for m in chat.last.messages] == ["thank_you"]
    assert chat.state.path == (*GOOD, *HARD, "want_help", "help_with")
    assert chat.state.answers["want_help"] == "yes"
    assert chat.state.answers["help_with"] == "Finding a job"
    assert [a.step_id for a in chat.answers] == list(chat.state.path)
    last = chat.answers[-1]
    assert last.question == "What would you like help with? A few words is fine."
    assert (last.value, last.display, last.skipped) == ("Finding a job", "Finding a job", False)
    choice = chat.answers[-2]
    assert (choice.value, choice.display) == ("yes", "Yes")
    assert chat.state.turn == len(chat.state.path) + 1  # and the check step


def test_whole_script_not_now_branch_skips_the_follow_up(shipped: Script) -> None:
    chat = Chat(shipped)
    for _ in GOOD + HARD:
        chat.click("Skip this one")
    chat.click("Not now")
    assert chat.state.step == "check"
    chat.click("Keep it to myself for now")
    assert chat.last.finished is True
    assert chat.last.shared is False
    assert [m.step_id for m in chat.last.messages] == ["thank_you"]
    assert "help_with" not in chat.state.answers
    assert chat.state.answers["want_help"] == "not_now"
    assert all(chat.state.answers[s] is None for s in GOOD + HARD)


def test_skip_with_the_button(shipped: Script) -> None:
    chat = Chat(shipped)
    outcome = chat.click("Skip this one")
    (answer,) = outcome.answers
    assert answer.step_id == "good_day"
    assert answer.skipped is True
    assert answer.value is None
    assert answer.display == "Skipped"
    assert chat.state.answers == {"good_day": None}
    assert chat.state.step == "good_where"


@pytest.mark.parametrize("typed", ["skip", "Skip this one", " SKIP! "])
def test_skip_by_typing(shipped: Script, typed: str) -> None:
    chat = Chat(shipped)
    assert chat.send(typed).answers[0].skipped is True


def test_typed_skip_is_an_answer_where_skip_is_not_offered() -> None:
    script = compile_ok("""
    steps:
      - id: q
        ask: Say a word
    """)
    chat = Chat(script)
    assert chat.question.buttons == ()
    assert chat.send("skip").answers[0].value == "skip"


def test_skip_button_refused_where_skip_is_not_offered() -> None:
    script = compile_ok("""
    steps:
      - id: q
        ask: Say a word
    """)
    chat = Chat(script)
    assert chat.input(ButtonInput(1, "s")).problem is Problem.INVALID_BUTTON


def test_stale_button_from_an_earlier_question(shipped: Script) -> None:
    chat = Chat(shipped)
    old_turn = chat.state.turn
    chat.send("a good day")
    before = chat.state
    outcome = chat.input(ButtonInput(old_turn, "s"))
    assert outcome.problem is Problem.STALE_BUTTON
    assert outcome.state == before
    assert outcome.answers == ()
    assert [m.step_id for m in outcome.messages] == ["good_where"]


@pytest.mark.parametrize("token", ["9", "-1", "00", "x", "", "0" * 70, "s1", "1.0"])
def test_forged_buttons(shipped: Script, token: str) -> None:
    chat = Chat(shipped)
    for _ in GOOD + HARD:
        chat.click("Skip this one")
    before = chat.state
    outcome = chat.input(ButtonInput(before.turn, token))
    assert outcome.problem is Problem.INVALID_BUTTON
    assert outcome.state == before
    assert [m.step_id for m in outcome.messages] == ["want_help"]


def test_choice_button_on_a_text_question_is_forged(shipped: Script) -> None:
    chat = Chat(shipped)
    assert chat.input(ButtonInput(1, "0")).problem is Problem.INVALID_BUTTON


TEXT_ONLY = """
steps:
  - id: good_day
    ask: Think of a good day. What do you do?
"""


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice"])
def test_media_where_text_is_expected(kind: str) -> None:
    script = compile_ok(TEXT_ONLY)
    chat = Chat(script)
    before = chat.state
    outcome = chat.input(MediaInput(kind, "file", "unique"))
    assert outcome.problem is Problem.NOT_TEXT
    assert outcome.state == before
    assert outcome.messages == script.prompts("good_day", "en")


@pytest.mark.parametrize("kind", ["sticker", "photo"])
def test_media_the_open_question_does_not_take(shipped: Script, kind: str) -> None:
    chat = Chat(shipped)
    before = chat.state
    outcome = chat.input(MediaInput(kind, "file", "unique"))
    assert outcome.problem is Problem.NEED_MEDIA
    assert outcome.state == before


def test_a_voice_note_answers_an_open_question(shipped: Script) -> None:
    chat = Chat(shipped)
    outcome = chat.input(MediaInput("voice", "file", "unique", 7))
    assert outcome.problem is None
    [answer] = outcome.answers
    assert answer.value == {
        "media": "voice",
        "file_id": "file",
        "file_unique_id": "unique",
        "duration": 7,
    }
    assert chat.state.step == "good_where"


def test_media_or_other_words_where_a_button_is_expected(shipped: Script) -> None:
    chat = Chat(shipped)
    for _ in GOOD + HARD:
        chat.click("Skip this one")
    assert chat.input(MediaInput("sticker")).problem is Problem.NEED_CHOICE
    assert chat.send("hmm, maybe").problem is Problem.NEED_CHOICE
    assert chat.state.step == "want_help"


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("yes", "yes"),
        ("  YES. ", "yes"),
        ("not now", "not_now"),
        ("Not now!", "not_now"),
        ("not_now", "not_now"),
    ],
)
def test_typing_a_choice_counts_as_choosing_it(shipped: Script, typed: str, value: str) -> None:
    chat = Chat(shipped)
    for _ in GOOD + HARD:
        chat.click("Skip this one")
    assert chat.send(typed).answers[0].value == value


def test_empty_too_long_and_too_short() -> None:
    script = compile_ok("""
    steps:
      - id: q
        ask: A few words?
        min_length: 3
        max_length: 10
    """)
    chat = Chat(script)
    for text, problem in [
        ("   ", Problem.EMPTY),
        ("ab", Problem.TOO_SHORT),
        ("x" * 11, Problem.TOO_LONG),
    ]:
        outcome = chat.send(text)
        assert outcome.problem is problem
        assert outcome.state == chat.state
        assert [m.text for m in outcome.messages] == ["A few words?"]
    assert chat.send("  just right ").answers[0].value == "just right"  # trimmed: 10


def test_default_max_length_is_4000(shipped: Script) -> None:
    chat = Chat(shipped)
    assert chat.send("x" * 4001).problem is Problem.TOO_LONG
    assert chat.send("x" * 4000).problem is None


def test_resume_shows_the_current_question_again(shipped: Script) -> None:
    chat = Chat(shipped)
    chat.send("a")
    before = chat.state
    outcome = chat.input(Resume())
    assert outcome.problem is None
    assert outcome.state == before
    assert [m.step_id for m in outcome.messages] == ["good_where"]
    # The buttons shown again carry the same turn, so they still work.
    assert chat.click("Skip this one").answers[0].step_id == "good_where"


def test_after_the_end(shipped: Script) -> None:
    chat = Chat(shipped)
    for _ in GOOD + HARD:
        chat.click("Skip this one")
    chat.click("Not now")
    last_turn = chat.state.turn
    chat.click("Keep it to myself for now")
    done = chat.state
    for given in (TextInput("hello?"), MediaInput("photo"), Resume()):
        outcome = chat.input(given)
        assert outcome.finished and outcome.problem is None
        assert outcome.messages == () and outcome.answers == ()
    # A double tap on the last question's button, and any older button, are stale.
    assert chat.input(ButtonInput(last_turn, "kp")).problem is Problem.STALE_BUTTON
    assert chat.input(ButtonInput(1, "s")).problem is Problem.STALE_BUTTON
    assert chat.state == done


def test_long_texts_are_split_at_paragraphs() -> None:
    paragraph = "This is a sentence. " * 60  # about 1200 characters
    body = "\n\n".join([paragraph.strip()] * 8)
    lines = "\n".join("      " + line if line else "" for line in body.split("\n"))
    text = (
        f"{HEADER}steps:\n  - id: long\n    say: |\n{lines}\n"
        f"  - id: q\n    ask: |\n{lines}\n    choices:\n      - label: OK\n      - label: No\n"
    )
    script = load_script_text(text, "t.yaml")
    outcome = start(script)
    says = [m for m in outcome.messages if m.step_id == "long"]
    asks = [m for m in outcome.messages if m.step_id == "q"]
    assert len(says) > 1 and len(asks) > 1
    for message in outcome.messages:
        assert telegram_length(message.text) <= MESSAGE_LIMIT
        assert message.text == message.text.strip()
        assert message.text.endswith(".")
    assert "\n\n".join(m.text for m in says) == body
    assert all(m.buttons == () and m.expects is None for m in asks[:-1])
    assert asks[-1].expects == "choice" and len(asks[-1].buttons) == 2


def test_state_json_round_trip(shipped: Script) -> None:
    chat = Chat(shipped)
    chat.send("sunny")
    chat.click("Skip this one")
    data = json.loads(json.dumps(chat.state.to_json()))
    assert data == {
        "format": 1,
        "step": "good_people",
        "answers": {"good_day": "sunny", "good_where": None},
        "path": ["good_day", "good_where"],
        "turn": 3,
        "lang": "en",
    }
    again = ConversationState.from_json(data)
    assert again == chat.state
    assert step(shipped, again, TextInput("my sister")).state.answers["good_people"] == "my sister"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"step": 3},
        {"step": "a", "answers": []},
        {"step": "a", "answers": {"a": object()}},
        {"step": "a", "path": "abc"},
        {"step": "a", "turn": -1},
        {"step": "a", "turn": True},
        {"step": "a", "format": 99},
    ],
)
def test_state_from_bad_json(data: dict[str, object]) -> None:
    with pytest.raises(StateError):
        ConversationState.from_json(data)


def test_state_is_not_changed_by_step(shipped: Script) -> None:
    state = start(shipped).state
    step(shipped, state, TextInput("x"))
    assert state.answers == {} and state.step == "good_day"
    with pytest.raises(TypeError):
        state.answers["x"] = "y"  # type: ignore[index]


def test_a_conversation_continues_on_its_old_version(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    old_text = """\
tool: t
title: T
about: A test.
steps:
  - id: first
    ask: First?
  - id: second
    ask: Second?
  - id: bye
    say: Bye
"""
    path.write_text(old_text, encoding="utf-8")
    old = load_script(path)
    state = step(old, start(old).state, TextInput("one")).state
    assert state.step == "second"
    # The caller stores the published version's source under its version, and the state.
    published = {old.version: old.source}
    stored_state, stored_version = state.to_json(), old.version

    path.write_text(old_text.replace("second", "another").replace("Second?", "Another?"), "utf-8")
    new = load_script(path)
    assert new.version != stored_version
    with pytest.raises(StateError):
        step(new, ConversationState.from_json(stored_state), TextInput("two"))

    # The conversation goes on with the version it started on, compiled from stored source.
    again = load_script_text(published[stored_version], "t.yaml")
    assert again.version == stored_version
    outcome = step(again, ConversationState.from_json(stored_state), TextInput("two"))
    assert outcome.finished
    assert [m.text for m in outcome.messages] == ["Bye"]
    assert outcome.answers[0].question == "Second?"


def test_unknown_language_falls_back_to_english(shipped: Script) -> None:
    outcome = start(shipped, "fr")
    assert outcome.state.lang == "en"


def test_welsh_texts_and_skip_button() -> None:
    script = compile_ok(
        """
    languages: [en, cy]
    steps:
      - id: q
        ask:
          en: How are you?
          cy: Sut wyt ti?
        skip: true
    """,
        header="tool: t\ntitle: {en: T, cy: T}\nabout: {en: A, cy: A}\n",
    )
    chat = Chat(script, "cy")
    assert chat.question.text == "Sut wyt ti?"
    assert chat.question.buttons[0][0].label == "Hepgor hwn"
    answer = chat.click("Hepgor hwn").answers[0]
    assert answer.question == "Sut wyt ti?"
    assert answer.display == "Wedi'i hepgor"


def test_a_script_may_start_with_a_question_and_end_without_end() -> None:
    script = compile_ok("""
    steps:
      - id: q
        ask: Hi?
    """)
    outcome = start(script)
    assert [m.step_id for m in outcome.messages] == ["q"]
    done = step(script, outcome.state, TextInput("hi"))
    assert done.finished and done.messages == () and done.state.step == END


def test_a_question_asked_again_gets_a_new_turn() -> None:
    script = compile_ok("""
    steps:
      - id: q
        ask: Again?
        choices:
          - label: Again
            next: q
          - label: Stop
    """)
    chat = Chat(script)
    first_turn = chat.state.turn
    chat.click("Again")
    assert chat.state.step == "q" and chat.state.turn == first_turn + 1
    assert chat.input(ButtonInput(first_turn, "1")).problem is Problem.STALE_BUTTON
    assert chat.click("Stop").finished


def test_state_on_a_message_step_is_refused(shipped: Script) -> None:
    with pytest.raises(StateError):
        step(shipped, ConversationState("welcome", {}), TextInput("x"))


def test_the_runtime_guard_stops_a_message_loop() -> None:
    """The compiler refuses such loops; if one slipped through, step raises instead of hanging."""
    script = compile_ok("""
    steps:
      - id: a
        say: A
      - id: b
        say: B
      - id: q
        ask: Q
    """)
    looping = Flow(
        ["a", "b", "q"],
        {
            "a": [Route(Always(), "b")],
            "b": [Route(Always(), "a")],
            "q": [Route(Always(), END)],
        },
    )
    with pytest.raises(EngineError, match="loops through messages"):
        start(dataclasses.replace(script, flow=looping))


def test_no_log_lines_per_step(shipped: Script, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    state = start(shipped).state
    caplog.clear()
    step(shipped, state, TextInput("x"))
    assert [r for r in caplog.records if r.levelno >= logging.INFO] == []


def test_many_conversations_at_once_on_threads(shipped: Script) -> None:
    """The script's one machine is shared; binding it is locked, so threads can't mix states."""

    def walk(n: int) -> tuple[str, ...]:
        chat = Chat(shipped)
        for index in range(8):
            chat.send(f"{n}-{index}") if index % 2 else chat.click("Skip this one")
        chat.click("Yes" if n % 2 else "Not now")
        if chat.state.step == "help_with":
            chat.send(f"help {n}")
        chat.click("Share with my probation officer")
        assert chat.last.finished
        return chat.state.path

    with ThreadPoolExecutor(max_workers=8) as pool:
        paths = list(pool.map(walk, range(200)))
    for n, path in enumerate(paths):
        assert path[-1] == ("help_with" if n % 2 else "want_help")
