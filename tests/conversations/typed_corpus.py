"""The corpus of messy typed replies (typed_choices.yaml), played against the buttons the
shipped tools really show; used by the test and by `make bench`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot import engine
from bot.conversations.flows import on_screen_choices
from bot.conversations.typed_choice import Ambiguous, Choice, Matched, match
from bot.engine.kinds import ListKind, MultiChoiceKind
from bot.engine.render import CHANGE_TOKEN, PRIVATE_TOKEN, SHARE_TOKEN
from bot.engine.system import (
    BACK_LABEL,
    BACK_TOKEN,
    CHANGE_LABEL,
    KEEP_PRIVATE_LABEL,
    SHARE_LABEL,
    SKIP_LABEL,
    SKIP_TOKEN,
)
from tests.support.tandem import DIALOGUES

CORPUS = Path(__file__).with_name("typed_choices.yaml")


@dataclass(frozen=True)
class Case:
    question: str
    lang: str
    typed: str
    expect: tuple[str, ...]  # the labels to press; () means none


@dataclass(frozen=True)
class Played:
    case: Case
    got: tuple[str, ...]  # labels pressed; () when nothing was
    ambiguous: tuple[str, ...]

    @property
    def right(self) -> bool:
        return bool(self.case.expect) and self.got == self.case.expect

    @property
    def wrong(self) -> bool:
        """Pressed a button the person did not mean (the one thing that must not happen)."""
        return bool(self.got) and self.got != self.case.expect


def load_cases() -> list[Case]:
    data: dict[str, Any] = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    cases = []
    for raw in data["cases"]:
        expect = raw["expect"]
        if expect is None or expect == "none":
            labels: tuple[str, ...] = ()
        elif isinstance(expect, list):
            labels = tuple(str(e) for e in expect)
        else:
            labels = (str(expect),)
        cases.append(Case(raw["q"], raw.get("lang", "en"), str(raw["typed"]), labels))
    return cases


def buttons(registry: engine.Registry, question: str, lang: str) -> tuple[list[Choice], bool]:
    """The buttons a person sees at `question`, and whether they are tick boxes."""
    tool, step_id, *item = question.split(".")
    script = registry.scripts[tool]
    if step_id == "CHECK":
        check = script.step(script.check_step or "")
        assert check.check is not None
        share = check.check.share_label or SHARE_LABEL
        keep = check.check.keep_label or KEEP_PRIVATE_LABEL
        rows: tuple[tuple[engine.Button, ...], ...] = (
            (engine.Button(CHANGE_LABEL.pick(lang), CHANGE_TOKEN),),
            (engine.Button(share.pick(lang), SHARE_TOKEN),),
            (engine.Button(keep.pick(lang), PRIVATE_TOKEN),),
            (engine.Button(BACK_LABEL.pick(lang), BACK_TOKEN),),
        )
        step_id = check.id
        many = False
    else:
        step = script.step(step_id)
        kind = step.kind
        skip = step.skip
        if item:
            assert isinstance(kind, ListKind)
            inner = next(q for q in kind.questions if q.id == item[0])
            kind, skip = inner.kind, inner.skip
        assert kind is not None
        rows = kind.buttons(lang)
        if skip:
            rows = (*rows, (engine.Button(SKIP_LABEL.pick(lang), SKIP_TOKEN),))
        rows = (*rows, (engine.Button(BACK_LABEL.pick(lang), BACK_TOKEN),))
        many = isinstance(kind, MultiChoiceKind)
    state = engine.ConversationState(step_id, {}, (), 1, lang)
    prompt = engine.Prompt("", rows, step_id, "choice")
    return on_screen_choices(script, state, prompt), many


def play(cases: list[Case] | None = None) -> tuple[list[Played], float]:
    """Every case, and the mean time of one match in seconds."""
    registry = engine.load_dialogues(DIALOGUES)
    cases = cases if cases is not None else load_cases()
    played = []
    spent = 0.0
    for case in cases:
        choices, many = buttons(registry, case.question, case.lang)
        started = time.perf_counter()
        result = match(case.typed, choices, many=many)
        spent += time.perf_counter() - started
        got = tuple(c.label for c in result.choices) if isinstance(result, Matched) else ()
        unsure = tuple(c.label for c in result.choices) if isinstance(result, Ambiguous) else ()
        played.append(Played(case, got, unsure))
    return played, spent / max(len(cases), 1)


def shares(played: list[Played]) -> tuple[float, float]:
    """(share matched among replies that mean a button, share wrongly matched of all)."""
    meant = [p for p in played if p.case.expect]
    matched = sum(p.right for p in meant) / max(len(meant), 1)
    wrong = sum(p.wrong for p in played) / max(len(played), 1)
    return matched, wrong


def bench(row: Any) -> None:
    played, per_match = play()
    matched, wrong = shares(played)
    row(
        f"typed replies to buttons ({len(played)} messy replies): matched",
        f"{matched:8.1%}",
        ">= 90 %",
    )
    row("typed replies to buttons: wrongly matched", f"{wrong:8.1%}", "<= 1 %")
    row("typed replies to buttons: one match, mean", f"{per_match * 1000:8.3f} ms")
