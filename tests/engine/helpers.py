"""Helpers for the engine tests: tiny scripts written inline."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.engine import (
    ButtonInput,
    Input,
    Outcome,
    Prompt,
    RecordedAnswer,
    Script,
    ScriptError,
    TextInput,
    load_script_text,
    start,
    step,
)

DIALOGUES = Path(__file__).resolve().parents[2] / "dialogues"
SHIPPED = DIALOGUES / "good_day_bad_day.yaml"

HEADER = """\
tool: t
title: Test
about: A test script.
"""


def make(body: str, header: str = HEADER) -> str:
    """A script text: the standard header plus `body` (dedented)."""
    return header + textwrap.dedent(body).lstrip("\n")


def compile_ok(body: str, header: str = HEADER) -> Script:
    return load_script_text(make(body, header), "t.yaml")


def problems(text: str, name: str = "t.yaml") -> list[str]:
    """The problems a script text is refused with, as `file:line:col: message` strings."""
    with pytest.raises(ScriptError) as info:
        load_script_text(text, name)
    return [str(p) for p in info.value.problems]


class Chat:
    """Talk to a script the way a person does: `send` text, `click` a button by its label."""

    def __init__(self, script: Script, lang: str = "en") -> None:
        self.script = script
        self.last = start(script, lang)
        self.state = self.last.state
        self.answers: list[RecordedAnswer] = list(self.last.answers)

    def _take(self, outcome: Outcome) -> Outcome:
        self.last = outcome
        self.state = outcome.state
        self.answers += outcome.answers
        return outcome

    def input(self, value: Input) -> Outcome:
        return self._take(step(self.script, self.state, value))

    def send(self, text: str) -> Outcome:
        return self.input(TextInput(text))

    def click(self, label: str) -> Outcome:
        for prompt in self.last.messages:
            for row in prompt.buttons:
                for button in row:
                    if button.label == label:
                        return self.input(ButtonInput(self.state.turn, button.token))
        raise AssertionError(f"no button {label!r} in {self.texts}")

    @property
    def texts(self) -> list[str]:
        return [prompt.text for prompt in self.last.messages]

    @property
    def question(self) -> Prompt:
        return self.last.messages[-1]
