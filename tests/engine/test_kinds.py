"""Every answer kind: its buttons, what it takes typed or tapped, what it stores and shows."""

from __future__ import annotations

from datetime import date

import pytest

from bot.engine import ButtonInput, MediaInput, Problem, TextInput
from bot.engine.kinds.date import read_date, show_date
from bot.engine.kinds.number import read_number
from tests.engine.helpers import TODAY, Chat, compile_ok

# ---- multiple choice ------------------------------------------------------------------------

MULTI = """
steps:
  - id: help
    ask: What would you like help with?
    answer: multi_choice
    skip: true
    choices:
      - label: Somewhere to live
      - label: Work
      - label: Money
    none_of_these: Nothing right now
  - id: after
    ask: Anything else?
"""


def test_multi_choice_ticks_edit_the_same_message_then_done() -> None:
    chat = Chat(compile_ok(MULTI))
    assert chat.labels == [
        "Somewhere to live",
        "Work",
        "Money",
        "Nothing right now",
        "Done",
        "Skip this one",
    ]
    turn = chat.state.turn
    outcome = chat.click("Money")
    assert outcome.answers == () and outcome.problem is None
    (prompt,) = outcome.messages
    assert prompt.replace is True  # edit the message whose button was pressed
    assert chat.state.turn == turn  # its buttons keep working
    assert chat.state.draft == ["money"]
    assert chat.labels[:3] == ["Somewhere to live", "Work", "✓ Money"]
    assert "Skip this one" not in chat.labels or chat.labels[-1] == "Skip this one"
    chat.click("Somewhere to live")
    chat.click("✓ Money")  # untick
    chat.click("Work")
    outcome = chat.click("Done")
    (answer,) = outcome.answers
    # Stored in the order of the buttons, shown by their labels.
    assert answer.value == ["somewhere_to_live", "work"]
    assert answer.display == "Somewhere to live, Work"
    assert chat.state.step == "after"
    assert chat.state.draft is None


def test_none_of_these_clears_the_others_and_the_others_clear_it() -> None:
    chat = Chat(compile_ok(MULTI))
    chat.click("Work")
    chat.click("Money")
    chat.click("Nothing right now")
    assert chat.state.draft == ["none"]
    assert chat.labels[:4] == ["Somewhere to live", "Work", "Money", "✓ Nothing right now"]
    chat.click("Work")
    assert chat.state.draft == ["work"]
    chat.click("Nothing right now")
    answer = chat.click("Done").answers[0]
    assert (answer.value, answer.display) == (["none"], "Nothing right now")


def test_done_with_nothing_ticked_asks_again() -> None:
    chat = Chat(compile_ok(MULTI))
    outcome = chat.click("Done")
    assert outcome.problem is Problem.NOTHING_CHOSEN
    assert outcome.messages[-1].replace is False  # a problem re-asks with a new message


def test_multi_choice_by_typing() -> None:
    chat = Chat(compile_ok(MULTI))
    outcome = chat.send("money")
    assert outcome.messages[-1].replace is False  # typed: a new message, a new turn
    assert chat.state.draft == ["money"]
    assert chat.send("what?").problem is Problem.NEED_CHOICE
    assert chat.send("Done").answers[0].value == ["money"]


def test_multi_choice_skip_and_forged_tokens() -> None:
    chat = Chat(compile_ok(MULTI))
    for token in ["t9", "t", "t01", "x", "n1"]:
        assert chat.input(ButtonInput(chat.state.turn, token)).problem is Problem.INVALID_BUTTON
    assert chat.click("Skip this one").answers[0].skipped


# ---- scale ----------------------------------------------------------------------------------

SCALE = """
steps:
  - id: week
    ask: How was your week?
    answer: scale
    min: 1
    max: 10
    min_label: Really hard
    max_label: Really good
"""


def test_scale_buttons_fit_a_phone_and_the_ends_are_explained() -> None:
    chat = Chat(compile_ok(SCALE))
    rows = chat.question.buttons
    assert [[b.label for b in row] for row in rows] == [
        ["1", "2", "3", "4", "5"],
        ["6", "7", "8", "9", "10"],
    ]
    assert chat.question.text == "How was your week?\n\n1 = Really hard\n10 = Really good"
    answer = chat.click("10").answers[0]
    assert (answer.value, answer.display) == (10, "10 (Really good)")


@pytest.mark.parametrize(
    ("low", "high", "widths"),
    [(1, 5, [5]), (0, 10, [6, 5]), (1, 7, [4, 3]), (-2, 2, [5]), (1, 6, [6])],
)
def test_scale_rows(low: int, high: int, widths: list[int]) -> None:
    script = compile_ok(f"""
    steps:
      - id: s
        ask: Pick
        answer: scale
        min: {low}
        max: {high}
    """)
    assert [len(row) for row in Chat(script).question.buttons] == widths


@pytest.mark.parametrize(
    ("typed", "value", "problem"),
    [
        ("7", 7, None),
        (" 7/10 ", 7, None),
        ("7 out of 10", 7, None),
        ("seven", 7, None),
        ("11", None, Problem.OUT_OF_RANGE),
        ("0", None, Problem.OUT_OF_RANGE),
        ("7.5", None, Problem.NOT_A_NUMBER),
        ("pretty good", None, Problem.NOT_A_NUMBER),
    ],
)
def test_scale_typed(typed: str, value: int | None, problem: Problem | None) -> None:
    chat = Chat(compile_ok(SCALE))
    outcome = chat.send(typed)
    assert outcome.problem is problem
    if value is not None:
        assert outcome.answers[0].value == value


def test_scale_forged_buttons() -> None:
    chat = Chat(compile_ok(SCALE))
    for token in ["11", "0", "07", "x", "-1"]:
        assert chat.input(ButtonInput(chat.state.turn, token)).problem is Problem.INVALID_BUTTON


# ---- yes / no -------------------------------------------------------------------------------

YES_NO = """
steps:
  - id: working
    ask: Are you working at the moment?
    answer: yes_no
  - id: next
    ask: Next?
"""


def test_yes_no_buttons_side_by_side_stored_as_true_false() -> None:
    chat = Chat(compile_ok(YES_NO))
    assert [[b.label for b in row] for row in chat.question.buttons] == [["Yes", "No"]]
    answer = chat.click("No").answers[0]
    assert (answer.value, answer.display) == (False, "No")


@pytest.mark.parametrize(
    ("typed", "value"),
    [("yes", True), ("Yep!", True), ("nope", False), ("Na", False), ("ie", True)],
)
def test_yes_no_typed(typed: str, value: bool) -> None:
    assert Chat(compile_ok(YES_NO)).send(typed).answers[0].value is value


def test_yes_no_other_words() -> None:
    script = compile_ok("""
    steps:
      - id: ok
        ask: Shall we go on?
        answer: yes_no
        yes: Go on
        no: Stop here
    """)
    chat = Chat(script)
    assert chat.labels == ["Go on", "Stop here"]
    assert chat.send("stop here").answers[0].value is False
    assert Chat(script).send("maybe").problem is Problem.NEED_CHOICE


# ---- number ---------------------------------------------------------------------------------

NUMBER = """
steps:
  - id: hours
    ask: How many hours did you sleep?
    answer: number
    min: 0
    max: 24
"""


@pytest.mark.parametrize(
    ("typed", "value", "problem"),
    [
        ("8", 8, None),
        ("7.5", 7.5, None),
        ("about 6", 6, None),
        ("6 hours", 6, None),
        ("eight", 8, None),
        ("25", None, Problem.OUT_OF_RANGE),
        ("-1", None, Problem.OUT_OF_RANGE),
        ("lots", None, Problem.NOT_A_NUMBER),
        ("6 or 7", None, Problem.NOT_A_NUMBER),
    ],
)
def test_number(typed: str, value: float | None, problem: Problem | None) -> None:
    chat = Chat(compile_ok(NUMBER))
    outcome = chat.send(typed)
    assert outcome.problem is problem
    if problem is None:
        assert outcome.answers[0].value == value
    else:
        assert outcome.state == chat.state
        assert chat.script.step("hours").min_value == 0
        assert chat.script.step("hours").max_value == 24


def test_read_number() -> None:
    assert read_number("1,500") == 1500
    assert read_number("£20") == 20
    assert read_number("2,5") == 2.5
    assert read_number("saith") == 7
    assert read_number("") is None
    assert read_number("12 34") is None


def test_number_media_is_not_text() -> None:
    assert Chat(compile_ok(NUMBER)).input(MediaInput("sticker")).problem is Problem.NOT_TEXT


# ---- date -----------------------------------------------------------------------------------

DATE = """
steps:
  - id: when
    ask: When did it happen?
    answer: date
    dates: past
"""


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3/4/2025", date(2025, 4, 3)),
        ("03-04-25", date(2025, 4, 3)),
        ("3.4.25", date(2025, 4, 3)),
        ("3/4", date(2025, 4, 3)),
        ("3 April", date(2025, 4, 3)),
        ("3rd of April 2025", date(2025, 4, 3)),
        ("the 3rd of april", date(2025, 4, 3)),
        ("April 3rd", date(2025, 4, 3)),
        ("3 Apr 2025", date(2025, 4, 3)),
        ("Thursday 3 April", date(2025, 4, 3)),
        ("today", date(2025, 4, 10)),
        ("Yesterday", date(2025, 4, 9)),
        ("the day before yesterday", date(2025, 4, 8)),
        ("5 days ago", date(2025, 4, 5)),
        ("2025-04-03", date(2025, 4, 3)),
        ("3 Ebrill", date(2025, 4, 3)),
        ("ddoe", date(2025, 4, 9)),
        ("25 December", date(2024, 12, 25)),  # a past date without a year: the last one
        ("29/2", date(2024, 2, 29)),
    ],
)
def test_dates_typed_the_uk_way(typed: str, expected: date) -> None:
    assert read_date(typed, TODAY, "past") == expected


@pytest.mark.parametrize("typed", ["31/2/2025", "13/13/2025", "soon", "3 Smarch", "", "1/2/3/4"])
def test_not_dates(typed: str) -> None:
    assert read_date(typed, TODAY) is None


def test_dates_without_a_year_look_forward_for_future_questions() -> None:
    assert read_date("3 April", TODAY, "future") == date(2026, 4, 3)
    assert read_date("20 April", TODAY, "future") == date(2025, 4, 20)
    assert read_date("20 April", TODAY, "any") == date(2025, 4, 20)


def test_date_question_buttons_and_limits() -> None:
    chat = Chat(compile_ok(DATE))
    assert [[b.label for b in row] for row in chat.question.buttons] == [["Today", "Yesterday"]]
    assert chat.send("tomorrow").problem is Problem.DATE_IN_FUTURE
    assert chat.send("next week sometime").problem is Problem.NOT_A_DATE
    answer = chat.click("Yesterday").answers[0]
    assert (answer.value, answer.display) == ("2025-04-09", "9 April 2025")


def test_future_date_question_offers_tomorrow() -> None:
    script = compile_ok("""
    steps:
      - id: when
        ask: When is your next appointment?
        answer: date
        dates: future
    """)
    chat = Chat(script)
    assert chat.labels == ["Today", "Tomorrow"]
    assert chat.send("3/4/2025").problem is Problem.DATE_IN_PAST
    assert chat.click("Tomorrow").answers[0].value == "2025-04-11"


def test_without_today_relative_dates_are_refused_not_guessed() -> None:
    chat = Chat(compile_ok(DATE), today=None)
    assert chat.send("today").problem is Problem.NOT_A_DATE
    assert chat.click("Today").problem is Problem.NOT_A_DATE
    assert chat.send("3 April").problem is Problem.NOT_A_DATE  # no year: needs today
    assert chat.send("3/4/2025").answers[0].value == "2025-04-03"


def test_dates_shown_in_welsh() -> None:
    assert show_date("2025-04-03", "cy") == "3 Ebrill 2025"
    assert show_date("2025-04-03", "en") == "3 April 2025"


# ---- media ----------------------------------------------------------------------------------

MEDIA = """
steps:
  - id: voice
    ask: Send a voice note or a photo.
    answer: media
"""


def test_voice_note_kept_by_file_reference() -> None:
    chat = Chat(compile_ok(MEDIA))
    assert chat.question.expects == "media"
    answer = chat.input(MediaInput("voice", "AwAD-file", "AgAD-unique", 75)).answers[0]
    assert answer.value == {
        "media": "voice",
        "file_id": "AwAD-file",
        "file_unique_id": "AgAD-unique",
        "duration": 75,
    }
    assert answer.display == "Voice note (1:15)"


def test_photo_and_what_is_refused() -> None:
    chat = Chat(compile_ok(MEDIA))
    assert chat.send("hello").problem is Problem.NEED_MEDIA
    assert chat.input(MediaInput("sticker", "f", "u")).problem is Problem.NEED_MEDIA
    assert chat.input(MediaInput("photo")).problem is Problem.NEED_MEDIA  # no file id
    answer = chat.input(MediaInput("photo", "ph", "uq")).answers[0]
    assert answer.value == {"media": "photo", "file_id": "ph", "file_unique_id": "uq"}
    assert answer.display == "Photo"


def test_media_may_also_take_words() -> None:
    script = compile_ok("""
    steps:
      - id: voice
        ask: Tell me, in words or a voice note.
        answer: media
        accept: [voice]
        also_text: true
        max_length: 10
    """)
    chat = Chat(script)
    assert chat.input(MediaInput("photo", "f", "u")).problem is Problem.NEED_MEDIA
    assert chat.send("x" * 11).problem is Problem.TOO_LONG
    assert chat.script.step("voice").accepts == ("voice",)
    assert chat.send(" in words ").answers[0].value == "in words"


# ---- a list of items ------------------------------------------------------------------------

LIST = """
steps:
  - id: people
    ask: Let's list the people who support you.
    answer: list
    max_items: 2
    skip: true
    questions:
      - id: name
        ask: What is their name?
      - id: part
        ask: Which part of your life does {name} help with?
        choices:
          - label: Family
          - label: Work
      - id: how
        ask: How does {name} help?
        skip: true
  - id: after
    ask: "{people} — thank you. Anything else?"
"""


def test_list_items_with_follow_up_questions() -> None:
    chat = Chat(compile_ok(LIST))
    assert chat.texts == ["Let's list the people who support you.", "What is their name?"]
    assert chat.labels == ["Skip this one"]  # skips the whole list
    chat.send("Sam")
    assert chat.texts == ["Which part of your life does Sam help with?"]
    assert chat.labels == ["Family", "Work", "Back"]
    chat.click("Family")
    assert chat.labels == ["Skip this one", "Back"]  # the item question's own skip
    outcome = chat.send("Listens")
    # Each finished item records the whole list so far.
    (answer,) = outcome.answers
    assert answer.value == [{"name": "Sam", "part": "family", "how": "Listens"}]
    assert chat.question.text == "• Sam — Family — Listens\n\nIs there anyone else?"
    assert chat.labels == ["Add another", "That's everyone", "Back"]
    chat.click("Add another")
    assert chat.texts == ["What is their name?"]
    chat.send("Jo")
    chat.send("work")
    outcome = chat.click("Skip this one")
    # At the most items, the list finishes by itself.
    (answer,) = outcome.answers
    assert answer.value == [
        {"name": "Sam", "part": "family", "how": "Listens"},
        {"name": "Jo", "part": "work", "how": None},
    ]
    assert answer.display == "Sam — Family — Listens\nJo — Work"
    assert chat.state.step == "after"
    assert chat.question.text == "Sam and Jo — thank you. Anything else?"


def test_list_draft_survives_between_messages() -> None:
    from bot.engine import ConversationState

    chat = Chat(compile_ok(LIST))
    chat.send("Sam")
    saved = ConversationState.from_json(chat.state.to_json())
    assert saved.draft == {"items": [], "item": {"name": "Sam"}, "at": 1, "sub": None}
    chat.state = saved
    chat.click("Work")
    assert chat.state.draft["item"] == {"name": "Sam", "part": "work"}  # type: ignore[index]


def test_that_is_everyone_finishes_the_list() -> None:
    chat = Chat(compile_ok(LIST))
    chat.send("Sam")
    chat.click("Work")
    chat.send("Lifts")
    answer = chat.click("That's everyone").answers[0]
    assert answer.value == [{"name": "Sam", "part": "work", "how": "Lifts"}]
    assert chat.state.step == "after"


def test_skipping_the_whole_list() -> None:
    chat = Chat(compile_ok(LIST))
    answer = chat.click("Skip this one").answers[0]
    assert answer.skipped and answer.value is None
    assert chat.question.text == "Anything else?"  # the sentence with {people} is left out


def test_list_typed_add_and_done_words() -> None:
    chat = Chat(compile_ok(LIST))
    chat.send("Sam")
    chat.send("family")
    chat.send("skip")
    assert chat.send("hmm").problem is Problem.NEED_CHOICE
    assert chat.send("that's everyone").answers[0].value == [
        {"name": "Sam", "part": "family", "how": None}
    ]


def test_list_problems_inside_an_item() -> None:
    chat = Chat(compile_ok(LIST))
    chat.send("Sam")
    assert chat.send("pets").problem is Problem.NEED_CHOICE
    assert chat.texts == ["Which part of your life does Sam help with?"]
    assert chat.input(ButtonInput(chat.state.turn, "9")).problem is Problem.INVALID_BUTTON
    assert chat.input(ButtonInput(chat.state.turn, "a")).problem is Problem.INVALID_BUTTON


def test_kinds_reject_media_or_text_where_they_need_buttons() -> None:
    chat = Chat(compile_ok(YES_NO))
    assert chat.input(MediaInput("photo", "f")).problem is Problem.NEED_CHOICE
    chat = Chat(compile_ok(SCALE))
    assert chat.input(TextInput("")).problem is Problem.NOT_A_NUMBER
