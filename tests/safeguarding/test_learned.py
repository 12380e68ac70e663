"""The learned tier: trained from dialogues/safeguarding_examples.yaml when the rules are
loaded; fires on clear new wording, not on ordinary answers or idioms; its setting in
safeguarding.yaml; the shape of its match; trained once per pair of files.

The messages here are written for these tests, not copied from the examples file."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.safeguarding import Rules, SafeguardingError, load_rules, parse_rules
from bot.safeguarding.evaluate import load_examples
from bot.safeguarding.learned import Counts, features, train
from bot.safeguarding.rules import learned_for

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "dialogues" / "safeguarding.yaml"
EXAMPLES = ROOT / "dialogues" / "safeguarding_examples.yaml"

# Clear crises in new words: the tier on its own (whatever the phrases say) must raise them,
# in the right category.
CLEAR = [
    ("honestly i think the world would be better if i just wasnt in it", "suicide_self_harm"),
    ("ive been thinking about ending things", "suicide_self_harm"),
    ("im going to take all my pills tonight", "suicide_self_harm"),
    ("i keep scratching my arms till they bleed", "suicide_self_harm"),
    ("what's the point of me even being here", "suicide_self_harm"),
    ("my boyfriend punches me when he's angry", "being_harmed"),
    ("he strangled me last night", "being_harmed"),
    ("im sleeping in a doorway tonight", "nowhere_to_sleep"),
    ("my mate has collapsed and isnt breathing", "medical_emergency"),
    ("my chest is really tight and my arm's gone numb", "medical_emergency"),
    ("i'm going to batter him when i see him", "harm_to_others"),
    ("dw i isio marw", "suicide_self_harm"),
    ("mae o'n fy nharo i bob nos", "being_harmed"),
    ("dwi'n cysgu ar y stryd heno", "nowhere_to_sleep"),
]

# Ordinary answers to the tools' questions, everyday moans and idioms: nothing may fire.
ORDINARY = [
    "Fixing up an old bike with my lad",
    "a cup of tea and the radio on",
    "Getting my provisional licence sorted",
    "my nan's sunday dinners",
    "The bus was late again so I walked",
    "working on the market stall on saturdays",
    "I'd like to do a plumbing course",
    "My cousin, she always picks up the phone",
    "Walking the dog round the reservoir",
    "not sure yet, will think about it",
    "Keeping my room tidy and paying my phone bill",
    "the jobcentre keeps changing my appointment",
    "I could murder a bacon sandwich right now",
    "this heat is killing me",
    "my phone is about to die",
    "we got absolutely hammered 6-0 on sunday",
    "dying for a brew after that shift",
    "bore da, dwi'n iawn diolch",
    "mynd i'r gampfa efo fy mrawd",
    "paned o de a darllen y papur",
    "dwi isio gweithio mewn garej",
]


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(RULES)


def test_load_rules_trains_the_tier_from_the_examples_beside_the_file(rules: Rules) -> None:
    learned = rules.learned
    assert learned is not None
    assert learned.file == str(EXAMPLES)
    assert set(learned.categories) == {c.key for c in rules.categories}
    assert len(learned.vocabulary) > 10_000 and learned.seconds > 0
    assert rules.threshold is not None and 0 < rules.threshold < 1


def test_parse_rules_is_rules_only() -> None:
    assert parse_rules(RULES.read_text(encoding="utf-8"), str(RULES)).learned is None


@pytest.mark.parametrize(("text", "category"), CLEAR)
def test_the_tier_alone_raises_clear_new_wording(rules: Rules, text: str, category: str) -> None:
    match = rules.learned_match(text)
    assert match is not None, rules.trace(text).learned
    assert match.category == category


@pytest.mark.parametrize("text", ORDINARY)
def test_nothing_fires_on_ordinary_answers_and_idioms(rules: Rules, text: str) -> None:
    assert rules.check(text) is None, rules.trace(text)


def test_a_learned_match_has_the_shape_the_conversations_use(rules: Rules) -> None:
    text = "honestly i think the world would be better if i just wasnt in it"
    assert replace(rules, learned=None).check(text) is None  # no phrase: the tier alone
    match = rules.check(text)
    assert match is not None
    assert match.category == "suicide_self_harm" and match.categories == ("suicide_self_harm",)
    rule = match.rule
    assert rule.kind == "learned" and rule.category == "suicide_self_harm"
    assert rule.text.startswith("learned (0.9") and "safeguarding_examples.yaml" in rule.text
    assert rule.file == str(EXAMPLES) and rule.line > 0
    said = EXAMPLES.read_text(encoding="utf-8").split("\n")[rule.line - 1]
    assert rule.example and rule.example in said.replace("\\", "")  # the example it was like
    assert match.language in rules.languages
    assert "Samaritans" in rules.reply(match, "en")
    assert rules.call_mode(match) == "offer"
    assert str(rule).startswith("learned (")
    trace = rules.trace(text)
    assert trace.match == match and trace.learned is not None
    assert trace.learned.score >= (rules.threshold or 0)


def test_idioms_past_and_over_and_except_win_over_the_tier(rules: Rules) -> None:
    # an idiom blanked out by `everyday:` is not read by the tier either
    assert "~" in rules.learned_text("I could murder a bacon sandwich right now")[0]
    # recovery told as over: the part told as past is blanked out for the tier
    over = "i used to want to end it all but ive been clean 3 years now and im in a good place"
    line, _ = rules.learned_text(over)
    assert "~" in line and "end it al" not in line
    assert rules.check(over) is None
    # a category's `except:` (giving up a habit) is blanked before the tier decides
    assert rules.check("i want to give up smoking, any help with that") is None


def test_the_threshold_decides(rules: Rules) -> None:
    text = "i wish i could go to sleep forever and not have to deal with any of it"
    verdict = rules.trace(text).learned
    assert verdict is not None
    # Just above its score (halfway to 1, however sure the tier is): it no longer fires.
    below = replace(rules, threshold=verdict.score + (1 - verdict.score) / 2)
    above = replace(rules, threshold=max(0.01, verdict.score - 0.005))
    assert below.learned_match(text) is None
    assert above.learned_match(text) is not None


def _with_setting(tmp_path: Path, setting: str, examples: bool = True) -> Path:
    text = RULES.read_text(encoding="utf-8")
    start = text.index("\nlearned:\n")
    end = text.index("\ncategories:\n")
    (tmp_path / "safeguarding.yaml").write_text(
        text[:start] + "\n" + setting + text[end:], encoding="utf-8"
    )
    if examples:
        shutil.copy(EXAMPLES, tmp_path / EXAMPLES.name)
    return tmp_path / "safeguarding.yaml"


def test_learned_off_and_a_threshold_in_the_file(tmp_path: Path) -> None:
    off = load_rules(_with_setting(tmp_path, "learned: off\n"))
    assert off.threshold is None and off.learned is None
    half = load_rules(_with_setting(tmp_path, "learned:\n  threshold: 0.5\n"))
    assert half.threshold == 0.5 and half.learned is not None
    # no examples file beside the rules: phrases only
    alone = tmp_path / "alone"
    alone.mkdir()
    assert load_rules(_with_setting(alone, "learned:\n  threshold: 0.5\n", False)).learned is None


@pytest.mark.parametrize(
    ("setting", "line", "message"),
    [
        ("learned: maybe\n", 0, "`learned:` is `maybe`; write `learned: off`"),
        ("learned:\n  threshold: 2\n", 1, "`threshold:` is `2`; write a number between 0 and 1"),
        ("learned:\n  threshold: high\n", 1, "`threshold:` is `high`"),
        ("learned:\n  treshold: 0.9\n", 1, "did you mean `threshold`?"),
        ("learned: [0.9]\n", 0, "`learned:` should be `off` or `threshold:`"),
    ],
)
def test_a_bad_setting_is_refused_with_its_line(
    tmp_path: Path, setting: str, line: int, message: str
) -> None:
    path = _with_setting(tmp_path, setting)
    where = path.read_text(encoding="utf-8").split("\n").index(setting.split("\n")[0]) + 1
    with pytest.raises(SafeguardingError) as err:
        load_rules(path)
    assert any(
        p.line == where + line and message in p.message and p.file == str(path)
        for p in err.value.problems
    ), err.value


def test_examples_with_a_category_the_rules_do_not_have_are_refused(tmp_path: Path) -> None:
    path = _with_setting(tmp_path, "learned:\n  threshold: 0.9\n")
    examples = tmp_path / EXAMPLES.name
    examples.write_text(
        examples.read_text(encoding="utf-8").replace("\n  none:\n", "\n  nonne:\n", 1),
        encoding="utf-8",
    )
    with pytest.raises(SafeguardingError, match=r"safeguarding_examples.yaml:\d+:3: `nonne`"):
        load_rules(path)


def test_loading_twice_trains_once(rules: Rules) -> None:
    again = load_rules(RULES)
    assert again.learned is rules.learned  # the same trained tier, not trained again
    text = EXAMPLES.read_text(encoding="utf-8")
    assert learned_for(rules, text, str(EXAMPLES)) is rules.learned
    changed = text + "\n# a comment changes the file, so the tier is trained again\n"
    assert learned_for(rules, changed, str(EXAMPLES)) is not rules.learned


def test_the_fitted_tier_is_kept_on_disk_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    from bot.safeguarding import rules as module

    monkeypatch.setattr(module, "_TRAINED", {})
    path = _with_setting(tmp_path, "learned:\n  threshold: 0.9\n")
    cache = tmp_path / "var"
    trained = load_rules(path, cache=cache)
    kept = list(cache.glob("learned-v*.npz"))
    assert len(kept) == 1 and not list(cache.glob(".*partial"))
    monkeypatch.setattr(module, "_TRAINED", {})
    read = load_rules(path, cache=cache)
    assert trained.learned is not None and read.learned is not None
    assert read.learned is not trained.learned  # read from disk, not trained, not the same
    assert read.learned.vocabulary == trained.learned.vocabulary
    assert np.array_equal(read.learned.stacked, trained.learned.stacked)
    assert read.learned.examples == trained.learned.examples
    for text, _ in CLEAR[:5]:
        assert read.check(text) == trained.check(text)
    # a damaged file is trained again (and written again)
    kept[0].write_bytes(b"not a numpy file")
    monkeypatch.setattr(module, "_TRAINED", {})
    again = load_rules(path, cache=cache)
    assert again.learned is not None and again.check(CLEAR[0][0]) == trained.check(CLEAR[0][0])
    assert kept[0].read_bytes()[:2] == b"PK"


def test_features_survive_welsh_mutation_and_stop_at_sentences() -> None:
    marw, farw = set(features(" marw ")), set(features(" farw "))
    assert {"arw ", "w marw"} <= marw and "arw " in farw
    assert "w one two" in features(" one two ") and "w one two" not in features(" one . two ")
    assert "w one two" not in features(" one ~ two ")


def test_training_on_a_subset_is_training_on_those_examples(rules: Rules) -> None:
    cases = load_examples(EXAMPLES)[:400] + load_examples(EXAMPLES)[-300:]
    lines = [rules.learned_text(c.text)[0] for c in cases]
    keys = [c.key for c in rules.categories]
    rows = list(range(0, 700, 2))
    subset = train(cases, lines, keys, counts=Counts.of(lines), rows=rows)
    alone = train([cases[i] for i in rows], [lines[i] for i in rows], keys)
    assert subset.vocabulary.keys() == alone.vocabulary.keys()
    for line in lines[1:60:7]:
        a, b = subset.verdict(line), alone.verdict(line)
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            assert a.score == pytest.approx(b.score, abs=0.01) and a.category == b.category
