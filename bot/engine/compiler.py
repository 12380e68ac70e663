"""Validated script model -> frozen runtime `Script` with its state machine.

The schema has checked each block's shape; here we check how the blocks fit together, each
problem with its place in the file: step ids, jumps and branches, conditions and the answers
they test, answers shown inside texts, loops without a question, languages, button labels,
the check-your-answers step, the summary, the `attention` rules.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterator, Mapping
from pathlib import PurePath

from . import loader
from .acks import Ack
from .conditions import (
    AllOf,
    Always,
    Answered,
    AnswerEquals,
    AnswerLessThan,
    AnswerMoreThan,
    AnswerOneOf,
    AnyOf,
    Condition,
    Not,
    Route,
    Skipped,
)
from .errors import ScriptError, ScriptProblem
from .flow import Flow
from .kinds import AnswerKind, BadValue, ChoiceKind, ListKind, MultiChoiceKind, build_kind
from .kinds.choice import Option
from .loader import Document, Path
from .model import END
from .piping import Wording
from .schema import (
    AckRule,
    AnswerTest,
    CheckStep,
    LangTexts,
    ListQuestion,
    SayStep,
    ScriptModel,
    StepModel,
    TextQuestion,
    YesNoQuestion,
    as_text,
)
from .schema import (
    AllOf as AllOfModel,
)
from .schema import AnyOf as AnyOfModel
from .schema import Condition as ConditionModel
from .schema import NotOf as NotOfModel
from .script import AttentionRule, CheckAnswers, Script, Step, SummarySection
from .system import SHARE_QUESTION
from .texts import BUTTON_LABEL_LIMIT, Text, telegram_length
from .validation import validate

END_WORD = "end"
TITLE_ADVICE_LENGTH = 40
LABEL_ADVICE_LENGTH = 30  # longer button labels are cut off on many phones
TICK_ROOM = 2  # "✓ " in front of a ticked label
REASON_ADVICE_LENGTH = 60  # an attention reason is a tag on the caseload: a few words

_TESTS = ("is", "one_of", "less_than", "more_than", "answered", "skipped")


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


def _text_key(step: StepModel) -> str:
    return "say" if isinstance(step, SayStep) else "ask"


def _text_of(step: StepModel) -> Text:
    if isinstance(step, SayStep):
        return as_text(step.say)
    if isinstance(step, CheckStep):
        return as_text(step.ask) if step.ask is not None else SHARE_QUESTION
    return as_text(step.ask)


def _close(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f" — did you mean `{close[0]}`?" if close else ""


class _Compiler:
    def __init__(self, model: ScriptModel, doc: Document, text: str, file: str) -> None:
        self.model = model
        self.smap = doc.source_map
        self.text = text
        self.file = file
        self.problems: list[ScriptProblem] = []
        self.languages = tuple(dict.fromkeys(model.languages))
        self.ids = [step.id for step in model.steps]
        self.index_of: dict[str, int] = {}
        for index, step_id in enumerate(self.ids):
            self.index_of.setdefault(step_id, index)
        self.kinds: list[AnswerKind | None] = [self._kind(i, s) for i, s in enumerate(model.steps)]
        self.whens: list[Condition | None] = [None] * len(model.steps)
        self.acks: list[tuple[Ack, ...]] = [()] * len(model.steps)

    # ---- reporting ------------------------------------------------------------------------

    def error(self, path: Path, message: str, *, at_key: bool = False) -> None:
        self.problems.append(self.smap.problem(path, message, at_key=at_key))

    def warn(self, path: Path, message: str, *, at_key: bool = False) -> None:
        self.problems.append(self.smap.problem(path, message, at_key=at_key, severity="warning"))

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def _kind(self, index: int, step: StepModel) -> AnswerKind | None:
        try:
            return build_kind(step)
        except BadValue as err:
            self.error(("steps", index, *err.path), err.message)
            return None if isinstance(step, SayStep | CheckStep) else _Broken()

    @property
    def question_ids(self) -> list[str]:
        return [i for i, kind in zip(self.ids, self.kinds, strict=True) if kind is not None]

    # ---- building -------------------------------------------------------------------------

    def build(self) -> Script:
        self.check_header()
        self.check_ids()
        self.check_texts()
        self.check_steps()
        self.check_labels()
        self.check_pipes()
        self.compile_whens()
        self.compile_acks()
        routes = self.routes()
        self.check_targets()
        if len(set(self.ids)) == len(self.ids):  # with a repeated id, routes are ambiguous
            self.check_loops(routes)
            self.check_after_check(routes)
        if not self.failed:  # else the warnings are noise
            self.check_reachable(routes)
            self.check_check_reached(routes)
        self.check_summary()
        attention = self.attention()
        if self.failed:
            raise ScriptError(self.problems)
        steps = tuple(
            self._step(index, step, routes) for index, step in enumerate(self.model.steps)
        )
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
            _by_id={step.id: step for step in steps},
            share_always=self.model.share == "always",
            attention=attention,
        )

    def _step(self, index: int, step: StepModel, routes: Mapping[str, list[Route]]) -> Step:
        text = _text_of(step)
        check = None
        if isinstance(step, CheckStep):
            check = CheckAnswers(
                question=as_text(step.ask) if step.ask is not None else None,
                share_label=as_text(step.share_button) if step.share_button else None,
                keep_label=as_text(step.keep_button) if step.keep_button else None,
            )
        short = getattr(step, "short", None)
        return Step(
            id=step.id,
            text=text,
            kind=self.kinds[index],
            skip=bool(getattr(step, "skip", False)),
            routes=tuple(routes[step.id]),
            line=self.smap.value(("steps", index)).line,
            rather_not_say=bool(getattr(step, "rather_not_say", False)),
            when=self.whens[index],
            below=self.ids[index + 1] if index + 1 < len(self.ids) else END,
            short=as_text(short) if short is not None else None,
            asks_for_call=bool(getattr(step, "asks_for_call", False)),
            call_time=bool(getattr(step, "call_time", False)),
            expected_worries=frozenset(getattr(step, "expected_worries", None) or ()),
            check=check,
            wording=Wording.of(text),
            acks=self.acks[index],
        )

    def routes(self) -> dict[str, list[Route]]:
        routes: dict[str, list[Route]] = {}
        for index, step in enumerate(self.model.steps):
            own: list[Route] = []
            kind = self.kinds[index]
            if isinstance(kind, ChoiceKind):
                for option in kind.options:
                    if option.next is not None:
                        own.append(
                            Route(
                                AnswerEquals(step.id, option.value, shown=option.label),
                                _target(option.next),
                            )
                        )
            if step.end:
                fallback = END
            elif index + 1 < len(self.ids):
                fallback = self.ids[index + 1]
            else:
                fallback = END
            if isinstance(step.next, str):
                fallback = _target(step.next)
            elif isinstance(step.next, list):
                last = len(step.next) - 1
                for number, branch in enumerate(step.next):
                    path: Path = ("steps", index, "next", number)
                    if branch.if_ is None:
                        if number != last:
                            self.error(
                                path,
                                "a `goto` without `if` is where everyone else goes, so it must "
                                "be the last line; the lines below it are never used",
                            )
                        fallback = _target(branch.goto)
                        continue
                    condition = self.condition(branch.if_, (*path, "if"), None)
                    own.append(Route(condition, _target(branch.goto)))
            own.append(Route(Always(), fallback))
            routes.setdefault(step.id, own)  # a duplicate id is reported by check_ids
        return routes

    # ---- conditions -----------------------------------------------------------------------

    def compile_whens(self) -> None:
        for index, step in enumerate(self.model.steps):
            if step.when is not None:
                self.whens[index] = self.condition(step.when, ("steps", index, "when"), index)

    def compile_acks(self) -> None:
        """`ack:` — a text, or `{when, say}` rules tried in order; one without `when` last."""
        questions = self.question_ids
        for index, step in enumerate(self.model.steps):
            raw = getattr(step, "ack", None)
            if raw is None:
                continue
            here: Path = ("steps", index, "ack")
            rules = raw if isinstance(raw, list) else [AckRule(when=None, say=raw)]
            if not rules:
                self.error(here, "`ack` has no lines; write a text, or remove `ack:`")
                continue
            built: list[Ack] = []
            for number, rule in enumerate(rules):
                path: Path = (*here, number) if isinstance(raw, list) else here
                when = None
                if rule.when is not None:
                    # The answer just given may be tested (unlike a step's own `when:`).
                    when = self.condition(rule.when, (*path, "when"), None)
                elif number != len(rules) - 1:
                    self.error(
                        path,
                        "a line without `when:` is said after any answer, so it must be the "
                        "last; the lines below it are never used",
                    )
                text = as_text(rule.say)
                wording = Wording.of(text)
                self._check_slots(
                    (*path, "say") if isinstance(raw, list) else path, wording, questions, None
                )
                built.append(Ack(wording, when))
            self.acks[index] = tuple(built)

    def condition(self, model: ConditionModel, path: Path, owner: int | None) -> Condition:
        if isinstance(model, AllOfModel):
            return AllOf(
                tuple(self.condition(c, (*path, "all", i), owner) for i, c in enumerate(model.all))
            )
        if isinstance(model, AnyOfModel):
            return AnyOf(
                tuple(self.condition(c, (*path, "any", i), owner) for i, c in enumerate(model.any))
            )
        if isinstance(model, NotOfModel):
            return Not(self.condition(model.not_, (*path, "not"), owner))
        return self.answer_test(model, path, owner)

    def answer_test(self, model: AnswerTest, path: Path, owner: int | None) -> Condition:
        given = {
            "is": model.is_,
            "one_of": model.one_of,
            "less_than": model.less_than,
            "more_than": model.more_than,
            "answered": model.answered,
            "skipped": model.skipped,
        }
        tests = [(key, value) for key, value in given.items() if value is not None]
        target = model.answer
        if not tests:
            self.error(
                path,
                f"this condition names the answer (`{target}`) but not what to test; add "
                "`is:`, `one_of:`, `less_than:`, `more_than:`, `answered: true` or `skipped: true`",
            )
            return Always()
        if len(tests) > 1:
            self.error(
                (*path, tests[1][0]),
                f"one condition tests one thing: to test `{tests[0][0]}` and `{tests[1][0]}` "
                "together, write two conditions under `all:`",
                at_key=True,
            )
        index = self.index_of.get(target)
        if index is None:
            hint = _close(target, self.question_ids) or _close(target, self.ids)
            self.error((*path, "answer"), f"there is no question `{target}`{hint}")
            return Always()
        kind = self.kinds[index]
        if kind is None or isinstance(kind, _Broken):
            if kind is None:
                self.error(
                    (*path, "answer"),
                    f"`{target}` is a message, not a question, so it has no answer to test",
                )
            return Always()
        if owner is not None and index == owner:
            self.error(
                (*path, "answer"),
                f"`when:` decides whether `{target}` is asked, so it can't test `{target}`'s own "
                "answer; test an earlier question",
            )
            return Always()
        op, raw = tests[0]
        if op == "answered":
            return Answered(target, bool(raw))
        if op == "skipped":
            return Skipped(target, bool(raw))
        try:
            if op == "one_of":
                assert isinstance(raw, list)
                values, shown = [], []
                for number, item in enumerate(raw):
                    try:
                        value, label = kind.condition_value(op, item)
                    except BadValue as err:
                        self.error((*path, "one_of", number), err.message)
                        continue
                    values.append(value)
                    shown.append(label)
                return AnswerOneOf(target, tuple(values), tuple(shown), kind.fold, kind.many)
            value, label = kind.condition_value(op, raw)
        except BadValue as err:
            self.error((*path, op), err.message)
            return Always()
        if op == "is":
            return AnswerEquals(target, value, label, kind.fold, kind.many)
        measure = kind.measure or "number"
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.error((*path, op), f"`{op}` needs a number or a date")
            return Always()
        if op == "less_than":
            return AnswerLessThan(target, value, measure, label)
        return AnswerMoreThan(target, value, measure, label)

    def attention(self) -> tuple[AttentionRule, ...]:
        """`attention:` rules. Their conditions test the answers as shared, at the end, so
        any question of the script may be tested; their words are for staff, in English."""
        rules: list[AttentionRule] = []
        for index, rule in enumerate(self.model.attention):
            path: Path = ("attention", index)
            when = self.condition(rule.when, (*path, "when"), None)
            reason = as_text(rule.say)
            english = reason.get("en")
            if english is None:
                self.error(
                    (*path, "say"),
                    "staff read this on the caseload in English: add an `en:` line",
                )
            elif len(english) > REASON_ADVICE_LENGTH:
                self.warn(
                    (*path, "say"),
                    f"this reason has {len(english)} characters; it is shown as a tag on the "
                    f"caseload, so keep it to {REASON_ADVICE_LENGTH} (a few words)",
                )
            rules.append(AttentionRule(when, reason))
        return tuple(rules)

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

    def _texts(self) -> Iterator[tuple[Path, str | LangTexts | Text]]:
        yield ("title",), self.model.title
        yield ("about",), self.model.about
        for index, step in enumerate(self.model.steps):
            here: Path = ("steps", index)
            if isinstance(step, CheckStep):
                for key in ("ask", "share_button", "keep_button"):
                    value = getattr(step, key)
                    if value is not None:
                        yield (*here, key), value
            else:
                yield (*here, _text_key(step)), step.say if isinstance(step, SayStep) else step.ask
            short = getattr(step, "short", None)
            if short is not None:
                yield (*here, "short"), short
            ack = getattr(step, "ack", None)
            if isinstance(ack, list):
                for number, rule in enumerate(ack):
                    yield (*here, "ack", number, "say"), rule.say
            elif ack is not None:
                yield (*here, "ack"), ack
            kind = self.kinds[index]
            if kind is not None:
                for path, text in kind.texts():
                    yield (*here, *path), text
        for index, section in enumerate(self.model.summary):
            yield ("summary", index, "heading"), section.heading

    def check_texts(self) -> None:
        wanted: set[str] = set(self.languages)
        for path, value in self._texts():
            given = set(value.langs if isinstance(value, Text) else as_text(value).langs)
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
        checks = 0
        asks_for_call = False
        for index, step in enumerate(self.model.steps):
            here: Path = ("steps", index)
            if getattr(step, "asks_for_call", False):
                asks_for_call = True
                if not isinstance(step, YesNoQuestion):
                    self.error(
                        (*here, "asks_for_call"),
                        "`asks_for_call` goes on a yes/no question (`answer: yes_no`): "
                        "a Yes is the request for a call",
                        at_key=True,
                    )
            if getattr(step, "call_time", False):
                if not isinstance(step, TextQuestion):
                    self.error(
                        (*here, "call_time"),
                        "`call_time` goes on a typed question (`ask:` with no `answer:`), "
                        "like “When is a good time to call?”",
                        at_key=True,
                    )
                elif not asks_for_call:
                    self.error(
                        (*here, "call_time"),
                        "`call_time` needs a question with `asks_for_call: true` above it: "
                        "it is when to make that call",
                        at_key=True,
                    )
            if step.end and step.next is not None:
                self.error(
                    (*here, "end"), "a step can have `next:` or `end: true`, not both", at_key=True
                )
            if (
                isinstance(step, TextQuestion)
                and step.min_length is not None
                and step.min_length > step.max_length
            ):
                self.error(
                    (*here, "min_length"),
                    f"`min_length` ({step.min_length}) is more than `max_length` ({step.max_length})",
                )
            if isinstance(step, CheckStep):
                if not step.check_answers:
                    self.error(
                        (*here, "check_answers"),
                        "`check_answers: false` does nothing; write `true`, or remove the step",
                    )
                checks += 1
                if checks > 1:
                    self.error(
                        (*here, "check_answers"),
                        "a script can have one check-your-answers step; remove this one",
                        at_key=True,
                    )
                if self.model.share == "always":
                    self.error(
                        ("share",),
                        "`share: always` means nobody is asked, but this script has a "
                        "`check_answers` step that asks; remove one of them",
                    )
            named: set[str] = set()
            for number, name in enumerate(getattr(step, "expected_worries", None) or ()):
                if name in named:
                    self.warn(
                        (*here, "expected_worries", number),
                        f"`{name}` is listed twice in `expected_worries`; once is enough",
                    )
                named.add(name)
            if isinstance(step, ListQuestion):
                seen: set[str] = set()
                for number, item in enumerate(step.questions):
                    if item.id in seen:
                        self.error(
                            (*here, "questions", number, "id"),
                            f"two questions in this list have the id `{item.id}`",
                        )
                    seen.add(item.id)
            kind = self.kinds[index]
            for path, options, room in self._option_sets(here, kind):
                self.check_choices(path, options, room)

    def _option_sets(
        self, here: Path, kind: AnswerKind | None
    ) -> Iterator[tuple[Path, tuple[Option, ...], int]]:
        if isinstance(kind, ChoiceKind):
            yield here, kind.options, BUTTON_LABEL_LIMIT
        elif isinstance(kind, MultiChoiceKind):
            yield here, kind.options, BUTTON_LABEL_LIMIT - TICK_ROOM
        elif isinstance(kind, ListKind):
            for number, question in enumerate(kind.questions):
                yield from self._option_sets((*here, "questions", number), question.kind)

    def check_choices(self, here: Path, options: tuple[Option, ...], room: int) -> None:
        values: dict[str, int] = {}
        labels: dict[tuple[str, str], int] = {}
        for number, option in enumerate(options):
            path: Path = (*here, "choices", number)
            for lang, label in option.label.by_lang:
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
            if room < BUTTON_LABEL_LIMIT and option.value == "none":
                self.error(
                    (*path, "value")
                    if self.smap.values.get((*path, "value"))
                    else (*path, "label"),
                    "`none` is kept for the `none_of_these` button; give this choice another `value:`",
                )

    def _labels(self) -> Iterator[tuple[Path, Text, int]]:
        """Every button label a script writes, with the room it has."""
        for index, step in enumerate(self.model.steps):
            here: Path = ("steps", index)
            kind = self.kinds[index]
            for path, options, room in self._option_sets(here, kind):
                for number, option in enumerate(options):
                    yield (*path, "choices", number, "label"), option.label, room
            for key in (
                "short",
                "share_button",
                "keep_button",
                "yes",
                "no",
                "add_button",
                "done_button",
            ):
                value = getattr(step, key, None)
                if value is not None:
                    yield (*here, key), as_text(value), BUTTON_LABEL_LIMIT
            none = getattr(step, "none_of_these", None)
            if none is not None:
                yield (*here, "none_of_these"), as_text(none), BUTTON_LABEL_LIMIT - TICK_ROOM
            if isinstance(step, ListQuestion):
                for number, item in enumerate(step.questions):
                    for key in ("yes", "no"):
                        value = getattr(item, key, None)
                        if value is not None:
                            yield (
                                (*here, "questions", number, key),
                                as_text(value),
                                BUTTON_LABEL_LIMIT,
                            )
                    none = getattr(item, "none_of_these", None)
                    if none is not None:
                        yield (
                            (*here, "questions", number, "none_of_these"),
                            as_text(none),
                            BUTTON_LABEL_LIMIT - TICK_ROOM,
                        )

    def check_labels(self) -> None:
        for path, text, room in self._labels():
            for lang, label in text.by_lang:
                size = telegram_length(label)
                if size > room:
                    self.error(
                        path,
                        f"this button label has {size} characters; a button can show at most {room}",
                    )
                elif size > LABEL_ADVICE_LENGTH:
                    self.warn(
                        path,
                        f"the {lang} button label has {size} characters; many phones cut labels "
                        f"over {LABEL_ADVICE_LENGTH} short",
                    )

    def check_pipes(self) -> None:
        questions = self.question_ids
        for index, step in enumerate(self.model.steps):
            here: Path = ("steps", index)
            if isinstance(step, CheckStep):
                if step.ask is None:
                    continue
                key = "ask"
            else:
                key = _text_key(step)
            own = step.id if self.kinds[index] is not None else None
            self._check_slots((*here, key), Wording.of(_text_of(step)), questions, own)
            kind = self.kinds[index]
            if isinstance(kind, ListKind):
                siblings = [question.id for question in kind.questions]
                for number, question in enumerate(kind.questions):
                    self._check_slots(
                        (*here, "questions", number, "ask"),
                        question.wording,
                        [*siblings, *questions],
                        own=question.id,
                    )

    def _check_slots(self, path: Path, wording: Wording, known: list[str], own: str | None) -> None:
        reported: set[str] = set()
        for _, slot in wording.slots:
            name = slot.name
            if name in reported:
                continue
            reported.add(name)
            if name == own:
                self.error(path, f"`{{{name}}}`: a question can't show its own answer")
            elif name not in known:
                if name in self.ids:
                    self.error(
                        path, f"`{{{name}}}`: `{name}` is a message, so it has no answer to show"
                    )
                else:
                    hint = _close(name, known) or _close(name.lower(), known)
                    self.error(
                        path,
                        f"`{{{name}}}`: there is no answer `{name}` to show here"
                        + (hint or "; to write a brace, type it twice: `{{`"),
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
            if isinstance(step.next, str):
                self._check_target(("steps", index, "next"), step.next)
            elif isinstance(step.next, list):
                for number, branch in enumerate(step.next):
                    self._check_target(("steps", index, "next", number, "goto"), branch.goto)
            kind = self.kinds[index]
            if isinstance(kind, ChoiceKind):
                for number, option in enumerate(kind.options):
                    if option.next is not None:
                        self._check_target(("steps", index, "choices", number, "next"), option.next)

    def check_loops(self, routes: Mapping[str, list[Route]]) -> None:
        """Messages (say-steps) that lead round to themselves with no question would never stop."""
        says = {step.id for step in self.model.steps if isinstance(step, SayStep)}
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
                index = self.index_of[closer]
                has_next = self.model.steps[index].next is not None
                self.error(
                    ("steps", index, "next") if has_next else ("steps", index, "id"),
                    "these steps go round in a circle with no question, so the conversation "
                    f"would never stop: {' → '.join(circle)}. Add a question to the circle, or "
                    "point `next:` somewhere outside it",
                )
            done.update(walk)

    def _onward(self, step_id: str, routes: Mapping[str, list[Route]]) -> Iterator[str]:
        """The steps that can come straight after `step_id` (jumps, and passing over)."""
        for route in routes[step_id]:
            yield route.target
        index = self.index_of[step_id]
        if self.model.steps[index].when is not None and index + 1 < len(self.ids):
            yield self.ids[index + 1]  # passed over: on to the step below

    def check_after_check(self, routes: Mapping[str, list[Route]]) -> None:
        for index, step in enumerate(self.model.steps):
            if not isinstance(step, CheckStep):
                continue
            seen: set[str] = set()
            todo = [route.target for route in routes[step.id]]
            while todo:
                current = todo.pop()
                if current == END or current in seen:
                    continue
                seen.add(current)
                after = self.model.steps[self.index_of[current]]
                if isinstance(after, SayStep):
                    todo.extend(self._onward(current, routes))
                    continue
                self.error(
                    ("steps", index, "id"),
                    f"only messages can come after the check-your-answers step (answers are "
                    f"shared there), but `{current}` can come after it; move `{current}` above "
                    f"`{step.id}`, or finish with `end: true`",
                )
                break

    def check_check_reached(self, routes: Mapping[str, list[Route]]) -> None:
        """With a check step, every way to the end should pass it (else nobody is asked)."""
        checks = [i for i, step in enumerate(self.model.steps) if isinstance(step, CheckStep)]
        if not checks:
            return
        check = self.ids[checks[0]]
        seen = {self.ids[0]}
        todo = [self.ids[0]]
        while todo:
            current = todo.pop()
            if current == check:
                continue
            for target in self._onward(current, routes):
                if target == END:
                    self.warn(
                        ("steps", checks[0], "id"),
                        f"some ways through this conversation finish without reaching `{check}`, "
                        "so those people are never asked whether to share their answers; point "
                        f"`next: end` at `{check}` instead",
                    )
                    return
                if target not in seen:
                    seen.add(target)
                    todo.append(target)

    def check_reachable(self, routes: Mapping[str, list[Route]]) -> None:
        seen = {self.ids[0]}
        todo = [self.ids[0]]
        while todo:
            current = todo.pop()
            for target in self._onward(current, routes):
                if target in routes and target not in seen:
                    seen.add(target)
                    todo.append(target)
            # A first step that is passed over leads on to the one below it.
        for index, step_id in enumerate(self.ids):
            if step_id not in seen:
                self.warn(
                    ("steps", index, "id"),
                    f"no step leads to `{step_id}`, so nobody will see it; "
                    "point a `next:` at it or remove it",
                )

    def check_summary(self) -> None:
        questions = set(self.question_ids)
        listed: set[str] = set()
        for index, section in enumerate(self.model.summary):
            for number, step_id in enumerate(section.steps):
                path: Path = ("summary", index, "steps", number)
                if step_id not in self.ids:
                    self.error(path, f"there is no step `{step_id}`{_close(step_id, self.ids)}")
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


class _Broken(AnswerKind):
    """Stands in for a question whose settings were refused, so other checks can go on."""

    __slots__ = ()


def _target(target: str) -> str:
    return END if target == END_WORD else target
