"""Validated script model -> frozen runtime `Script` with its state machine.

The schema has checked each block's shape; here we check how the blocks fit together, each
problem with its place in the file: step ids, jumps and branches, loops without a question,
languages, button labels, the summary.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterator, Mapping
from pathlib import PurePath

from . import loader
from .conditions import Always, AnswerEquals, Route
from .errors import EngineError, ScriptError, ScriptProblem
from .flow import Flow
from .kinds import AnswerKind, ChoiceKind
from .kinds import choice as choice_kind
from .kinds import text as text_kind
from .loader import Document, Path
from .model import END, SKIP_LABEL, SKIP_TOKEN, Button, Prompt
from .schema import (
    ChoiceQuestion,
    LangTexts,
    SayStep,
    ScriptModel,
    StepModel,
    TextQuestion,
    as_text,
)
from .script import Script, Step, SummarySection
from .texts import BUTTON_LABEL_LIMIT, Text, split_message, telegram_length
from .validation import validate

END_WORD = "end"
TITLE_ADVICE_LENGTH = 40


def script_version(text: str) -> str:
    """sha256 hex of a script's text, with newlines normalised."""
    return hashlib.sha256(loader.normalise_newlines(text).encode("utf-8")).hexdigest()


def tool_id_for(file: str) -> str:
    """The tool id a file name asks for: ``dialogues/good_day.yaml`` -> ``good_day``."""
    name = PurePath(file).name
    for suffix in (".yaml", ".yml"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def compile_text(text: str, file: str) -> Script:
    """Script text (newlines already normalised) -> `Script`, or `ScriptError`."""
    loader.check_text(text, file)
    doc = loader.parse(text, file)
    model = validate(doc)
    return _Compiler(model, doc, text, file).build()


def _kind_of(step: StepModel) -> AnswerKind | None:
    if isinstance(step, ChoiceQuestion):
        return choice_kind.build(step)
    if isinstance(step, TextQuestion):
        return text_kind.build(step)
    return None


def _text_of(step: StepModel) -> str | LangTexts:
    return step.say if isinstance(step, SayStep) else step.ask


class _Compiler:
    def __init__(self, model: ScriptModel, doc: Document, text: str, file: str) -> None:
        self.model = model
        self.smap = doc.source_map
        self.text = text
        self.file = file
        self.problems: list[ScriptProblem] = []
        self.languages = tuple(dict.fromkeys(model.languages))
        self.ids = [step.id for step in model.steps]
        self.kinds = [_kind_of(step) for step in model.steps]

    # ---- reporting ------------------------------------------------------------------------

    def error(self, path: Path, message: str, *, at_key: bool = False) -> None:
        self.problems.append(self.smap.problem(path, message, at_key=at_key))

    def warn(self, path: Path, message: str, *, at_key: bool = False) -> None:
        self.problems.append(self.smap.problem(path, message, at_key=at_key, severity="warning"))

    # ---- building -------------------------------------------------------------------------

    def build(self) -> Script:
        self.check_header()
        self.check_ids()
        self.check_texts()
        self.check_steps()
        routes = self.routes()
        self.check_targets()
        if len(set(self.ids)) == len(self.ids):  # with a repeated id, routes are ambiguous
            self.check_loops(routes)
        if not any(p.severity == "error" for p in self.problems):  # else the warnings are noise
            self.check_reachable(routes)
        self.check_summary()
        if any(p.severity == "error" for p in self.problems):
            raise ScriptError(self.problems)
        steps = tuple(
            Step(
                id=step.id,
                text=as_text(_text_of(step)),
                kind=self.kinds[index],
                skip=not isinstance(step, SayStep) and step.skip,
                routes=tuple(routes[step.id]),
                line=self.smap.value(("steps", index)).line,
            )
            for index, step in enumerate(self.model.steps)
        )
        by_id = {step.id: step for step in steps}
        return Script(
            id=self.model.tool,
            title=as_text(self.model.title),
            about=as_text(self.model.about),
            languages=self.languages,
            reading_grade=self.model.reading_grade,
            version=script_version(self.text),
            source=self.text,
            file=self.file,
            steps=steps,
            summary=tuple(
                SummarySection(as_text(section.heading), tuple(section.steps))
                for section in self.model.summary
            ),
            warnings=tuple(self.problems),
            flow=Flow(self.ids, routes),
            _by_id=by_id,
            _prompts={
                (step.id, lang): _prompts(step, lang) for step in steps for lang in self.languages
            },
        )

    def routes(self) -> dict[str, list[Route]]:
        routes: dict[str, list[Route]] = {}
        for index, step in enumerate(self.model.steps):
            own: list[Route] = []
            kind = self.kinds[index]
            if isinstance(kind, ChoiceKind):
                for option in kind.options:
                    if option.next is not None:
                        own.append(Route(AnswerEquals(step.id, option.value), _target(option.next)))
            if step.end:
                fallback = END
            elif step.next is not None:
                fallback = _target(step.next)
            elif index + 1 < len(self.ids):
                fallback = self.ids[index + 1]
            else:
                fallback = END
            own.append(Route(Always(), fallback))
            routes.setdefault(step.id, own)  # a duplicate id is reported by check_ids
        return routes

    # ---- checks ---------------------------------------------------------------------------

    def check_header(self) -> None:
        wanted = tool_id_for(self.file)
        if self.model.tool != wanted:
            self.error(
                ("tool",),
                f"`tool: {self.model.tool}` must match the file name: "
                f"write `tool: {wanted}`, or rename the file to {self.model.tool}.yaml",
            )
        if len(self.languages) < len(self.model.languages):
            self.error(("languages",), "a language is listed twice in `languages`")
        if "en" not in self.languages:
            self.error(("languages",), "`languages` must include en (English)")
        for lang, title in as_text(self.model.title).by_lang:
            if telegram_length(title) > BUTTON_LABEL_LIMIT:
                self.error(
                    ("title",),
                    f"the title is too long for the menu button: at most {BUTTON_LABEL_LIMIT} characters",
                )
            elif len(title) > TITLE_ADVICE_LENGTH:
                self.warn(
                    ("title",),
                    f"the {lang} title has {len(title)} characters; keep it to "
                    f"{TITLE_ADVICE_LENGTH} so it fits on a phone",
                )
        if any("\n" in about for _, about in as_text(self.model.about).by_lang):
            self.warn(("about",), "`about` is shown as one line in the menu; keep it to one line")

    def check_ids(self) -> None:
        first_seen: dict[str, int] = {}
        for index, step_id in enumerate(self.ids):
            path: Path = ("steps", index, "id")
            if step_id == END_WORD:
                self.error(
                    path,
                    "`end` is a reserved word (`next: end` finishes); give this step another id",
                )
            elif step_id in first_seen:
                line = self.smap.value(("steps", first_seen[step_id], "id")).line
                self.error(
                    path,
                    f"the step id `{step_id}` is used twice (first on line {line}); "
                    "give each step its own id",
                )
            else:
                first_seen[step_id] = index
        if not any(kind is not None for kind in self.kinds):
            self.error(("steps",), "this script has no question; add a step with `ask:`")

    def _texts(self) -> Iterator[tuple[Path, str | LangTexts]]:
        yield ("title",), self.model.title
        yield ("about",), self.model.about
        for index, step in enumerate(self.model.steps):
            key = "say" if isinstance(step, SayStep) else "ask"
            yield ("steps", index, key), _text_of(step)
            if isinstance(step, ChoiceQuestion):
                for number, choice in enumerate(step.choices):
                    yield ("steps", index, "choices", number, "label"), choice.label
        for index, section in enumerate(self.model.summary):
            yield ("summary", index, "heading"), section.heading

    def check_texts(self) -> None:
        wanted: set[str] = set(self.languages)
        for path, value in self._texts():
            given = set(as_text(value).langs)
            for lang in sorted(wanted - given):
                if isinstance(value, str) and lang != "en":
                    message = f"this text is only in English; the script also lists `{lang}`, so write `en:` and `{lang}:` lines"
                else:
                    message = f"this text has no `{lang}:` line, but the script lists `{lang}` in `languages`"
                self.error(path, message)
            for lang in sorted(given - wanted):
                self.warn(
                    (*path, lang),
                    f"`{lang}` is not in the script's `languages`, so this text is never shown",
                    at_key=True,
                )

    def check_steps(self) -> None:
        for index, step in enumerate(self.model.steps):
            if step.end and step.next is not None:
                self.error(
                    ("steps", index, "end"),
                    "a step can have `next:` or `end: true`, not both",
                    at_key=True,
                )
            if (
                isinstance(step, TextQuestion)
                and step.min_length is not None
                and step.min_length > step.max_length
            ):
                self.error(
                    ("steps", index, "min_length"),
                    f"`min_length` ({step.min_length}) is more than `max_length` ({step.max_length})",
                )
            kind = self.kinds[index]
            if isinstance(kind, ChoiceKind):
                self.check_choices(index, kind)

    def check_choices(self, index: int, kind: ChoiceKind) -> None:
        values: dict[str, int] = {}
        labels: dict[tuple[str, str], int] = {}
        for number, option in enumerate(kind.options):
            path: Path = ("steps", index, "choices", number)
            for lang, label in option.label.by_lang:
                if telegram_length(label) > BUTTON_LABEL_LIMIT:
                    self.error(
                        (*path, "label"),
                        f"this button label has {len(label)} characters; "
                        f"a button can show at most {BUTTON_LABEL_LIMIT}",
                    )
                seen = labels.setdefault((lang, label.casefold()), number)
                if seen != number:
                    self.error((*path, "label"), f"two choices have the label `{label}`")
            first = values.setdefault(option.value, number)
            if first != number:
                self.error(
                    (*path, "value")
                    if self.smap.values.get((*path, "value"))
                    else (*path, "label"),
                    f"two choices store the same value `{option.value}`; give one a different `value:`",
                )

    def _check_target(self, path: Path, target: str) -> None:
        if target == END_WORD or target in self.ids:
            return
        close = difflib.get_close_matches(target, [*self.ids, END_WORD], n=1, cutoff=0.6)
        hint = (
            f" — did you mean `{close[0]}`?"
            if close
            else f"; the step ids are: {', '.join(self.ids[:12])}"
        )
        self.error(path, f"there is no step `{target}` to go to{hint}")

    def check_targets(self) -> None:
        for index, step in enumerate(self.model.steps):
            if step.next is not None:
                self._check_target(("steps", index, "next"), step.next)
            if isinstance(step, ChoiceQuestion):
                for number, choice in enumerate(step.choices):
                    if choice.next is not None:
                        self._check_target(("steps", index, "choices", number, "next"), choice.next)

    def check_loops(self, routes: Mapping[str, list[Route]]) -> None:
        """Messages (say-steps) that lead round to themselves with no question would never stop."""
        says = {step.id for step in self.model.steps if isinstance(step, SayStep)}
        index_of = {step_id: index for index, step_id in enumerate(self.ids)}
        done: set[str] = set()
        for start in self.ids:
            if start not in says or start in done:
                continue
            walk: list[str] = []
            current = start
            while current in says and current not in done and current not in walk:
                walk.append(current)
                current = routes[current][-1].target
            if current in walk:
                circle = [*walk[walk.index(current) :], current]
                closer = walk[-1]
                index = index_of[closer]
                has_next = self.model.steps[index].next is not None
                self.error(
                    ("steps", index, "next") if has_next else ("steps", index, "id"),
                    "these steps go round in a circle with no question, so the conversation "
                    f"would never stop: {' → '.join(circle)}. Add a question to the circle, or "
                    "point `next:` somewhere outside it",
                )
            done.update(walk)

    def check_reachable(self, routes: Mapping[str, list[Route]]) -> None:
        seen = {self.ids[0]}
        todo = [self.ids[0]]
        while todo:
            for route in routes[todo.pop()]:
                if route.target in routes and route.target not in seen:
                    seen.add(route.target)
                    todo.append(route.target)
        for index, step_id in enumerate(self.ids):
            if step_id not in seen:
                self.warn(
                    ("steps", index, "id"),
                    f"no step leads to `{step_id}`, so nobody will see it; "
                    "point a `next:` at it or remove it",
                )

    def check_summary(self) -> None:
        questions = {
            step.id
            for step, kind in zip(self.model.steps, self.kinds, strict=True)
            if kind is not None
        }
        listed: set[str] = set()
        for index, section in enumerate(self.model.summary):
            for number, step_id in enumerate(section.steps):
                path: Path = ("summary", index, "steps", number)
                if step_id not in self.ids:
                    close = difflib.get_close_matches(step_id, self.ids, n=1, cutoff=0.6)
                    hint = f" — did you mean `{close[0]}`?" if close else ""
                    self.error(path, f"there is no step `{step_id}`{hint}")
                elif step_id not in questions:
                    self.error(
                        path,
                        f"`{step_id}` is a message, not a question, so it has no answer to show",
                    )
                elif step_id in listed:
                    self.warn(path, f"`{step_id}` is already under another heading")
                listed.add(step_id)
        if self.model.summary:
            for index, step_id in enumerate(self.ids):
                if step_id in questions and step_id not in listed:
                    self.warn(
                        ("steps", index, "id"),
                        f"the answer to `{step_id}` is not under any `summary` heading, "
                        "so it won't be on the case manager's one-page profile",
                    )


def _target(target: str) -> str:
    return END if target == END_WORD else target


def _prompts(step: Step, lang: str) -> tuple[Prompt, ...]:
    pieces = split_message(step.text.pick(lang))
    if step.kind is None:
        return tuple(Prompt(piece, (), step.id, None) for piece in pieces)
    rows = step.kind.buttons(lang)
    if step.skip:
        rows = (*rows, (Button(Text.of(SKIP_LABEL).pick(lang), SKIP_TOKEN),))
    if not pieces:
        raise EngineError(f"step {step.id!r} has no text")
    *before, last = pieces
    return (
        *(Prompt(piece, (), step.id, None) for piece in before),
        Prompt(last, rows, step.id, step.kind.expects),
    )
