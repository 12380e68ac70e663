"""An invite code typed or pasted as a message is found; ordinary words are not codes."""

from __future__ import annotations

import pytest

from bot.conversations.invites import deep_link, new_code, typed_code

CODE = new_code()


@pytest.mark.parametrize(
    "text",
    [
        CODE,
        f"  {CODE}. ",
        f"“{CODE}”",
        f"my code is {CODE}",
        deep_link("TandemBot", CODE),
        deep_link("TandemBot", CODE).removeprefix("https://"),
    ],
)
def test_a_code_is_found(text: str) -> None:
    assert typed_code(text) == CODE


@pytest.mark.parametrize(
    "text",
    ["hello", "Supercalifragilistic", "HELLOOOOOOOOOOOOOOOOO", "hi there how are you", "", "ok"],
)
def test_ordinary_words_are_not_codes(text: str) -> None:
    assert typed_code(text) is None
