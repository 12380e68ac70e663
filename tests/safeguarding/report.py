"""Safeguarding figures: recall and precision on the corpus, and time per check.

    .venv/bin/python -m tests.safeguarding.report [rules.yaml] [corpus.yaml]   # full report
    .venv/bin/python -m tests.safeguarding.report --bench                      # figures only

`bench()` is what `make bench` prints (tests/bench/__main__.py calls it).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from bot.safeguarding import SafeguardingError, load_rules
from bot.safeguarding.evaluate import evaluate, format_report, load_corpus

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "dialogues" / "safeguarding.yaml"
CORPUS = Path(__file__).resolve().parent / "corpus.yaml"
HOLDOUT = Path(__file__).resolve().parent / "holdout.yaml"


def _row(name: str, value: str, target: str = "") -> None:
    print(f"  {name:<58}{value}{('   target ' + target) if target else ''}")


def bench(rounds: int = 5) -> None:
    """Print recall/precision (corpus and held-out) and the time one check takes."""
    started = time.perf_counter()
    rules = load_rules(RULES)
    _row("load and compile safeguarding.yaml", f"{(time.perf_counter() - started) * 1e3:8.3f} ms")
    corpus = load_corpus(CORPUS)
    report = evaluate(rules, corpus)
    o = report.overall
    _row(
        f"safeguarding recall / precision ({report.cases} messages)",
        f"{o.recall:.3f} / {o.precision:.3f}",
        ">= 0.95 / >= 0.8",
    )
    for language, score in sorted(report.by_language.items()):
        _row(
            f"  {language} ({score.positives + score.negatives} messages)",
            f"{score.recall:.3f} / {score.precision:.3f}",
            ">= 0.95 / >= 0.8",
        )
    for key, cat in report.by_category.items():
        _row(f"  {key} caught as itself", f"{cat.caught}/{cat.labelled}")
    held = evaluate(rules, load_corpus(HOLDOUT))
    _row(
        f"  held-out, never tuned on ({held.cases} messages)",
        f"{held.overall.recall:.3f} / {held.overall.precision:.3f}",
    )
    texts = [case.text for case in corpus]
    times = []
    for _ in range(rounds):
        for text in texts:
            t0 = time.perf_counter()
            rules.check(text)
            times.append(time.perf_counter() - t0)
    _row(
        "one safeguarding check (corpus message), median",
        f"{statistics.median(times) * 1e3:8.3f} ms",
        "< 1 ms",
    )
    long = ("had a normal day at work and then went home, nothing much. " * 80)[:4096]
    worst = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        rules.check(long)
        worst.append(time.perf_counter() - t0)
    _row(
        "one safeguarding check (4096 characters), median",
        f"{statistics.median(worst) * 1e3:8.3f} ms",
    )


def main(argv: list[str]) -> int:
    if argv[:1] == ["--bench"]:
        bench()
        return 0
    rules_path = Path(argv[0]) if argv else RULES
    corpus_path = Path(argv[1]) if len(argv) > 1 else CORPUS
    try:
        rules = load_rules(rules_path)
        corpus = load_corpus(corpus_path)
    except SafeguardingError as err:
        print(err, file=sys.stderr)
        return 1
    print(format_report(evaluate(rules, corpus)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
