"""How well the rules do on a labelled corpus: recall, precision, and what was missed.

    rules = load_rules("dialogues/safeguarding.yaml")
    report = evaluate(rules, load_corpus("tests/safeguarding/corpus.yaml"))
    text = format_report(report)  # recall, precision, misses, false alarms

Counted per message: a message labelled with any category should set off *something* (the
reply is the same signposting whichever category leads), and a message labelled `none` should
set off nothing. Recall = caught / should fire; precision = right alarms / all alarms.
Per category, "caught" means that category itself fired for a message labelled with it.

The corpus format is described at the top of tests/safeguarding/corpus.yaml.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ._yaml import Map, Problem, SafeguardingError, Scalar, Seq, kind, parse
from .rules import Match, Rules

NONE = "none"


@dataclass(frozen=True, slots=True)
class Case:
    text: str
    language: str
    categories: tuple[str, ...]  # empty: must not fire
    file: str = ""
    line: int = 0

    @property
    def should_fire(self) -> bool:
        return bool(self.categories)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(slots=True)
class Score:
    true_positives: int = 0
    false_negatives: int = 0
    false_positives: int = 0
    true_negatives: int = 0

    @property
    def positives(self) -> int:
        return self.true_positives + self.false_negatives

    @property
    def negatives(self) -> int:
        return self.false_positives + self.true_negatives

    @property
    def recall(self) -> float:
        return self.true_positives / self.positives if self.positives else 1.0

    @property
    def precision(self) -> float:
        fired = self.true_positives + self.false_positives
        return self.true_positives / fired if fired else 1.0

    def add(self, should_fire: bool, fired: bool) -> None:
        if should_fire and fired:
            self.true_positives += 1
        elif should_fire:
            self.false_negatives += 1
        elif fired:
            self.false_positives += 1
        else:
            self.true_negatives += 1


@dataclass(slots=True)
class CategoryScore:
    labelled: int = 0  # messages labelled with this category
    caught: int = 0  # ... for which this category fired
    caught_as_other: int = 0  # ... for which only other categories fired (still signposted)
    missed: int = 0  # ... for which nothing fired
    fired_elsewhere: int = 0  # this category fired on a message not labelled with it

    @property
    def recall(self) -> float:
        return self.caught / self.labelled if self.labelled else 1.0


@dataclass(slots=True)
class Report:
    overall: Score = field(default_factory=Score)
    by_language: dict[str, Score] = field(default_factory=dict)
    by_category: dict[str, CategoryScore] = field(default_factory=dict)
    misses: list[Case] = field(default_factory=list)
    false_alarms: list[tuple[Case, Match]] = field(default_factory=list)
    other_category: list[tuple[Case, Match]] = field(default_factory=list)
    # caught, but the reply is led by a category the message is not labelled with (its own
    # category fired too, or not): the person still gets help, if not the best words for it
    led_by_other: list[tuple[Case, Match]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  # seconds in Rules.check, per message

    @property
    def cases(self) -> int:
        return self.overall.positives + self.overall.negatives

    @property
    def seconds(self) -> float:
        """Time spent in Rules.check for the whole corpus."""
        return sum(self.times)

    @property
    def seconds_per_check(self) -> float:
        return self.seconds / len(self.times) if self.times else 0.0

    def percentile(self, fraction: float) -> float:
        """The time one check took, at this fraction of the slowest (0.99: the 99th percentile,
        1.0: the slowest check)."""
        if not self.times:
            return 0.0
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def evaluate(rules: Rules, corpus: Iterable[Case]) -> Report:
    report = Report()
    for category in rules.categories:
        report.by_category[category.key] = CategoryScore()
    for case in corpus:
        started = time.perf_counter()
        match = rules.check(case.text)
        report.times.append(time.perf_counter() - started)
        fired = match is not None
        report.overall.add(case.should_fire, fired)
        report.by_language.setdefault(case.language, Score()).add(case.should_fire, fired)
        raised = set(match.categories) if match is not None else set()
        for key in case.categories:
            score = report.by_category.setdefault(key, CategoryScore())
            score.labelled += 1
            if key in raised:
                score.caught += 1
            elif fired:
                score.caught_as_other += 1
            else:
                score.missed += 1
        for key in raised - set(case.categories):
            report.by_category.setdefault(key, CategoryScore()).fired_elsewhere += 1
        if case.should_fire and match is None:
            report.misses.append(case)
        elif match is not None and not case.should_fire:
            report.false_alarms.append((case, match))
        elif match is not None and not raised & set(case.categories):
            report.other_category.append((case, match))
        if match is not None and case.should_fire and match.category not in case.categories:
            report.led_by_other.append((case, match))
    return report


def format_report(report: Report, *, details: bool = True) -> str:
    o = report.overall
    lines = [
        f"safeguarding corpus: {report.cases} messages "
        f"({o.positives} should fire, {o.negatives} should not)",
        f"  overall      recall {o.recall:.3f}  precision {o.precision:.3f}"
        f"   (caught {o.true_positives}, missed {o.false_negatives}, "
        f"false alarms {o.false_positives})",
    ]
    for language, score in sorted(report.by_language.items()):
        lines.append(
            f"  {language:<12} recall {score.recall:.3f}  precision {score.precision:.3f}"
            f"   ({score.positives + score.negatives} messages)"
        )
    for key, cat in report.by_category.items():
        lines.append(
            f"  {key:<20} {cat.caught}/{cat.labelled} caught as this"
            f" ({cat.caught_as_other} as another category, {cat.missed} missed),"
            f" fired on {cat.fired_elsewhere} other message(s)"
        )
    lines.append(
        f"  replies led by a category the message is not labelled with: {len(report.led_by_other)}"
    )
    lines.append(
        f"  time per check: {report.seconds_per_check * 1e6:.1f} µs (mean),"
        f" {report.percentile(0.99) * 1e6:.1f} µs (99th percentile),"
        f" {report.percentile(1.0) * 1e6:.1f} µs (slowest)"
    )
    if details:
        for case in report.misses:
            lines.append(
                f"  MISSED      {case.where}: {case.text!r} ({', '.join(case.categories)})"
            )
        for case, match in report.false_alarms:
            lines.append(f"  FALSE ALARM {case.where}: {case.text!r} <- {match.rule}")
        for case, match in report.other_category:
            lines.append(
                f"  OTHER       {case.where}: {case.text!r} expected {', '.join(case.categories)},"
                f" got {', '.join(match.categories)}"
            )
    return "\n".join(lines)


def load_corpus(path: str | Path) -> list[Case]:
    """Read a labelled corpus file (see tests/safeguarding/corpus.yaml)."""
    file = str(path)
    return parse_corpus(Path(path).read_text(encoding="utf-8"), file)


def parse_corpus(text: str, file: str = "corpus.yaml") -> list[Case]:
    """The labelled messages of a corpus file. A file of only comments holds no messages (the
    held-out file waits empty like that for a fresh blind set)."""
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return []
    root = parse(text, file)
    problems: list[Problem] = []
    cases: list[Case] = []
    for language, (key, by_category) in root.entries.items():
        if not isinstance(by_category, Map):
            problems.append(Problem(file, key.line, key.col, f"`{language}:` needs categories"))
            continue
        for category, (ckey, items) in by_category.entries.items():
            if not isinstance(items, Seq):
                problems.append(
                    Problem(file, ckey.line, ckey.col, f"`{category}:` should be a list")
                )
                continue
            for item in items.items:
                labels: tuple[str, ...] = () if category == NONE else (category,)
                if isinstance(item, Scalar):
                    cases.append(Case(item.value, language, labels, file, item.line))
                    continue
                if isinstance(item, Map) and "text" in item.entries:
                    text_node = item.entries["text"][1]
                    also_node = item.entries.get("also")
                    extra: list[str] = []
                    if also_node is not None and isinstance(also_node[1], Seq):
                        extra = [s.value for s in also_node[1].items if isinstance(s, Scalar)]
                    if isinstance(text_node, Scalar) and category != NONE:
                        cases.append(
                            Case(text_node.value, language, (*labels, *extra), file, item.line)
                        )
                        continue
                problems.append(
                    Problem(
                        file,
                        item.line,
                        item.col,
                        f"a message should be a text (or `text:` with `also:`), not {kind(item)}",
                    )
                )
    if problems:
        raise SafeguardingError(problems)
    return cases
