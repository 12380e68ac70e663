"""Texts by language, and splitting long texts into Telegram-sized messages."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.engine.texts import MESSAGE_LIMIT, Text, split_message, telegram_length


def test_text_languages_and_fallback() -> None:
    text = Text.of({"en": "Hello", "cy": "Helo"})
    assert text.pick("cy") == "Helo"
    assert text.pick("fr") == "Hello"
    assert Text.of("Hi").pick("cy") == "Hi"
    assert Text.of({"cy": "Helo"}).pick("en") == "Helo"


def test_short_text_is_one_message() -> None:
    assert split_message("  Hello.  ") == ("Hello.",)


def test_splits_between_sentences_when_a_paragraph_is_too_long() -> None:
    text = " ".join(f"Sentence number {i}." for i in range(10))
    pieces = split_message(text, limit=60)
    assert all(len(p) <= 60 for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert " ".join(pieces) == text


def test_splits_between_words_then_inside_a_word() -> None:
    assert split_message("aaaa bbbb cccc", limit=9) == ("aaaa bbbb", "cccc")
    assert split_message("x" * 25, limit=10) == ("x" * 10, "x" * 10, "x" * 5)


def test_emoji_count_twice_as_telegram_counts_them() -> None:
    assert telegram_length("🙂") == 2
    pieces = split_message("🙂" * 3000)
    assert [telegram_length(p) for p in pieces] == [MESSAGE_LIMIT, 6000 - MESSAGE_LIMIT]


@given(st.text(min_size=1, max_size=3000), st.integers(min_value=2, max_value=500))
def test_split_keeps_every_word_and_respects_the_limit(text: str, limit: int) -> None:
    pieces = split_message(text, limit)
    assert all(telegram_length(p) <= limit for p in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())


def test_text_is_an_immutable_mapping() -> None:
    text = Text.of({"en": "Hello", "cy": "Helo"})
    assert dict(text) == {"en": "Hello", "cy": "Helo"}
    assert text == {"en": "Hello", "cy": "Helo"}
    assert text.get("fr") is None
    assert hash(text) == hash(Text.of({"en": "Hello", "cy": "Helo"}))
    assert Text.of("Hi") == {"en": "Hi"}
