"""Safe YAML reading: text -> plain data (dicts, lists, strings) plus where each piece was.

Only the YAML *parser* is used; nothing is ever constructed from tags, so no YAML feature can
run code. On top of `safe_load` rules this refuses:

- anchors and aliases (``&`` and ``*``), which makes alias bombs impossible;
- tags (``!!python/...``, ``!foo``), which scripts never need;
- duplicate keys (plain YAML silently keeps the last one);
- several documents in one file, tabs, non-UTF-8 bytes, empty files and files over 256 KiB.

Every scalar stays the string the author wrote (``label: Yes`` stays ``"Yes"``, never ``True``);
the schema turns strings into numbers or true/false where a field asks for one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, TypeAlias

import yaml

from .errors import ScriptError, ScriptProblem, Severity

MAX_BYTES = 256 * 1024
MAX_DEPTH = 24
MAX_TAB_REPORTS = 5

YamlValue: TypeAlias = str | list["YamlValue"] | dict[str, "YamlValue"]
Path: TypeAlias = tuple[str | int, ...]

_DUPLICATE = "\x00duplicate"  # marks the value of a repeated key, which is dropped
_NO_TAG = (None, "!")  # no tag, or the non-specific `!` (both mean "plain data")
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Pos:
    """A place in a file; line and col count from 1."""

    line: int
    col: int


@dataclass(slots=True)
class SourceMap:
    """Where each value (and each mapping key) of a parsed document was written."""

    file: str
    values: dict[Path, Pos] = field(default_factory=dict)
    keys: dict[Path, Pos] = field(default_factory=dict)

    def value(self, path: Path) -> Pos:
        """Position of the value at `path`, or of its nearest written ancestor."""
        while True:
            pos = self.values.get(path)
            if pos is not None:
                return pos
            if not path:
                return Pos(1, 1)
            path = path[:-1]

    def key(self, path: Path) -> Pos:
        """Position of the key naming `path` (falls back to the value's position)."""
        pos = self.keys.get(path)
        return pos if pos is not None else self.value(path)

    def problem(
        self, path: Path, message: str, *, at_key: bool = False, severity: Severity = "error"
    ) -> ScriptProblem:
        pos = self.key(path) if at_key else self.value(path)
        return ScriptProblem(self.file, pos.line, pos.col, message, severity)


@dataclass(frozen=True, slots=True)
class Document:
    data: YamlValue
    source_map: SourceMap


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _line_col(text: str, index: int) -> Pos:
    line = text.count("\n", 0, index) + 1
    return Pos(line, index - (text.rfind("\n", 0, index) + 1) + 1)


def decode(raw: bytes, file: str) -> str:
    """Bytes of a script file -> text with "\\n" newlines. Refuses oversize and non-UTF-8."""
    if len(raw) > MAX_BYTES:
        raise ScriptError([_too_big(file, len(raw))])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        start = err.start
        line = raw.count(b"\n", 0, start) + 1
        line_start = raw.rfind(b"\n", 0, start) + 1
        col = len(raw[line_start:start].decode("utf-8", errors="replace")) + 1
        raise ScriptError(
            [
                ScriptProblem(
                    file,
                    line,
                    col,
                    f"this file is not saved as UTF-8 (byte 0x{raw[start]:02x} can't be read). "
                    "In your editor, choose 'Save with encoding' and pick UTF-8.",
                )
            ]
        ) from None
    return normalise_newlines(text.removeprefix("\ufeff"))


def check_text(text: str, file: str) -> None:
    """Checks that do not need YAML: size, characters that can't be saved, tabs, emptiness."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as err:
        pos = _line_col(text, err.start)
        raise ScriptError(
            [
                ScriptProblem(
                    file, pos.line, pos.col, "this character can't be saved as UTF-8; delete it"
                )
            ]
        ) from None
    if size > MAX_BYTES:
        raise ScriptError([_too_big(file, size)])
    if not text.strip():
        raise ScriptError(
            [ScriptProblem(file, 1, 1, "the file is empty; a script starts with `tool: ...`")]
        )
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        col = line.find("\t")
        if col >= 0:
            problems.append(
                ScriptProblem(
                    file,
                    number,
                    col + 1,
                    "this line has a tab character; use spaces instead "
                    "(tabs look like spaces but YAML can't read them)",
                )
            )
            if len(problems) >= MAX_TAB_REPORTS:
                break
    if problems:
        raise ScriptError(problems)


def _too_big(file: str, size: int) -> ScriptProblem:
    return ScriptProblem(
        file,
        1,
        1,
        f"this file is {size // 1024} KiB; a script can be at most {MAX_BYTES // 1024} KiB. "
        "Split it into two tools.",
    )


_HINTS = (
    (
        "mapping values are not allowed",
        "there is a `:` where YAML doesn't expect one. If a text contains `: `, "
        'put the whole text in quotes ("...") or write `|` and the text on the next lines',
    ),
    (
        "could not find expected ':'",
        "a line here should look like `key: value`. Check for a missing `:`, or a text that "
        "runs over several lines without `|`",
    ),
    ("found unexpected end of stream", "a quote mark is opened but never closed"),
    (
        "cannot start any token",
        "a text starts with a character YAML keeps for itself (like @ or `); put the text in quotes",
    ),
    (
        "expected <block end>",
        "the spaces at the start of this line don't line up with the lines above it",
    ),
    (
        "did not find expected",
        "the spaces at the start of this line don't line up with the lines above it",
    ),
    ("found a tab character", "use spaces instead of tabs"),
)


def _yaml_problem(err: yaml.YAMLError, text: str, file: str) -> ScriptProblem:
    if isinstance(err, yaml.reader.ReaderError):
        pos = _line_col(text, max(0, err.position))
        return ScriptProblem(
            file, pos.line, pos.col, "this character isn't allowed in a script; delete it"
        )
    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        if err.context_mark is not None and "end of stream" in (err.problem or ""):
            mark = err.context_mark  # point at the quote or bracket left open, not the file's end
        problem = err.problem or err.context or "YAML can't read this"
        hint = next((h for key, h in _HINTS if key in problem), "")
        message = f"YAML can't read this: {problem}" + (f" — {hint}" if hint else "")
        if mark is not None:
            return ScriptProblem(file, mark.line + 1, mark.column + 1, message)
        return ScriptProblem(file, 1, 1, message)
    return ScriptProblem(file, 1, 1, f"YAML can't read this file: {err}")


class _Mark(Protocol):
    line: int
    column: int


class _Frame:
    __slots__ = ("container", "path", "key")

    def __init__(self, container: dict[str, YamlValue] | list[YamlValue], path: Path) -> None:
        self.container = container
        self.path = path
        self.key: str | None = None


def parse(text: str, file: str) -> Document:
    """Text of a script (already through `check_text`) -> data and its source map."""
    smap = SourceMap(file)
    problems: list[ScriptProblem] = []
    stack: list[_Frame] = []
    root: YamlValue | None = None
    documents = 0

    def fatal(mark: _Mark | None, message: str) -> ScriptError:
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return ScriptError([*problems, ScriptProblem(file, line, col, message)])

    def place(value: YamlValue, mark: _Mark | None) -> Path:
        """Store `value` where the document is up to; return its path."""
        nonlocal root
        pos = Pos(mark.line + 1, mark.column + 1) if mark is not None else Pos(1, 1)
        if not stack:
            root = value
            smap.values[()] = pos
            return ()
        frame = stack[-1]
        container = frame.container
        if isinstance(container, list):
            path = (*frame.path, len(container))
            container.append(value)
            smap.values[path] = pos
            return path
        if frame.key is None:
            if not isinstance(value, str):
                raise fatal(mark, "a key must be a plain word, like `ask`")
            path = (*frame.path, value)
            if value in container:
                first = smap.keys[path]
                problems.append(
                    ScriptProblem(
                        file,
                        pos.line,
                        pos.col,
                        f"`{value}` appears twice here (first on line {first.line}); keep one",
                    )
                )
                frame.key = _DUPLICATE
            else:
                smap.keys[path] = pos
                frame.key = value
            return path
        path = (*frame.path, frame.key)
        if frame.key != _DUPLICATE:
            container[frame.key] = value
            smap.values[path] = pos
        frame.key = None
        return path

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise fatal(
                        event.start_mark,
                        "a script is one document; remove this `---` line and what follows, "
                        "or move it to its own file",
                    )
                continue
            if isinstance(event, yaml.AliasEvent) or (
                isinstance(event, yaml.NodeEvent) and event.anchor is not None
            ):
                raise fatal(
                    event.start_mark, "anchors and aliases (& and *) are not allowed in scripts"
                )
            if getattr(event, "tag", None) not in _NO_TAG:
                raise fatal(
                    event.start_mark, "tags (words starting with `!`) are not allowed in scripts"
                )
            if isinstance(event, yaml.ScalarEvent):
                place(event.value, event.start_mark)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise fatal(event.start_mark, "this is nested too deeply to be a script")
                container: dict[str, YamlValue] | list[YamlValue] = (
                    {} if isinstance(event, yaml.MappingStartEvent) else []
                )
                stack.append(_Frame(container, place(container, event.start_mark)))
            elif isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
    except ScriptError:
        raise
    except yaml.YAMLError as err:
        raise ScriptError([*problems, _yaml_problem(err, text, file)]) from None
    if problems:
        raise ScriptError(problems)
    if root is None or (isinstance(root, str) and not root.strip()):
        raise ScriptError(
            [ScriptProblem(file, 1, 1, "the file has no script in it, only comments")]
        )
    return Document(root, smap)
