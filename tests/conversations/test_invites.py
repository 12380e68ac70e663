"""An invite code typed or pasted as a message is found; ordinary words are not codes."""

from __future__ import annotations

import pytest

from bot.conversations.invites import deep_link, new_code, typed_code

# A code like ours, fixed (not made here) so every test worker collects the same tests.
CODE = "Qm7kYt2-Vx_9bLwR4nPz0a"


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


def test_our_codes_look_like_codes() -> None:
    for _ in range(200):
        code = new_code()
        assert typed_code(code) == code


@pytest.mark.parametrize(
    "text",
    ["hello", "Supercalifragilistic", "HELLOOOOOOOOOOOOOOOOO", "hi there how are you", "", "ok"],
)
def test_ordinary_words_are_not_codes(text: str) -> None:
    assert typed_code(text) is None
