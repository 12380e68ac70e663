"""How well the rules do on labelled examples: recall, precision, and what was missed.

    rules = load_rules("dialogues/safeguarding.yaml")       # with the learned tier
    report = evaluate(rules, load_examples("dialogues/safeguarding_examples.yaml"))
    text = format_report(report)  # recall, precision, misses, false alarms
    both, alone = leave_one_round_out(rules, cases)       # each round held out in turn

Counted per message: a message labelled with any category should set off *something* (the
reply is the same signposting whichever category leads), and a message labelled `none` should
set off nothing. Recall = caught / should fire; precision = right alarms / all alarms.
Per category, "caught" means that category itself fired for a message labelled with it.

The examples' format is described at the top of dialogues/safeguarding_examples.yaml.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from .examples import NONE, Case, load_examples, parse_examples
from .learned import Counts, train
from .rules import Match, Rules

__all__ = [
    "NONE",
    "Case",
    "CategoryScore",
    "Report",
    "Score",
    "evaluate",
    "format_report",
    "group_rounds",
    "leave_one_round_out",
    "load_examples",
    "parse_examples",
]

ORDINARY = "ordinary"  # rounds of ordinary messages (answers, everyday moans): none of them


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
    def false_alarm_rate(self) -> float:
        """False alarms / messages that should not fire."""
        return self.false_positives / self.negatives if self.negatives else 0.0

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
    by_round: dict[str, Score] = field(default_factory=dict)  # "" for cases with no round
    # the messages of the ordinary rounds, by language (they should all not fire)
    ordinary: dict[str, Score] = field(default_factory=dict)
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
        """Time spent in Rules.check for all the messages."""
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


def evaluate(
    rules: Rules,
    corpus: Iterable[Case],
    *,
    into: Report | None = None,
    check: Callable[[str], Match | None] | None = None,
) -> Report:
    """Check every case (with `rules.check`, or `check`), counting into a new report or
    `into`."""
    report = Report() if into is None else into
    for category in rules.categories:
        report.by_category.setdefault(category.key, CategoryScore())
    checking = rules.check if check is None else check
    for case in corpus:
        started = time.perf_counter()
        match = checking(case.text)
        report.times.append(time.perf_counter() - started)
        fired = match is not None
        report.overall.add(case.should_fire, fired)
        report.by_language.setdefault(case.language, Score()).add(case.should_fire, fired)
        report.by_round.setdefault(case.round, Score()).add(case.should_fire, fired)
        if case.round.startswith(ORDINARY):
            report.ordinary.setdefault(case.language, Score()).add(case.should_fire, fired)
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
        f"safeguarding examples: {report.cases} messages "
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
    for language, score in sorted(report.ordinary.items()):
        lines.append(
            f"  ordinary ({language})   false alarms {score.false_positives}"
            f" of {score.negatives} ({score.false_alarm_rate:.2%})"
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


def group_rounds(cases: Sequence[Case], folds: int = 5) -> dict[str, list[int]]:
    """The places of the cases of each round, in the order first seen. An ordinary round (a
    large one, all `none`) is cut into `folds` groups ("ordinary answers O1 (fold 2 of 5)"):
    held out whole, no ordinary message would be left to learn from."""
    groups: dict[str, list[int]] = {}
    seen: dict[str, int] = {}
    for at, case in enumerate(cases):
        name = case.round
        if name.startswith(ORDINARY) and folds > 1:
            number = seen.get(name, 0)
            seen[name] = number + 1
            name = f"{name} (fold {number % folds + 1} of {folds})"
        groups.setdefault(name, []).append(at)
    return groups


def leave_one_round_out(
    rules: Rules,
    cases: Sequence[Case],
    *,
    folds: int = 5,
    threshold: float | None = None,
) -> tuple[Report, Report]:
    """Hold each round out in turn (see `group_rounds`), train the learned tier on the rest and
    check the round: (rules and tier together, the tier alone). The rules are as they are: they
    were tuned on most rounds, so the first figures are kinder than new wording will be; the
    tier alone is fair. `threshold`: the tier's, instead of the file's."""
    keys = [c.key for c in rules.categories]
    lines = [rules.learned_text(case.text)[0] for case in cases]
    counts = Counts.of(lines)
    both, alone = Report(), Report()
    chosen = rules.threshold if threshold is None else threshold
    for held in group_rounds(cases, folds).values():
        out = set(held)
        rows = [i for i in range(len(cases)) if i not in out]
        learned = train(cases, lines, keys, counts=counts, rows=rows)
        fold = replace(rules, learned=learned, threshold=chosen)
        evaluate(fold, [cases[i] for i in held], into=both)
        evaluate(fold, [cases[i] for i in held], into=alone, check=fold.learned_match)
    return both, alone
