"""Safeguarding figures: recall and precision on the corpus and the held-out set, time per check.

    .venv/bin/python -m tests.safeguarding.report [rules.yaml] [corpus.yaml]   # full report
    .venv/bin/python -m tests.safeguarding.report --holdout                    # the held-out set
    .venv/bin/python -m tests.safeguarding.report --explain "a message"        # why it fired
    .venv/bin/python -m tests.safeguarding.report --bench                      # figures only

`bench()` is what `make bench` prints (tests/bench/__main__.py calls it).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from bot.safeguarding import Rules, SafeguardingError, load_rules
from bot.safeguarding.evaluate import Case, Report, evaluate, format_report, load_corpus

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "dialogues" / "safeguarding.yaml"
CORPUS = ROOT / "dialogues" / "safeguarding_examples.yaml"
HOLDOUT = Path(__file__).resolve().parent / "holdout.yaml"

# The targets. The corpus is what the rules were written against; the held-out set is
# new wording nobody tuned for (the real test).
CORPUS_TARGET = (0.98, 0.95)
HOLDOUT_TARGET = (0.98, 0.9)
TELEGRAM_MAX = 4096


def load_holdout(path: Path = HOLDOUT) -> tuple[list[Case], str]:
    """The held-out messages, or none and the reason there are none."""
    if not path.exists():
        return [], f"{path.name} is missing: no held-out figures until a blind set is added"
    cases = load_corpus(path)
    if not cases:
        return [], f"{path.name} has no messages yet: a fresh blind set replaces it"
    return cases, ""


def _row(name: str, value: str, target: str = "") -> None:
    print(f"  {name:<58}{value}{('   target ' + target) if target else ''}")


def _figures(title: str, report: Report, target: tuple[float, float]) -> None:
    wanted = f">= {target[0]} / >= {target[1]}"
    o = report.overall
    _row(
        f"{title} recall / precision ({report.cases} messages)",
        f"{o.recall:.3f} / {o.precision:.3f}",
    )
    for language, score in sorted(report.by_language.items()):
        _row(
            f"  {language} ({score.positives + score.negatives} messages)",
            f"{score.recall:.3f} / {score.precision:.3f}",
            wanted,
        )


def long_messages(corpus: list[Case] | None = None) -> dict[str, str]:
    """Messages of Telegram's maximum length: ordinary, full of near-trigger words, and (given
    the corpus) its everyday messages one after another, idioms and near-misses all (the
    slowest kind: hundreds of different words, many of them in some phrase)."""

    def fill(unit: str) -> str:
        return (unit * (TELEGRAM_MAX // len(unit) + 1))[:TELEGRAM_MAX]

    everyday = {}
    for language in ("en", "cy"):
        quiet = [c.text for c in corpus or () if c.language == language and not c.should_fire]
        if quiet:
            everyday[f"the corpus's none messages ({language})"] = fill(". ".join(quiet) + ". ")
    return everyday | {
        "an ordinary day": fill("had a normal day at work and then went home, nothing much. "),
        "near-trigger words": fill(
            "i used to want to kill myself years ago but im ok now and he hit me again, "
            "no where to sleep, cant breathe, dw i eisiau marw, fy lladd, "
        ),
        "one sentence, no stops": fill("i am not going to say that i want to be here and "),
    }


def time_checks(rules: Rules, texts: list[str], rounds: int) -> list[list[float]]:
    """Seconds per check: for each text, one time per round."""
    times: list[list[float]] = [[] for _ in texts]
    for _ in range(rounds):
        for number, text in enumerate(texts):
            t0 = time.perf_counter()
            rules.check(text)
            times[number].append(time.perf_counter() - t0)
    return times


def _spread(times: list[list[float]]) -> str:
    """Mean, 99th percentile and slowest of every check; and the slowest text at its best
    (the machine's own pauses, from other work or garbage collection, don't count there)."""
    every = sorted(t for per_text in times for t in per_text)
    p99 = every[min(len(every) - 1, round(0.99 * len(every)) - 1)]
    best = max(min(per_text) for per_text in times)
    return (
        f"mean {statistics.fmean(every) * 1e3:.3f} ms, p99 {p99 * 1e3:.3f} ms,"
        f" max {every[-1] * 1e3:.3f} ms; slowest text at its best {best * 1e3:.3f} ms"
    )


def bench(rounds: int = 5) -> None:
    """Print recall/precision (corpus and held-out, English and Welsh apart) and how long one
    check takes (mean, 99th percentile, slowest)."""
    started = time.perf_counter()
    rules = load_rules(RULES)
    _row("load and compile safeguarding.yaml", f"{(time.perf_counter() - started) * 1e3:8.3f} ms")
    corpus = load_corpus(CORPUS)
    report = evaluate(rules, corpus)
    _figures("safeguarding corpus", report, CORPUS_TARGET)
    for key, cat in report.by_category.items():
        _row(f"  {key} caught as itself", f"{cat.caught}/{cat.labelled}")
    held, reason = load_holdout()
    if held:
        _figures("held-out, never tuned on", evaluate(rules, held), HOLDOUT_TARGET)
    else:
        _row("held-out, never tuned on", f"skipped: {reason}")
    times = time_checks(rules, [case.text for case in corpus + held], rounds)
    _row(f"one check ({len(times)} labelled messages, {rounds} times each)", "", "max < 1 ms")
    print(f"    {_spread(times)}")
    for name, text in long_messages(corpus).items():
        _row(f"one check of 4096 characters: {name}", "")
        print(f"    {_spread(time_checks(rules, [text], rounds * 4))}")


def explain(rules: Rules, text: str) -> str:
    """Every phrase a message set off, and why each counted or not."""
    trace = rules.trace(text)
    lines = [f"tidied: {trace.tidy!r}"]
    lines += [f"  idiom blanked      {rule}" for rule in trace.everyday]
    lines += [f"  says it is over    {rule}" for rule in trace.over]
    lines += [f"  says it is back    {rule}" for rule in trace.again]
    for hit in trace.hits:
        lines.append(f"  COUNTS  {hit.category:<19} {hit.rule}")
    for hit, past in trace.past:
        lines.append(f"  past    {hit.category:<19} {hit.rule}\n          told as past by {past}")
    match = trace.match
    lines.append(f"result: {', '.join(match.categories) if match else 'nothing'}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--bench"]:
        bench()
        return 0
    if argv[:1] == ["--explain"]:
        rules = load_rules(RULES)
        for text in argv[1:]:
            print(explain(rules, text))
        return 0
    holdout = argv[:1] == ["--holdout"]
    if holdout:
        argv = argv[1:]
    rules_path = Path(argv[0]) if argv else RULES
    corpus_path = Path(argv[1]) if len(argv) > 1 else (HOLDOUT if holdout else CORPUS)
    try:
        rules = load_rules(rules_path)
        corpus, reason = load_holdout(corpus_path) if holdout else (load_corpus(corpus_path), "")
    except SafeguardingError as err:
        print(err, file=sys.stderr)
        return 1
    if not corpus:
        print(reason or f"{corpus_path}: no messages to measure")
        return 0
    print(format_report(evaluate(rules, corpus)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
