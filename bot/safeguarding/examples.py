"""The labelled example messages (dialogues/safeguarding_examples.yaml): what should and should
not raise each category.

    cases = load_examples("dialogues/safeguarding_examples.yaml")
    cases[0].text, cases[0].language, cases[0].categories, cases[0].round

Each message is filed under its language and the category it should raise (`none`: nothing).
A message that should raise more than one category is written `text:` with `also:`. The learned
tier (`learned.py`) is trained on them, and the tests measure the phrases against them.

Rounds: a comment line like ``# held-out round 4, measured ...``, ``# development round 12
(...)`` or ``# ordinary answers, round O1, ...`` starts a round of messages written together;
it lasts until the next such comment or the next category. Messages above the first one in a
category are the first round ("first"). Rounds let `evaluate.leave_one_round_out` hold out
each round in turn, the way it was written: unseen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ._yaml import Map, Problem, SafeguardingError, Scalar, Seq, kind, parse

NONE = "none"
FIRST_ROUND = "first"
FILE_NAME = "safeguarding_examples.yaml"  # beside safeguarding.yaml

# "# held-out round 5, blind ...", "# development round 12 (...)", "# ordinary answers, round O1"
_ROUND = re.compile(r"\s*#\s*([A-Za-z][A-Za-z -]*?),? round ([A-Za-z]?\d+)\b")
_KEY = re.compile(r"( {0,2})[^\s#-][^:]*:")


@dataclass(frozen=True, slots=True)
class Case:
    text: str
    language: str
    categories: tuple[str, ...]  # empty: must not fire
    file: str = ""
    line: int = 0
    round: str = ""  # the round it was written in ("held-out 4", "ordinary O1", "first")

    @property
    def should_fire(self) -> bool:
        return bool(self.categories)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def rounds_by_line(text: str) -> list[str]:
    """The round of each line of an examples file (index 0 is line 1)."""
    out: list[str] = []
    current = FIRST_ROUND
    for line in text.split("\n"):
        found = _ROUND.match(line)
        if found is not None:
            current = f"{found.group(1).strip().lower()} {found.group(2)}"
        elif _KEY.match(line):
            current = FIRST_ROUND  # a new language or category starts with its first round
        out.append(current)
    return out


def load_examples(path: str | Path) -> list[Case]:
    """Read a labelled examples file. Raises SafeguardingError (file:line:col: ...)."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise SafeguardingError(
            [Problem(file, 1, 1, f"can't read this file: {err.strerror or err}")]
        ) from None
    except UnicodeDecodeError:
        raise SafeguardingError(
            [Problem(file, 1, 1, "this file is not saved as UTF-8; save it as UTF-8")]
        ) from None
    return parse_examples(text, file)


def parse_examples(
    text: str, file: str = FILE_NAME, categories: tuple[str, ...] | None = None
) -> list[Case]:
    """The labelled messages of an examples file. A file of only comments holds no messages
    (the held-out file waits empty like that for a fresh blind set). With `categories`, a
    category not among them is refused."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return []
    root = parse(text, file)
    rounds = rounds_by_line(text)
    problems: list[Problem] = []
    cases: list[Case] = []

    def case(value: str, language: str, labels: tuple[str, ...], line: int) -> Case:
        return Case(value, language, labels, file, line, rounds[line - 1])

    known = None if categories is None else (*categories, NONE)
    for language, (key, by_category) in root.entries.items():
        if not isinstance(by_category, Map):
            problems.append(Problem(file, key.line, key.col, f"`{language}:` needs categories"))
            continue
        for category, (ckey, items) in by_category.entries.items():
            if known is not None and category not in known:
                problems.append(
                    Problem(
                        file,
                        ckey.line,
                        ckey.col,
                        f"`{category}` is not a category of the rules; use one of: "
                        + ", ".join(known),
                    )
                )
                continue
            if not isinstance(items, Seq):
                problems.append(
                    Problem(file, ckey.line, ckey.col, f"`{category}:` should be a list")
                )
                continue
            for item in items.items:
                labels: tuple[str, ...] = () if category == NONE else (category,)
                if isinstance(item, Scalar) and item.value.strip():
                    cases.append(case(item.value, language, labels, item.line))
                    continue
                if isinstance(item, Map) and "text" in item.entries:
                    text_node = item.entries["text"][1]
                    also_node = item.entries.get("also")
                    extra: list[str] = []
                    if also_node is not None and isinstance(also_node[1], Seq):
                        extra = [s.value for s in also_node[1].items if isinstance(s, Scalar)]
                    unknown = [e for e in extra if known is not None and e not in known]
                    if unknown:
                        problems.append(
                            Problem(
                                file,
                                item.line,
                                item.col,
                                f"`also:` names `{unknown[0]}`, not a category of the rules",
                            )
                        )
                        continue
                    if isinstance(text_node, Scalar) and category != NONE:
                        cases.append(case(text_node.value, language, (*labels, *extra), item.line))
                        continue
                what = "an empty text" if isinstance(item, Scalar) else kind(item)
                problems.append(
                    Problem(
                        file,
                        item.line,
                        item.col,
                        f"a message should be a text (or `text:` with `also:`), not {what}",
                    )
                )
    if problems:
        raise SafeguardingError(problems)
    return cases
