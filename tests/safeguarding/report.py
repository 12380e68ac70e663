"""Safeguarding figures: recall and precision on the examples, leave-one-round-out, the
held-out set and ordinary answers; training time and time per check.

    .venv/bin/python -m tests.safeguarding.report                               # all of it
    .venv/bin/python -m tests.safeguarding.report [rules.yaml] [examples.yaml]  # misses, alarms
    .venv/bin/python -m tests.safeguarding.report --holdout                     # the held-out set
    .venv/bin/python -m tests.safeguarding.report --explain "a message"         # why it fired
    .venv/bin/python -m tests.safeguarding.report --bench                       # figures only
    .venv/bin/python -m tests.safeguarding.report --rounds                      # each round

`bench()` is what `make bench` prints (tests/bench/__main__.py calls it).
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from bot.safeguarding import Rules, SafeguardingError, load_rules
from bot.safeguarding.evaluate import (
    Case,
    Report,
    evaluate,
    format_report,
    leave_one_round_out,
    load_examples,
)
from tests.safeguarding.ordinary import WORRYING_BY_DESIGN, sample_answers

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "dialogues" / "safeguarding.yaml"
CORPUS = ROOT / "dialogues" / "safeguarding_examples.yaml"
HOLDOUT = Path(__file__).resolve().parent / "holdout.yaml"

# The targets. The examples are what the rules were written against and the tier is
# trained on; leave-one-round-out and the held-out set are new wording (the real test).
CORPUS_TARGET = (0.98, 0.95)
HOLDOUT_TARGET = (0.98, 0.9)
ORDINARY_TARGET = 0.005  # false alarms on ordinary answers
TELEGRAM_MAX = 4096


def load_holdout(path: Path = HOLDOUT) -> tuple[list[Case], str]:
    """The held-out messages, or none and the reason there are none."""
    if not path.exists():
        return [], f"{path.name} is missing: no held-out figures until a blind set is added"
    cases = load_examples(path)
    if not cases:
        return [], f"{path.name} has no messages yet: a fresh blind set replaces it"
    return cases, ""


def _row(name: str, value: str, target: str = "") -> None:
    print(f"  {name:<58}{value}{('   target ' + target) if target else ''}")


def _figures(title: str, report: Report, target: tuple[float, float] | None = None) -> None:
    wanted = f">= {target[0]} / >= {target[1]}" if target else ""
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
    for language, score in sorted(report.ordinary.items()):
        _row(
            f"  {language} ordinary answers: false alarms",
            f"{score.false_alarm_rate:6.2%} ({score.false_positives} of {score.negatives})",
            f"<= {ORDINARY_TARGET:.1%}",
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
            everyday[f"the examples' none messages ({language})"] = fill(". ".join(quiet) + ". ")
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


def ordinary_alarms(rules: Rules) -> tuple[list[tuple[str, str]], int]:
    """What fires among bot/sample_data.py's ordinary answers: (answer, why) for each, and how
    many answers were checked."""
    answers = sample_answers()
    fired = []
    for answer in answers:
        match = rules.check(answer)
        if match is not None:
            fired.append((answer, f"{', '.join(match.categories)} <- {match.rule}"))
    return fired, len(answers)


def _ordinary(rules: Rules) -> None:
    fired, checked = ordinary_alarms(rules)
    wrong = [(a, why) for a, why in fired if a not in WORRYING_BY_DESIGN]
    _row(
        f"sample_data's ordinary answers ({checked}): false alarms",
        f"{len(wrong) / checked:6.2%} ({len(wrong)})",
        f"<= {ORDINARY_TARGET:.1%}",
    )
    for answer, why in fired:
        mark = "right: worrying by design" if answer in WORRYING_BY_DESIGN else "FALSE ALARM"
        print(f"    {mark}: {answer!r}\n        {why}")


def bench(rounds: int = 5) -> None:
    """Print recall/precision (examples, leave-one-round-out and held-out, English and Welsh
    apart), false alarms on ordinary answers, training time, and how long one check takes
    (mean, 99th percentile, slowest)."""
    import sys

    from bot.safeguarding.learned import train
    from bot.safeguarding.rules import CACHE

    fresh = "sklearn" not in sys.modules
    kept = list(CACHE.glob("learned-v*.npz")) if CACHE.is_dir() else []
    started = time.perf_counter()
    rules = load_rules(RULES)
    loaded = time.perf_counter() - started
    learned = rules.learned
    how = "fitted tier read from var/" if kept and fresh and "sklearn" not in sys.modules else ""
    _row(
        "load safeguarding.yaml and its examples (this process)",
        f"{loaded * 1e3:8.1f} ms   {how or 'trained here'}",
    )
    if learned is None:
        _row("learned tier", "off (`learned: off`, or no examples file)")
    else:
        started = time.perf_counter()
        import sklearn.linear_model  # noqa: F401  (what training costs the first time)

        imported = time.perf_counter() - started
        cases = load_examples(CORPUS)
        started = time.perf_counter()
        lines = [rules.learned_text(case.text)[0] for case in cases]
        read = time.perf_counter() - started
        again = train(cases, lines, [c.key for c in rules.categories])
        _row(
            f"  training the tier ({len(cases)} examples, {len(again.vocabulary)} features)",
            f"{(read + again.seconds) * 1e3:8.1f} ms",
            "~1 s",
        )
        _row("    of which: reading the examples as the rules do", f"{read * 1e3:8.1f} ms")
        _row(
            "    importing scikit-learn (first training in a process)"
            if fresh
            else "    importing scikit-learn (already imported)",
            f"{imported * 1e3:8.1f} ms",
        )
        started = time.perf_counter()
        load_rules(RULES)
        _row(
            "  loading again (the trained tier kept in the process)",
            f"{(time.perf_counter() - started) * 1e3:8.1f} ms",
        )
        _row("  threshold (`learned:` in safeguarding.yaml)", f"{rules.threshold}")
    corpus = load_examples(CORPUS)
    alone = replace(rules, learned=None)
    report = evaluate(alone, corpus)
    _figures("phrases alone, on the examples (written against them)", report, CORPUS_TARGET)
    for key, cat in report.by_category.items():
        _row(f"  {key} caught as itself", f"{cat.caught}/{cat.labelled}")
    if learned is not None:
        _figures("phrases + tier, on the examples (TRAINING FIT)", evaluate(rules, corpus))
        started = time.perf_counter()
        both, tier = leave_one_round_out(rules, corpus)
        took = time.perf_counter() - started
        _figures(
            "leave-one-round-out, phrases + tier (phrases tuned on most rounds)",
            both,
            HOLDOUT_TARGET,
        )
        _figures("leave-one-round-out, tier alone", tier)
        print(f"    ({len(both.by_round)} rounds held out in turn, {took:.1f} s)")
    _ordinary(rules)
    held, reason = load_holdout()
    if held:
        _figures("held-out, never tuned on: phrases alone", evaluate(alone, held))
        if learned is not None:
            _figures(
                "held-out, never tuned on: phrases + tier", evaluate(rules, held), HOLDOUT_TARGET
            )
    else:
        _row("held-out, never tuned on", f"skipped: {reason}")
    texts = [case.text for case in corpus + held] + sample_answers()
    times = time_checks(rules, texts, rounds)
    _row(f"one check, phrases + tier ({len(times)} messages, {rounds} times each)", "", "< 1 ms")
    print(f"    {_spread(times)}")
    for name, text in long_messages(corpus).items():
        _row(f"one check of 4096 characters: {name}", "")
        print(f"    {_spread(time_checks(rules, [text], rounds * 4))}")


def rounds_table(rules: Rules, corpus: list[Case]) -> None:
    """Each round held out in turn: phrases alone (tuned on it, mostly) and phrases + tier."""
    both, tier = leave_one_round_out(rules, corpus)
    alone = evaluate(replace(rules, learned=None), corpus)
    print(f"  {'round':<44}{'phrases':>16}{'phrases + tier':>18}{'tier alone':>16}")
    for name, score in both.by_round.items():
        a = alone.by_round.get(name)
        t = tier.by_round[name]

        def fig(s: object) -> str:
            from bot.safeguarding.evaluate import Score

            assert isinstance(s, Score)
            if not s.positives:
                return f"FA {s.false_alarm_rate:.2%}"
            return f"{s.recall:.3f}/{s.precision:.3f}"

        print(f"  {name:<44}{fig(a) if a else '-':>16}{fig(score):>18}{fig(t):>16}")


def explain(rules: Rules, text: str) -> str:
    """Every phrase a message set off, and why each counted or not; what the tier made of it."""
    trace = rules.trace(text)
    lines = [f"tidied: {trace.tidy!r}"]
    lines += [f"  idiom blanked      {rule}" for rule in trace.everyday]
    lines += [f"  says it is over    {rule}" for rule in trace.over]
    lines += [f"  says it is back    {rule}" for rule in trace.again]
    for hit in trace.hits:
        lines.append(f"  COUNTS  {hit.category:<19} {hit.rule}")
    for hit, past in trace.past:
        lines.append(f"  past    {hit.category:<19} {hit.rule}\n          told as past by {past}")
    verdict = trace.learned
    if rules.learned is not None:
        lines.append(f"learned tier reads: {trace.learned_text!r}")
        if verdict is None:
            lines.append("  score: nothing to go on (no word or part of one like the examples)")
        else:
            sure = (
                "fires"
                if rules.threshold is not None and verdict.score >= rules.threshold
                else "does not fire"
            )
            lines.append(
                f"  score {verdict.score:.3f} (threshold {rules.threshold}: {sure}),"
                f" category {verdict.category}"
            )
            lines.append(
                "  by category: "
                + ", ".join(f"{key} {value:.2f}" for key, value in verdict.by_category)
            )
            for case, similarity in rules.learned.nearest(trace.learned_text, n=3):
                label = ", ".join(case.categories) or "none"
                lines.append(f"  like ({similarity:.2f}) {case.text!r} [{label}] {case.where}")
    match = trace.match
    lines.append(f"result: {', '.join(match.categories) if match else 'nothing'}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--bench"]:
        bench()
        return 0
    if argv[:1] == ["--rounds"]:
        rules = load_rules(RULES)
        rounds_table(rules, load_examples(CORPUS))
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
        corpus, reason = load_holdout(corpus_path) if holdout else (load_examples(corpus_path), "")
    except SafeguardingError as err:
        print(err, file=sys.stderr)
        return 1
    if not corpus:
        print(reason or f"{corpus_path}: no messages to measure")
        return 0
    if not argv and not holdout:
        bench()  # the figures first, then every miss and false alarm
        print("phrases + tier on the examples (training fit), message by message:")
    print(format_report(evaluate(rules, corpus)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
