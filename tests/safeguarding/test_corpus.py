"""The quality targets on the labelled examples (dialogues/safeguarding_examples.yaml).

- The phrases alone, on the examples they were written against: a floor that catches a clearly
  worse change (the issue's target is recall >= 0.98 and precision >= 0.95; the blind held-out
  round 5, added to the examples unchanged, brought recall to 0.977: en 0.979, cy 0.970).
- Phrases and learned tier together, each round held out in turn (the tier trained without
  it): the figures reached, 3 December 2026 after held-out round 6 (threshold 0.95): en recall
  1.000 precision 0.994, cy 1.000 / 0.997, false alarms on held-out ordinary answers en 0.38%,
  cy 0.28%; the tier alone catches 0.401 (en) and 0.315 (cy) of what it has not seen. The
  phrases were tuned on every round, so these are far kinder than new wording will be (the
  second blind set, before tuning: en 0.752, cy 0.507; see report.py).
- A floor for the held-out set, when it has messages.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.safeguarding import Rules
from bot.safeguarding.evaluate import Case, evaluate, format_report, leave_one_round_out

RECALL = 0.97  # the phrases alone, on the examples
PRECISION = 0.95
CATEGORY_RECALL = 0.95  # each category caught as itself, phrases alone
# leave-one-round-out, phrases + tier (reached: en 1.000 / 0.994, cy 1.000 / 0.997)
LORO = {"en": (0.98, 0.99), "cy": (0.97, 0.99)}
LORO_TIER_ALONE = (0.3, 0.98)  # reached: recall en 0.401, cy 0.315; precision 0.987, 0.991
ORDINARY_FALSE_ALARMS = 0.005  # reached: en 0.38%, cy 0.28%
# The held-out set is new wording nobody tuned for. The second blind set (measured once after
# freezing on 2026-12-03: phrases + tier recall en 0.752, cy 0.507; precision en 0.983, cy 0.919;
# false alarms on its ordinary messages en 0.56%, cy 0%) is now "held-out round 6" of the
# examples; holdout.yaml waits for a third. These floors catch a clearly worse change on a new
# set; they are not the target (recall >= 0.98 with precision >= 0.9).
HOLDOUT = {"en": (0.74, 0.95), "cy": (0.5, 0.9)}


@pytest.fixture(scope="module")
def phrases(rules: Rules) -> Rules:
    """The rules without the learned tier."""
    return replace(rules, learned=None)


def test_corpus_is_big_and_balanced_enough(corpus: list[Case], rules: Rules) -> None:
    assert len(corpus) >= 150
    welsh = [c for c in corpus if c.language == "cy"]
    assert len(welsh) >= 40
    for language in ("en", "cy"):
        cases = [c for c in corpus if c.language == language]
        assert any(c.should_fire for c in cases) and any(not c.should_fire for c in cases)
        for category in rules.categories:
            assert any(category.key in c.categories for c in cases), (language, category.key)
    known = {c.key for c in rules.categories}
    assert {k for c in corpus for k in c.categories} <= known


def test_phrases_alone_keep_their_floor(phrases: Rules, corpus: list[Case]) -> None:
    report = evaluate(phrases, corpus)
    detail = format_report(report)
    assert report.overall.recall >= RECALL, detail
    assert report.overall.precision >= PRECISION, detail
    assert set(report.by_language) == {"en", "cy"}
    for language, score in report.by_language.items():
        assert score.recall >= RECALL, f"{language}\n{detail}"
        assert score.precision >= PRECISION, f"{language}\n{detail}"


def test_every_category_is_caught_as_itself(phrases: Rules, corpus: list[Case]) -> None:
    report = evaluate(phrases, corpus)
    for key, score in report.by_category.items():
        assert score.recall >= CATEGORY_RECALL, f"{key}\n{format_report(report)}"


def test_leave_one_round_out_phrases_and_tier(rules: Rules, corpus: list[Case]) -> None:
    both, alone = leave_one_round_out(rules, corpus)
    assert len(both.by_round) >= 19  # every round, and the ordinary one in five folds
    detail = format_report(both, details=False)
    for language, (recall, precision) in LORO.items():
        score = both.by_language[language]
        ordinary = both.ordinary[language]
        # precision on the crisis rounds: the ordinary answers are counted apart
        right = score.true_positives
        wrong = score.false_positives - ordinary.false_positives
        assert score.recall >= recall, f"{language}\n{detail}"
        assert right / (right + wrong) >= precision, f"{language}\n{detail}"
        assert ordinary.false_alarm_rate <= ORDINARY_FALSE_ALARMS, f"{language}\n{detail}"
        tier = alone.by_language[language]
        assert tier.recall >= LORO_TIER_ALONE[0], f"{language}\n{format_report(alone)}"
        assert tier.precision >= LORO_TIER_ALONE[1], f"{language}\n{format_report(alone)}"


def test_held_out_messages_do_not_regress(rules: Rules, holdout: list[Case]) -> None:
    # Skipped (with the reason) when holdout.yaml has no messages: see conftest.py. Earlier
    # rounds, each measured once and then moved into the examples: round 1 to 3 recall
    # 0.79-0.81, precision 1.00; round 4 (2026-12-03) recall 0.806, precision 1.000; round 5
    # (blind, 2026-12-03) recall 0.749 (en 0.779, cy 0.667), precision 0.969; round 6 (the second
    # blind set, 2026-12-03) recall en 0.752, cy 0.507, precision en 0.983, cy 0.919.
    report = evaluate(rules, holdout)
    detail = format_report(report)
    assert set(report.by_language) == set(HOLDOUT)
    for language, score in report.by_language.items():
        recall, precision = HOLDOUT[language]
        assert score.recall >= recall, f"{language}\n{detail}"
        assert score.precision >= precision, f"{language}\n{detail}"


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_category_fires_in_both_languages(
    rules: Rules, corpus: list[Case], language: str
) -> None:
    for category in rules.categories:
        examples = [c for c in corpus if c.language == language and category.key in c.categories]
        fired = [c for c in examples if (m := rules.check(c.text)) and category.key in m.categories]
        assert fired, (language, category.key)
        assert any(
            m.rule.language == language for c in fired if (m := rules.check(c.text)) is not None
        ), f"no {language} phrase of {category.key} fired on its own"


def test_report_lists_misses_and_false_alarms(rules: Rules) -> None:
    cases = [
        Case("I want to kill myself", "en", ("suicide_self_harm",)),
        Case("purple elephants dancing", "en", ("suicide_self_harm",)),  # a miss
        Case("I could kill for a coffee", "en", ()),
        Case("he hit me", "en", ()),  # labelled wrongly on purpose: a false alarm
        Case("i cant breathe", "en", ("nowhere_to_sleep",)),  # caught, as another category
    ]
    report = evaluate(rules, cases)
    assert report.overall.true_positives == 2
    assert report.overall.false_negatives == 1
    assert report.overall.false_positives == 1
    assert report.overall.true_negatives == 1
    assert report.overall.recall == pytest.approx(2 / 3)
    assert report.overall.precision == pytest.approx(2 / 3)
    assert [c.text for c in report.misses] == ["purple elephants dancing"]
    assert [c.text for c, _ in report.false_alarms] == ["he hit me"]
    assert [c.text for c, _ in report.other_category] == ["i cant breathe"]
    assert report.by_category["nowhere_to_sleep"].caught_as_other == 1
    assert report.by_category["being_harmed"].fired_elsewhere == 1
    text = format_report(report)
    assert "MISSED" in text and "FALSE ALARM" in text and "recall 0.667" in text


def test_examples_format_rounds_and_errors() -> None:
    from bot.safeguarding import SafeguardingError
    from bot.safeguarding.evaluate import group_rounds, parse_examples

    cases = parse_examples(
        "en:\n  suicide_self_harm:\n    - plain\n    # development round 7 (a note)\n"
        "    - text: both\n      also: [medical_emergency]\n"
        "  none:\n    - quiet\n    # ordinary answers, round O1, written from the questions\n"
        "    - a\n    - b\n    - c\n",
        "c.yaml",
    )
    assert [(c.text, c.categories, c.line, c.round) for c in cases] == [
        ("plain", ("suicide_self_harm",), 3, "first"),
        ("both", ("suicide_self_harm", "medical_emergency"), 5, "development 7"),
        ("quiet", (), 8, "first"),
        ("a", (), 10, "ordinary answers O1"),
        ("b", (), 11, "ordinary answers O1"),
        ("c", (), 12, "ordinary answers O1"),
    ]
    assert list(group_rounds(cases, folds=2).values()) == [[0, 2], [1], [3, 5], [4]]
    with pytest.raises(SafeguardingError, match=r"c.yaml:3:7: a message should be a text"):
        parse_examples("en:\n  none:\n    - [a, b]\n", "c.yaml")
    with pytest.raises(SafeguardingError, match=r"c.yaml:2:3: `nones` is not a category"):
        parse_examples("en:\n  nones:\n    - a\n", "c.yaml", ("suicide_self_harm",))


def test_an_empty_or_missing_held_out_set_is_skipped_with_a_reason(tmp_path: Path) -> None:
    from tests.safeguarding.report import load_holdout

    empty = tmp_path / "holdout.yaml"
    empty.write_text("# waiting for a fresh blind set\n\n# en:\n#   none: [x]\n", encoding="utf-8")
    assert load_holdout(empty) == (
        [],
        "holdout.yaml has no messages yet: a fresh blind set replaces it",
    )
    cases, reason = load_holdout(tmp_path / "missing.yaml")
    assert cases == [] and "missing" in reason
    full = tmp_path / "full.yaml"
    full.write_text("en:\n  none:\n    - a quiet day\n", encoding="utf-8")
    cases, reason = load_holdout(full)
    assert [c.text for c in cases] == ["a quiet day"] and reason == ""


def test_report_times_every_check(rules: Rules) -> None:
    report = evaluate(rules, [Case("i want to die", "en", ("suicide_self_harm",))] * 3)
    assert len(report.times) == 3
    assert report.percentile(1.0) == max(report.times)
    assert 0 < report.seconds_per_check <= report.percentile(1.0)
    assert "99th percentile" in format_report(report)
