"""An unwanted "Add another" never leaves an empty entry: an item whose questions were all
skipped is dropped (never stored, shown or shared), and Back leaves a new item at once."""

from __future__ import annotations

from bot.engine.kinds.items import ListKind
from tests.engine.helpers import Chat, compile_ok

PEOPLE = """
steps:
  - id: people
    ask: Let's list the people in your life.
    answer: list
    questions:
      - id: name
        ask: What do you call them?
        skip: true
      - id: part
        ask: Where does {name or this person} fit in your life?
        choices:
          - label: Family
          - label: Friends
        skip: true
      - id: how
        ask: How does {name or this person} help you?
        skip: true
  - id: after
    ask: Anything else?
  - id: check
    check_answers: true
"""


def _first_person(chat: Chat) -> None:
    chat.send("Sam")
    chat.click("Family")
    chat.send("Listens")


def test_an_unwanted_add_another_skipped_through_is_not_stored() -> None:
    chat = Chat(compile_ok(PEOPLE))
    _first_person(chat)
    chat.click("Add another")
    for _ in range(3):
        outcome = chat.click("Skip this one")
    assert outcome.answers == ()  # nothing recorded for the empty item
    assert chat.question.text == "• Sam — Family — Listens\n\nIs there anyone else?"
    answer = chat.click("That's everyone").answers[0]
    assert answer.value == [{"name": "Sam", "part": "family", "how": "Listens"}]
    chat.send("No")
    summary = chat.texts[0]
    assert "…" not in summary and summary.count("Sam") == 1, summary
    assert chat.state.answers["people"] == [{"name": "Sam", "part": "family", "how": "Listens"}]


def test_back_leaves_an_unwanted_item_at_once() -> None:
    chat = Chat(compile_ok(PEOPLE))
    _first_person(chat)
    chat.click("Add another")
    chat.click("Back")
    assert chat.question.text == "• Sam — Family — Listens\n\nIs there anyone else?"


def test_a_first_item_skipped_through_skips_the_list() -> None:
    chat = Chat(compile_ok(PEOPLE))
    for _ in range(3):
        outcome = chat.click("Skip this one")
    (answer,) = outcome.answers
    assert answer.skipped and answer.value is None
    assert chat.state.step == "after"


def test_empty_items_already_stored_are_never_shown() -> None:
    script = compile_ok(PEOPLE)
    kind = script.step("people").kind
    assert isinstance(kind, ListKind)
    stored = [
        {"name": "Sam", "part": "family", "how": None},
        {"name": None, "part": None, "how": None},
    ]
    assert kind.show(stored, "en") == "Sam — Family"
