"""Button data: every form round-trips, stays within Telegram's 64 bytes, and anything else is
an old or forged button (None), never an exception."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.conversations import callbacks

BIGGEST = 10**18 - 1


@pytest.mark.parametrize(
    ("data", "parsed"),
    [
        (callbacks.crisis_choice(7, "l"), callbacks.CrisisChoice(7, "l")),
        (callbacks.crisis_choice(BIGGEST, "p"), callbacks.CrisisChoice(BIGGEST, "p")),
        (callbacks.safe_to_call(7, "t"), callbacks.SafeToCall(7, "t")),
        (callbacks.make_safety_plan(), callbacks.MakeSafetyPlan()),
        (callbacks.call_me(None), callbacks.CallMe(None, True)),
        (callbacks.call_me(3, yes=False), callbacks.CallMe(3, False)),
        (callbacks.show_notice(12), callbacks.ShowNotice(12)),
        (callbacks.show_notice(BIGGEST), callbacks.ShowNotice(BIGGEST)),
        (callbacks.cant_make_it(5), callbacks.CantMakeIt(5)),
        (callbacks.show_privacy(), callbacks.ShowPrivacy()),
        (callbacks.kept_list(), callbacks.KeptList()),
        (callbacks.kept_view(BIGGEST), callbacks.KeptView(BIGGEST)),
        (callbacks.kept_choice(12, share=True), callbacks.KeptChoice(12, True)),
        (callbacks.kept_choice(12, share=False), callbacks.KeptChoice(12, False)),
    ],
)
def test_round_trip(data: str, parsed: callbacks.Callback) -> None:
    assert len(data.encode()) <= callbacks.MAX_BYTES
    assert callbacks.parse(data) == parsed


@pytest.mark.parametrize(
    "data",
    [
        "k:7:x",
        "k:07:l",
        "k::l",
        "k:7",
        "k:-1:l",
        "k:7:l:extra",
        "sf:7:maybe",
        "sf:²:y",
        "safety:1",
        "s:",
        "s:0",
        "s:07",
        "s:-1",
        "s:²",
        "s:1:2",
        "s:1234567890123456789",
        "x:",
        "x:0",
        "x:a",
        "kv:",
        "kv:x",
        "ks:7",
        "ks:7:x",
        "ks:0:s",
        "kept:1",
        "privacy:1",
    ],
)
def test_malformed_is_an_old_button(data: str) -> None:
    assert callbacks.parse(data) is None


def test_only_known_choices_can_be_made() -> None:
    with pytest.raises(ValueError):
        callbacks.crisis_choice(1, "x")
    with pytest.raises(ValueError):
        callbacks.safe_to_call(1, "maybe")


@given(st.text(max_size=80))
def test_any_data_parses_or_is_refused(data: str) -> None:
    callbacks.parse(data)
