"""`tandem dialogues check`: everything wrong with a script, and what looks wrong.

The loader and the compiler already refuse broken scripts with located errors (the YAML, the
schema, unknown keys with "did you mean", duplicate ids, jumps to missing steps, circles of
messages) and warn about steps nobody can reach. This module reuses them as they are and adds
analyses of the compiled `Script`:

- loops with no way out: steps from which the conversation can never finish (an error);
- dead ends: a path that finishes only because it ran off the bottom of the file, in a script
  that marks its other endings with ``end: true`` (a forgotten ``next:``);
- conditions that can never see their answer: a branch or a `when:` on a question that is
  only asked later (the compiler checks the values they test);
- translations: every text a person sees, in every language the script lists (errors), and
  Welsh texts that are still the English words (warnings);
- Telegram's limits: messages over 4096 characters once earlier answers are put in, and more
  than 100 buttons under one message (the compiler checks the length of button labels);
- plain language: English messages above the script's reading grade (Flesch–Kincaid, via
  textstat; see `readability`), and staff words people should never see.

Pure: text in, problems out. Nothing here raises on any input (see `check_bytes`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from . import loader, readability
from .errors import ScriptError, ScriptProblem, Severity
from .kinds import ChoiceKind
from .loader import Document, Path, YamlValue
from .model import END
from .registry import load_script_text
from .script import Script, Step
from .texts import MESSAGE_LIMIT, SUPPORTED_LANGS, Text, telegram_length
from .typical import SCREEN_CHARACTERS, summary_length

try:  # earlier answers in later texts; an engine without piping shows braces as written
    from .piping import PIPE_LIMIT
except ImportError:  # pragma: no cover
    PIPE_LIMIT = MESSAGE_LIMIT  # type: ignore[misc]

DEFAULT_READING_GRADE = 6
"""The target when a script sets no ``reading_grade``: about the reading age of 11 to 12."""

MAX_BUTTONS = 100  # Telegram's limit for the buttons under one message
PLAUSIBLE_TYPED = (
    1000  # the longest typed answer we expect to quote back (unless max_length says less)
)
PLAUSIBLE_OTHER = 100  # any other answer put into a message (a date, a number, a list...)
SAME_TEXT_MIN_WORDS = 3  # shorter texts (names, "OK") may well be the same in Welsh
MAX_CIRCLE_SHOWN = 8

LANG_NAMES = {"en": "English", "cy": "Welsh"}

# Words from the staff guide's "never use" list, with what to write instead.
STAFF_WORDS: tuple[tuple[str, str], ...] = (
    ("service users?", "say “you”"),
    ("offenders?", "say “you”, or “people on probation”"),
    ("criminogenic", "say in everyday words what you mean"),
    ("compliance", "say what you mean, like “keeping your appointments”"),
    ("interventions?", "name it, like “a course” or “support”"),
    ("risk factors?", "say “things that make it harder”"),
)
_STAFF_WORDS = tuple(
    (re.compile(rf"\b{pattern}\b", re.IGNORECASE), advice) for pattern, advice in STAFF_WORDS
)
_PLACEHOLDER = re.compile(r"\{\s*([a-z][a-z0-9_]*)(?:\s+or\s+([^{}]*?))?\s*\}")

# Praise that only fits some answers (said after any answer, it can jar).
_PRAISE = re.compile(
    r"\b(good to hear|glad|great|well done|brilliant|amazing|fantastic|excellent|wonderful|"
    r"good (?:goal|things|news|choice|idea|start)|that's good|nice one|love that)\b",
    re.IGNORECASE,
)
_TRUE = frozenset({"true", "yes", "on", "1"})
# Script fields whose texts are not the script's own person-facing words (steps are walked
# one by one; attention reasons are staff's words).
_NOT_SCRIPT_TEXTS = frozenset({"steps", "summary", "flow", "warnings", "attention"})


@dataclass(frozen=True, slots=True)
class Report:
    """What `check` found in one file. `script` is None when the file was refused."""

    file: str
    problems: tuple[ScriptProblem, ...]
    script: Script | None = None

    @property
    def errors(self) -> tuple[ScriptProblem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[ScriptProblem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")


def ordered(problems: Iterable[ScriptProblem]) -> tuple[ScriptProblem, ...]:
    """Errors first, then warnings, each in file order; each problem once."""
    return tuple(
        sorted(
            set(problems),
            key=lambda p: (p.file, p.severity != "error", p.line, p.col, p.message),
        )
    )


def check_bytes(
    raw: bytes, file: str, *, default_grade: int | None = DEFAULT_READING_GRADE
) -> Report:
    """Check the bytes of a script file. Never raises: every problem is in the report."""
    try:
        text = loader.decode(raw, file)
    except ScriptError as err:
        return Report(file, ordered(err.problems))
    return check_text(text, file, default_grade=default_grade)


def check_text(
    text: str, file: str, *, default_grade: int | None = DEFAULT_READING_GRADE
) -> Report:
    """Check a script's text. `file` is its file name (the tool id must match it)."""
    try:
        script = load_script_text(text, file)
    except ScriptError as err:
        return Report(file, ordered(err.problems))
    return Report(file, ordered([*script.warnings, *analyse(script, default_grade)]), script)


def analyse(
    script: Script, default_grade: int | None = DEFAULT_READING_GRADE
) -> list[ScriptProblem]:
    """The checker's own analyses of a compiled script (not the compiler's warnings)."""
    try:
        doc = loader.parse(script.source, script.file)
        return _Analysis(script, doc, default_grade).run()
    except Exception as err:  # a bug of ours must show as a problem, never as a traceback
        return [
            ScriptProblem(
                script.file,
                1,
                1,
                f"internal error in the checker ({type(err).__name__}); the script itself "
                "loaded, so it can be used, but please report this",
                "warning",
            )
        ]


# ---- the analyses ---------------------------------------------------------------------------


def _walk(value: YamlValue, path: Path) -> Iterator[tuple[Path, YamlValue]]:
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, (*path, index))


def _texts_in(value: object, depth: int = 0) -> Iterator[Text]:
    """Every `Text` inside a compiled value (dataclasses, tuples, mappings), outermost first."""
    if depth > 8:
        return
    if isinstance(value, Text):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            if item.name.startswith("_"):
                continue
            yield from _texts_in(getattr(value, item.name, None), depth + 1)
    elif isinstance(value, Mapping):
        for child in value.values():
            yield from _texts_in(child, depth + 1)
    elif isinstance(value, tuple | list | frozenset | set):
        for child in value:
            yield from _texts_in(child, depth + 1)


def _ways_on(step: Step) -> tuple[str, ...]:
    """Where the conversation can go from `step`: its routes, and the step below it when the
    step has a `when:` (arriving where `when` fails passes on to the step below)."""
    targets = [route.target for route in step.routes]
    if getattr(step, "when", None) is not None:
        below = getattr(step, "below", None)
        if isinstance(below, str):
            targets.append(below)
    return tuple(dict.fromkeys(targets))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _condition_steps(condition: object) -> tuple[str, ...]:
    """The steps whose answers a condition looks at (via the engine's `refers_to` when it has
    one; else the `step_id` of simple conditions)."""
    refers_to = getattr(condition, "refers_to", None)
    if callable(refers_to):
        try:
            found = refers_to()
        except Exception:  # an engine without it, or a condition that can't say
            found = ()
        if isinstance(found, Iterable) and not isinstance(found, str):
            return tuple(str(item) for item in found)
    step_id = getattr(condition, "step_id", None)
    return (step_id,) if isinstance(step_id, str) else ()


class _Analysis:
    def __init__(self, script: Script, doc: Document, default_grade: int | None) -> None:
        self.script = script
        self.doc = doc
        self.smap = doc.source_map
        self.default_grade = default_grade
        self.problems: list[ScriptProblem] = []
        self.steps = script.steps
        self.index = {step.id: number for number, step in enumerate(self.steps)}
        data = doc.data if isinstance(doc.data, dict) else {}
        raw_steps = data.get("steps")
        self.raw_steps: list[YamlValue] = raw_steps if isinstance(raw_steps, list) else []
        self.edges: dict[str, tuple[str, ...]] = {step.id: _ways_on(step) for step in self.steps}
        self.reachable = self._reachable()
        self._nodes: dict[Path, list[tuple[Path, YamlValue]]] = {}

    def run(self) -> list[ScriptProblem]:
        self.check_loops()
        self.check_dead_end()
        self.check_conditions()
        self.check_translations()
        self.check_telegram()
        self.check_plain_language()
        self.check_acks()
        self.check_summary_length()
        return self.problems

    # ---- reporting -------------------------------------------------------------------------

    def report(
        self, path: Path, message: str, severity: Severity = "warning", *, at_key: bool = False
    ) -> None:
        self.problems.append(self.smap.problem(path, message, at_key=at_key, severity=severity))

    def step_path(self, step_id: str, key: str = "id") -> Path:
        number = self.index[step_id]
        raw = self.raw_steps[number] if number < len(self.raw_steps) else None
        if isinstance(raw, dict) and key in raw:
            return ("steps", number, key)
        return ("steps", number, "id")

    def answer_path(self, step_id: str, key: str, answer: str) -> Path:
        """Where a condition under the step's `key` names `answer` (else the step's `key`)."""
        base = self.step_path(step_id, key)
        for path, node in self.nodes(base):
            if isinstance(node, dict) and node.get("answer") == answer:
                return (*path, "answer")
        return base

    def raw_step(self, step_id: str) -> dict[str, YamlValue]:
        number = self.index[step_id]
        raw = self.raw_steps[number] if number < len(self.raw_steps) else None
        return raw if isinstance(raw, dict) else {}

    def nodes(self, base: Path) -> list[tuple[Path, YamlValue]]:
        found = self._nodes.get(base)
        if found is None:
            value: YamlValue | None = self.doc.data
            for part in base:
                if isinstance(value, dict) and isinstance(part, str):
                    value = value.get(part)
                elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                    value = value[part]
                else:
                    value = None
                    break
            found = list(_walk(value, base)) if value is not None else []
            self._nodes[base] = found
        return found

    def text_path(self, base: Path, text: Text, lang: str | None = None) -> Path | None:
        """Where `text` is written under `base`: a plain string, or a block of ``en:``/``cy:``
        lines (then the line of `lang`, when given and written)."""
        for path, node in self.nodes(base):
            if (
                isinstance(node, dict)
                and node
                and set(node) <= set(SUPPORTED_LANGS)
                and any(
                    isinstance(node.get(code), str)
                    and str(node[code]).strip() == text.get(code, "\0")
                    for code in node
                )
            ):
                return (*path, lang) if lang is not None and lang in node else path
        english = text.get("en")
        for path, node in self.nodes(base):
            if isinstance(node, str) and english is not None and node.strip() == english:
                return path
        return None

    # ---- the flow ---------------------------------------------------------------------------

    def _reachable(self) -> set[str]:
        first = self.script.first_step
        seen = {first}
        todo = [first]
        while todo:
            for target in self.edges[todo.pop()]:
                if target in self.edges and target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    def check_loops(self) -> None:
        """Steps from which the conversation can never finish, whatever the person answers."""
        back: dict[str, set[str]] = {step.id: set() for step in self.steps}
        back[END] = set()
        for source, targets in self.edges.items():
            for target in targets:
                back.setdefault(target, set()).add(source)
        can_finish = {END}
        todo = [END]
        while todo:
            for source in back.get(todo.pop(), ()):
                if source not in can_finish:
                    can_finish.add(source)
                    todo.append(source)
        trapped = [s.id for s in self.steps if s.id in self.reachable and s.id not in can_finish]
        if not trapped:
            return
        for component in self._bottom_components(set(trapped)):
            self.report_circle(component)

    def _bottom_components(self, trapped: set[str]) -> list[list[str]]:
        """Strongly connected groups of `trapped` steps that lead nowhere outside themselves."""
        order = [s.id for s in self.steps if s.id in trapped]
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        groups: list[list[str]] = []
        counter = 0
        for root in order:
            if root in index:
                continue
            # Iterative Tarjan: (node, iterator over its trapped successors).
            work: list[tuple[str, Iterator[str]]] = []
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            work.append((root, iter(t for t in self.edges[root] if t in trapped)))
            while work:
                node, successors = work[-1]
                advanced = False
                for target in successors:
                    if target not in index:
                        index[target] = low[target] = counter
                        counter += 1
                        stack.append(target)
                        on_stack.add(target)
                        work.append((target, iter(t for t in self.edges[target] if t in trapped)))
                        advanced = True
                        break
                    if target in on_stack:
                        low[node] = min(low[node], index[target])
                if advanced:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group: list[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    groups.append(sorted(group, key=self.index.__getitem__))
        bottoms = []
        for group in groups:
            members = set(group)
            if all(t in members for s in group for t in self.edges[s] if t in trapped):
                bottoms.append(group)
        return sorted(bottoms, key=lambda g: self.index[g[0]])

    def _circle(self, group: list[str]) -> list[str]:
        """A walk round `group` from its first step back to it, for the message."""
        members = set(group)
        start = group[0]
        parent: dict[str, str] = {}
        todo = [start]
        seen = {start}
        while todo:
            node = todo.pop(0)
            for target in self.edges[node]:
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [*reversed(path), start]
                if target in members and target not in seen:
                    seen.add(target)
                    parent[target] = node
                    todo.append(target)
        return [start, start]

    def report_circle(self, group: list[str]) -> None:
        circle = self._circle(group)
        if len(circle) > MAX_CIRCLE_SHOWN + 1:
            shown = " → ".join([*circle[:MAX_CIRCLE_SHOWN], "…"])
        else:
            shown = " → ".join(circle)
        with_next = [s for s in group if "next" in self.raw_step(s)]
        where = self.step_path(with_next[-1], "next") if with_next else self.step_path(group[0])
        if len(group) == 1:
            message = (
                f"the conversation can never finish once it reaches `{group[0]}`: every answer "
                f"leads back to `{group[0]}`. Point its `next:` (or a choice's `next:`) at "
                "another step, or at `end`"
            )
        else:
            message = (
                "these steps go round in a circle with no way out, so the conversation can never "
                f"finish: {shown}. Point one of their `next:` lines (or a choice's `next:`) at a "
                "step outside the circle, or at `end`"
            )
        self.report(where, message, "error")

    def check_dead_end(self) -> None:
        """A path that finishes only because it ran off the bottom of the file, in a script
        whose other endings are marked: most likely a branch that forgot its ``next:``."""
        last = self.steps[-1]
        raw_last = self.raw_step(last.id)
        if last.id not in self.reachable:
            return
        if str(raw_last.get("end", "")).strip().lower() in _TRUE or "next" in raw_last:
            return
        marked = [
            step
            for step in self.steps[:-1]
            if step.id in self.reachable
            and (
                str(self.raw_step(step.id).get("end", "")).strip().lower() in _TRUE
                or self.raw_step(step.id).get("next") == "end"
            )
        ]
        if not marked:
            return
        first = marked[0]
        line = self.smap.value(self.step_path(first.id)).line
        self.report(
            self.step_path(last.id),
            f"the conversation finishes after `{last.id}` only because it is the last step in "
            f"the file, but other paths finish with `end: true` (like `{first.id}` on line "
            f"{line}). If it should go on, add `next:` and the step to go to; if it should "
            "finish here, add `end: true`",
        )

    def check_conditions(self) -> None:
        """Branches that can never be taken: on an answer the question can't give, or on a
        question that is never asked before this point."""
        before = self._answered_before()
        for step in self.steps:
            if step.id not in self.reachable:
                continue
            when = getattr(step, "when", None)  # "only use this step when ..."
            for ref in _condition_steps(when) if when is not None else ():
                if ref in self.index and ref not in before.get(step.id, set()):
                    self.report(
                        self.answer_path(step.id, "when", ref),
                        f"`when:` here looks at the answer to `{ref}`, but `{ref}` is "
                        + (
                            "only asked later"
                            if self.index[ref] >= self.index[step.id]
                            else "never asked before this point"
                        )
                        + ", so the condition can never see that answer. Move this step below "
                        f"`{ref}`, or look at another answer",
                    )
            available = before.get(step.id, set()) | {step.id}
            for route in step.routes:
                for ref in _condition_steps(route.when):
                    if ref in self.index and ref not in available:
                        later = self.index[ref] > self.index[step.id]
                        self.report(
                            self.answer_path(step.id, "next", ref),
                            f"a branch here looks at the answer to `{ref}`, but `{ref}` is "
                            + ("only asked later" if later else "never asked before this point")
                            + ", so the branch can never see that answer. Move the branch below "
                            f"`{ref}`, or look at another answer",
                        )

    def _answered_before(self) -> dict[str, set[str]]:
        """For each step, the questions that may have been answered before it is reached."""
        before: dict[str, set[str]] = {self.script.first_step: set()}
        todo = [self.script.first_step]
        while todo:
            source = todo.pop()
            step = self.steps[self.index[source]]
            carried = before[source] | ({source} if step.is_question else set())
            for target in self.edges[source]:
                if target not in self.index:
                    continue
                new = target not in before
                known = before.setdefault(target, set())
                # A step first reached with nothing answered yet must still be walked on.
                if new or not carried <= known:
                    known |= carried
                    todo.append(target)
        return before

    # ---- texts ------------------------------------------------------------------------------

    def _script_texts(self) -> Iterator[tuple[Path, Text]]:
        """Every person-facing text of the script, each with where to look for it. (The
        `attention` reasons are staff's words: English, Welsh optional, no reading grade.)"""
        for field in dataclasses.fields(self.script):
            if field.name in _NOT_SCRIPT_TEXTS or field.name.startswith("_"):
                continue
            for text in _texts_in(getattr(self.script, field.name, None)):
                yield (), text
        for number, step in enumerate(self.steps):
            for text in _texts_in(step):
                yield ("steps", number), text

    def check_translations(self) -> None:
        wanted = self.script.languages
        for base, text in self._script_texts():
            where = self.text_path(base, text)
            if where is None:
                continue  # made by the engine, not written in the script
            for lang in wanted:
                if lang not in text:
                    name = LANG_NAMES.get(lang, lang)
                    self.report(
                        where,
                        f"this text has no `{lang}:` line ({name}), but the script lists "
                        f"`{lang}` in `languages`",
                        "error",
                    )
            english, welsh = text.get("en"), text.get("cy")
            if (
                "cy" in wanted
                and english
                and welsh
                and english.split() == welsh.split()
                and len(english.split()) >= SAME_TEXT_MIN_WORDS
            ):
                self.report(
                    self.text_path(base, text, "cy") or where,
                    "the Welsh (`cy:`) text is the same as the English; translate it",
                )

    def _answer_room(self, step_id: str) -> int:
        """The longest answer to `step_id` we expect to put into a later message."""
        if step_id not in self.index:
            return 0
        step = self.steps[self.index[step_id]]
        if isinstance(step.kind, ChoiceKind):
            return max(
                (telegram_length(label) for o in step.kind.options for _, label in o.label.by_lang),
                default=0,
            )
        if step.kind is not None and step.kind.expects == "text" and step.max_length is not None:
            return min(step.max_length, PLAUSIBLE_TYPED)
        return PLAUSIBLE_OTHER

    def check_telegram(self) -> None:
        for number, step in enumerate(self.steps):
            base: Path = ("steps", number)
            text_at = self.text_path(base, step.text) or self.step_path(step.id)
            for lang in self.script.languages:
                self._check_length(step, lang, text_at)
                self._check_buttons(step, lang)

    def _check_length(self, step: Step, lang: str, where: Path) -> None:
        text = step.text.pick(lang)
        slots = [m for m in _PLACEHOLDER.finditer(text) if m.group(1) in self.index]
        quoted = list(dict.fromkeys(m.group(1) for m in slots))
        longest = telegram_length(_PLACEHOLDER.sub("", text)) if slots else telegram_length(text)
        for found in slots:
            room = min(self._answer_room(found.group(1)), PIPE_LIMIT)
            longest += max(room, telegram_length(found.group(2) or ""))
        if longest <= MESSAGE_LIMIT:
            return
        name = LANG_NAMES.get(lang, lang)
        if quoted:
            message = (
                f"this {name} message can reach {longest} characters once the "
                f"{'answer' if len(quoted) == 1 else 'answers'} to "
                f"{', '.join(f'`{q}`' for q in quoted)} "
                f"{'is' if len(quoted) == 1 else 'are'} put in; Telegram shows at most "
                f"{MESSAGE_LIMIT} in one message, so it would be split. Shorten the message, or "
                "set a smaller `max_length:` on the question it quotes"
            )
        else:
            parts = -(-longest // MESSAGE_LIMIT)
            message = (
                f"this {name} message has {longest} characters; Telegram shows at most "
                f"{MESSAGE_LIMIT} in one message, so it will arrive as {parts} messages. "
                "Split it into shorter steps"
            )
        self.report(where, message)

    def _check_buttons(self, step: Step, lang: str) -> None:
        if not step.is_question:
            return
        try:
            prompts = self.script.prompts(step.id, lang)
        except Exception:  # an engine that builds prompts only at run time
            return
        for prompt in prompts:
            count = sum(len(row) for row in prompt.buttons)
            if count > MAX_BUTTONS:
                self.report(
                    self.step_path(step.id),
                    f"this question shows {count} buttons; Telegram allows at most "
                    f"{MAX_BUTTONS} under one message. Use fewer choices",
                    "error",
                )

    # ---- acknowledgements and check your answers ------------------------------------------

    def check_acks(self) -> None:
        """`ack:` words that fit: a condition can only see answers given by then, and words
        said after *any* answer (no `when:`) must be neutral: "That's good to hear." after
        "NOTHING IS WORKING" jars."""
        before = self._answered_before()
        for number, step in enumerate(self.steps):
            acks = getattr(step, "acks", ())
            if not acks or step.id not in self.reachable:
                continue
            available = before.get(step.id, set()) | {step.id}
            for place, ack in enumerate(acks):
                base: Path = ("steps", number, "ack")
                raw = self.raw_step(step.id).get("ack")
                here: Path = (*base, place) if isinstance(raw, list) else base
                for ref in _condition_steps(ack.when) if ack.when is not None else ():
                    if ref in self.index and ref not in available:
                        self.report(
                            (*here, "when"),
                            f"this `ack` looks at the answer to `{ref}`, but `{ref}` is "
                            + (
                                "only asked later"
                                if self.index[ref] > self.index[step.id]
                                else "never asked before this point"
                            )
                            + ", so it can never see that answer",
                        )
                if ack.when is not None:
                    continue
                english = ack.wording.text.get("en") or ""
                found = _PRAISE.search(english)
                if found:
                    self.report(
                        self.text_path(here, ack.wording.text, "en") or here,
                        f"“{found.group(0)}” is said after any answer here, even “nothing is "
                        "working”; keep words said after any answer neutral (like “Thank you "
                        "for telling me.”), or give the praise a `when:` (like a high score or "
                        "a chosen option)",
                    )

    def check_summary_length(self) -> None:
        """'Here are your answers' should fit on one phone screen with typical answers (see
        bot/engine/typical.py for the measure)."""
        check = self.script.check_step
        if check is None:
            return
        for lang in self.script.languages:
            try:
                size = summary_length(self.script, lang)
            except Exception:  # noqa: S112 (a walk the measure can't make refuses nothing)
                continue
            if size is not None and size > SCREEN_CHARACTERS:
                self.report(
                    self.step_path(check),
                    f"with typical short answers, the {LANG_NAMES.get(lang, lang)} 'Here are "
                    f"your answers' has {size} characters, more than one phone screen "
                    f"(about {SCREEN_CHARACTERS}); give the questions shorter `short:` names, "
                    "or ask fewer questions",
                )

    # ---- plain language ---------------------------------------------------------------------

    def check_plain_language(self) -> None:
        target = self.script.reading_grade
        defaulted = target is None
        if target is None:
            target = self.default_grade
        seen: set[tuple[Path, str]] = set()
        for base, text in self._script_texts():
            english = text.get("en")
            if not english:
                continue
            where = self.text_path(base, text, "en")
            if where is None:
                continue
            for pattern, advice in _STAFF_WORDS:
                found = pattern.search(english)
                if found and (where, found.group(0).lower()) not in seen:
                    seen.add((where, found.group(0).lower()))
                    self.report(
                        where,
                        f"“{found.group(0)}” is staff language that people using Tandem should "
                        f"never see; {advice}",
                    )
        if target is None:
            return
        graded = [(number, step.text) for number, step in enumerate(self.steps)]
        graded += [
            (number, ack.wording.text)
            for number, step in enumerate(self.steps)
            for ack in getattr(step, "acks", ())
        ]
        for number, text in graded:
            english = text.get("en")
            if not english:
                continue
            where = self.text_path(("steps", number), text, "en")
            if where is None:
                continue  # the engine's own words (like the check-your-answers question)
            measured = readability.grade(english)
            if measured is None or measured.grade <= target:
                continue
            aim = (
                f"scripts aim for grade {target} or below unless they set `reading_grade:`"
                if defaulted
                else f"this script aims for grade {target} or below (`reading_grade: {target}`)"
            )
            hint = ""
            if measured.long_words:
                hint = f" (long words here: {', '.join(measured.long_words[:3])})"
            self.report(
                where,
                f"this message reads at grade {measured.grade:g} (Flesch–Kincaid, English); "
                f"{aim}. Use shorter sentences and everyday words{hint}",
            )


def summary_line(reports: Sequence[Report]) -> str:
    """``2 files, 1 error, 3 warnings``"""
    errors = sum(len(r.errors) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    return (
        f"{_plural(len(reports), 'file')}, {_plural(errors, 'error')}, "
        f"{_plural(warnings, 'warning')}"
    )


def format_problem(problem: ScriptProblem) -> str:
    """``file:line:col: error: message`` (or ``warning:``)."""
    return f"{problem.file}:{problem.line}:{problem.col}: {problem.severity}: {problem.message}"


def highest_grade(script: Script) -> tuple[float, str] | None:
    """The hardest English message of a script to read (Flesch–Kincaid grade) and its step id,
    for `make bench`; None when no message is long enough to grade."""
    worst: tuple[float, str] | None = None
    for step in script.steps:
        english = step.text.get("en")
        measured = readability.grade(english) if english else None
        if measured is not None and (worst is None or measured.grade > worst[0]):
            worst = (measured.grade, step.id)
    return worst
