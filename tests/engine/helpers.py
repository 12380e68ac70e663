"""Helpers for the engine tests: tiny scripts written inline."""

from __future__ import annotations

import textwrap
from datetime import date
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
EVERYTHING = Path(__file__).resolve().parent / "scripts" / "everything.yaml"
TODAY = date(2025, 4, 10)  # a Thursday

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

    def __init__(self, script: Script, lang: str = "en", today: date | None = TODAY) -> None:
        self.script = script
        self.today = today
        self.last = start(script, lang, today=today)
        self.state = self.last.state
        self.answers: list[RecordedAnswer] = list(self.last.answers)
        self.dropped: list[str] = []
        self.db: dict[str, object] = {a.step_id: a.value for a in self.answers}

    def _take(self, outcome: Outcome) -> Outcome:
        self.last = outcome
        self.state = outcome.state
        self.answers += outcome.answers
        self.dropped += outcome.dropped
        # What a caller's database holds: each answer supersedes, each drop deletes.
        for answer in outcome.answers:
            self.db[answer.step_id] = answer.value
        for gone in outcome.dropped:
            self.db.pop(gone, None)
        return outcome

    def input(self, value: Input) -> Outcome:
        return self._take(step(self.script, self.state, value, today=self.today))

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

    @property
    def labels(self) -> list[str]:
        """The labels of the buttons under the last message, row by row."""
        return [button.label for row in self.question.buttons for button in row]
