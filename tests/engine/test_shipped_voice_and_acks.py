"""The shipped tools: every open question takes a voice note (and a photo where it makes
sense), and no acknowledgement jars (seen: "That's good to hear." after "no comment",
"Knowing what works helps" after "NOTHING IS WORKING")."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import MediaInput, Script, load_dialogues
from bot.engine.kinds import ListKind, MediaKind, TextKind
from tests.engine.helpers import DIALOGUES, Chat

SHIPPED = {s.id: s for s in load_dialogues(Path(DIALOGUES)).scripts.values()}
UPBEAT = ("good to hear", "great", "glad", "knowing what works", "good goal", "good things")


def _open_kinds(script: Script):  # type: ignore[no-untyped-def]
    for step in script.questions:
        if isinstance(step.kind, ListKind):
            for item in step.kind.questions:
                yield f"{step.id}.{item.id}", item.kind, False
        else:
            yield step.id, step.kind, step.call_time


@pytest.mark.parametrize("script", sorted(SHIPPED.values(), key=lambda s: s.id), ids=lambda s: s.id)
def test_every_open_question_takes_a_voice_note(script: Script) -> None:
    for name, kind, call_time in _open_kinds(script):
        if call_time:
            # When to call reaches the officer at once, with the request, as words.
            assert isinstance(kind, TextKind), name
            continue
        assert not isinstance(kind, TextKind), f"{script.id}: {name} only takes typed words"
        if isinstance(kind, MediaKind):
            assert kind.also_text and "voice" in kind.accept, name


def test_photos_where_they_make_sense() -> None:
    places = SHIPPED["places_that_help"].step("places").kind
    assert isinstance(places, ListKind)
    name = places.questions[0].kind
    assert isinstance(name, MediaKind) and "photo" in name.accept


def _upbeat(texts: list[str]) -> list[str]:
    return [t for t in texts if any(word in t.lower() for word in UPBEAT)]


def test_no_praise_after_no_comment() -> None:
    chat = Chat(SHIPPED["four_plus_one"])
    chat.send("Went to the gym")
    chat.send("I can do it")
    chat.send("no comment")
    assert not _upbeat(chat.texts), chat.texts
    assert chat.texts[0].startswith("Is anything worrying you?")


def test_no_praise_after_nothing_is_working() -> None:
    chat = Chat(SHIPPED["working_not_working"])
    chat.click("Skip this one")  # no parts: life in general
    chat.send("NOTHING IS WORKING")
    assert not _upbeat(chat.texts), chat.texts
    chat.send("everything")
    assert not _upbeat(chat.texts), chat.texts


def test_a_real_answer_is_thanked() -> None:
    chat = Chat(SHIPPED["four_plus_one"])
    chat.send("Went to the gym")
    chat.send("I can do it")
    chat.send("Three weeks sober")
    assert chat.texts[0] == "Thank you for sharing that."


def test_a_voice_note_is_thanked_and_not_quoted() -> None:
    chat = Chat(SHIPPED["aspirations"])
    chat.click("Skip this one")  # what matters most
    chat.input(MediaInput("voice", "f1", "u1", 20))  # five years
    chat.input(MediaInput("voice", "f2", "u2", 9))  # one year
    chat.input(MediaInput("photo", "f3", "u3"))  # what is good already: a photo
    texts = chat.texts
    assert texts[0] == "Thank you. It helps to know what you have already."
    assert not any("your voice note" in t.lower() for t in texts), texts
    assert any("small step" in t for t in texts), texts
