"""A small YAML reader that keeps the line of every value, for `file:line:col: message` errors.

Only the YAML *parser* runs (the same grammar as ``yaml.safe_load``); the tree is built here from
its events, so no tag can construct anything. On top of that it refuses anchors and aliases,
explicit tags, duplicate keys, non-string keys and several documents in one file. Every scalar
stays the string the author wrote (``yes`` stays ``"yes"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

import yaml

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file. Lines and columns count from 1."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class SafeguardingError(ValueError):
    """A safeguarding file (or its examples) was refused; `problems` says every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            sorted(set(problems), key=lambda p: (p.file, p.line, p.col, p.message))
        )
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class Scalar:
    value: str
    line: int
    col: int
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Seq:
    items: list[Node]
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Key:
    name: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Map:
    entries: dict[str, tuple[Key, Node]] = field(default_factory=dict)
    line: int = 1
    col: int = 1


Node: TypeAlias = Scalar | Seq | Map

_KIND = {Scalar: "a text", Seq: "a list", Map: "a set of `key: value` lines"}


def kind(node: Node) -> str:
    return _KIND[type(node)]


def _pos(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Builder:
    def __init__(self, events: list[yaml.Event], file: str) -> None:
        self.events = events
        self.i = 0
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, event: yaml.Event, message: str) -> None:
        line, col = _pos(event)
        self.problems.append(Problem(self.file, line, col, message))

    def next(self) -> yaml.Event:
        event = self.events[self.i]
        self.i += 1
        return event

    def check_plain(self, event: yaml.Event) -> None:
        if getattr(event, "anchor", None) is not None:
            self.problem(event, "anchors (`&name`) are not used in this file; write the text out")
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            self.problem(event, f"tags like `{tag}` are not used in this file; remove it")

    def node(self) -> Node:
        event = self.next()
        line, col = _pos(event)
        if isinstance(event, yaml.AliasEvent):
            self.problem(event, "aliases (`*name`) are not used in this file; write the text out")
            return Scalar("", line, col)
        self.check_plain(event)
        if isinstance(event, yaml.ScalarEvent):
            return Scalar(event.value, line, col, quoted=event.style in ("'", '"', "|", ">"))
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Node] = []
            while not isinstance(self.events[self.i], yaml.SequenceEndEvent):
                items.append(self.node())
            self.next()
            return Seq(items, line, col)
        if isinstance(event, yaml.MappingStartEvent):
            mapping = Map({}, line, col)
            while not isinstance(self.events[self.i], yaml.MappingEndEvent):
                key_event = self.events[self.i]
                key = self.node()
                value = self.node()
                if not isinstance(key, Scalar):
                    self.problem(key_event, "a key must be a plain word, like `phrases:`")
                    continue
                if key.value in mapping.entries:
                    first = mapping.entries[key.value][0]
                    self.problem(
                        key_event,
                        f"`{key.value}` is written twice here (first on line {first.line}); "
                        "keep one and merge the two",
                    )
                    continue
                mapping.entries[key.value] = (Key(key.value, key.line, key.col), value)
            self.next()
            return mapping
        self.problem(event, "YAML can't read this")  # pragma: no cover - parser guarantees order
        return Scalar("", line, col)


def parse(text: str, file: str) -> Map:
    """YAML text -> a tree of Map/Seq/Scalar with positions. Raises SafeguardingError."""
    if not text.strip():
        raise SafeguardingError([Problem(file, 1, 1, "the file is empty")])
    for number, written in enumerate(text.split("\n"), start=1):
        col = written.find("\t")
        if col >= 0:
            raise SafeguardingError(
                [Problem(file, number, col + 1, "this line has a tab character; use spaces")]
            )
    try:
        events = list(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = err.problem or err.context or "YAML can't read this"
        hint = ""
        if "mapping values are not allowed" in what:
            hint = '; if a text contains ": ", put the whole text in quotes'
        elif "cannot start any token" in what:
            hint = "; put a text that starts with a special character in quotes"
        elif "did not find expected" in what or "expected <block end>" in what:
            hint = (
                "; check the spaces at the start of the line line up with the lines above, "
                "and that a text starting with a quote mark ends with the same quote mark "
                "(or put a phrase starting with [ or { in quotes)"
            )
        raise SafeguardingError([Problem(file, line, col, f"{what}{hint}")]) from None
    except yaml.YAMLError as err:
        raise SafeguardingError(
            [Problem(file, 1, 1, f"YAML can't read this file: {err}")]
        ) from None
    builder = _Builder(events, file)
    documents: list[Node] = []
    while builder.i < len(events):
        event = events[builder.i]
        if isinstance(event, yaml.DocumentStartEvent):
            builder.next()
            documents.append(builder.node())
        else:
            builder.next()
    if len(documents) != 1:
        raise SafeguardingError(
            [Problem(file, 1, 1, "this file must hold exactly one YAML document (remove `---`)")]
        )
    if builder.problems:
        raise SafeguardingError(builder.problems)
    root = documents[0]
    if not isinstance(root, Map):
        raise SafeguardingError(
            [Problem(file, root.line, root.col, "the file must be a set of `key: value` lines")]
        )
    return root
