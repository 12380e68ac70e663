"""Reading grades: plausible numbers, English only, and never a network connection."""

from __future__ import annotations

import socket

import pytest

from bot.engine import readability


def test_easy_and_hard_texts() -> None:
    easy = readability.grade(
        "Think of a good day. What do you do on a day like that? Who is with you?"
    )
    hard = readability.grade(
        "Considering the multifaceted circumstances surrounding your rehabilitation, "
        "articulate comprehensively the organisational difficulties you experience."
    )
    assert easy is not None and hard is not None
    assert easy.grade < 3 < 12 < hard.grade
    assert easy.long_words == ()
    assert hard.long_words[0] == "comprehensively"


def test_short_texts_get_no_grade() -> None:
    assert readability.grade("Accommodation circumstances?") is None


def test_lines_count_as_sentences_and_placeholders_as_a_short_word() -> None:
    assert readability.prepare("- one\n- two!\n\nYou said {good_people or them}") == (
        "one. two! You said it."
    )


def test_grading_never_opens_a_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """textstat downloads NLTK's CMU dictionary for "en" texts; we must never trigger that."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("readability tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    readability._stats.cache_clear()
    from textstat.backend.utils import _get_cmudict

    _get_cmudict.get_cmudict.cache_clear()
    found = readability.grade("Your probation officer reads your answers before you meet again.")
    assert found is not None and found.grade > 0
