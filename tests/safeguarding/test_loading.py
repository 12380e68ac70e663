"""A broken safeguarding file is refused with `file:line:col: message` problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.safeguarding import SafeguardingError, load_rules, parse_rules

GOOD = """\
languages: [en, cy]
categories:
  test:
    label:
      en: Test
      cy: Prawf
    phrases:
      en:
        - want to die
      cy:
        - eisiau marw
    reply:
      en: |
        Help is here.
        • Call 116 123
      cy: Mae help yma.
"""


def problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(SafeguardingError) as err:
        parse_rules(text, "sg.yaml")
    for problem in err.value.problems:
        assert str(problem).startswith(f"sg.yaml:{problem.line}:{problem.col}: ")
    return [(p.line, p.message) for p in err.value.problems]


def one(text: str) -> tuple[int, str]:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def test_good_file_loads() -> None:
    rules = parse_rules(GOOD, "sg.yaml")
    assert rules.check("i want to die") is not None
    assert rules.check("dw i eisiau marw") is not None
    match = rules.check("i want to die")
    assert match is not None
    assert rules.reply(match, "en") == "Help is here.\n• Call 116 123"
    assert rules.reply(match, "cy") == "Mae help yma."
    assert rules.call_mode(match) == "offer"


def test_a_category_without_a_reply_is_refused() -> None:
    text = GOOD.replace(
        "    reply:\n      en: |\n        Help is here.\n        • Call 116 123\n      cy: Mae help yma.\n",
        "",
    )
    line, message = one(text)
    assert line == 3 and "needs `reply:`" in message


def test_a_reply_missing_a_language_is_refused() -> None:
    line, message = one(GOOD.replace("      cy: Mae help yma.\n", ""))
    assert "`reply:` needs `cy:` too" in message


def test_an_unknown_call_mode_is_refused() -> None:
    line, message = one(GOOD + "    call: whenever\n")
    assert "use one of: offer, ask_if_safe" in message


def test_the_reply_adds_the_also_lines_of_other_categories_and_the_safest_call() -> None:
    two = (
        GOOD
        + """  hurt:
    label:
      en: Hurt
      cy: Brifo
    reply:
      en: Hurt reply.
      cy: Ateb brifo.
    also:
      en: If someone hurts you, call 999.
      cy: Os oes rhywun yn eich brifo, ffoniwch 999.
    call: ask_if_safe
    phrases:
      en:
        - he hit me
      cy:
        - tarodd e fi
"""
    )
    rules = parse_rules(two, "sg.yaml")
    match = rules.check("he hit me and i want to die")
    assert match is not None and match.categories == ("test", "hurt")
    assert rules.reply(match, "en") == (
        "Help is here.\n• Call 116 123\n\nIf someone hurts you, call 999."
    )
    assert rules.call_mode(match) == "ask_if_safe"
    alone = rules.check("he hit me")
    assert alone is not None and rules.reply(alone, "cy") == "Ateb brifo."


def test_yaml_syntax_error_is_located() -> None:
    line, message = one(GOOD.replace("- want to die", "- want: to: die"))
    assert line == 9 and "quotes" in message


def test_unclosed_flow_list_hints_at_quotes() -> None:
    line, message = one(GOOD.replace("- want to die", "- [really] want to die"))
    assert line == 9 and "quotes" in message


def test_tab_is_located() -> None:
    line, message = one(GOOD.replace("        - want to die", "\t- want to die"))
    assert line == 9 and "tab" in message


def test_unknown_top_key_with_suggestion() -> None:
    line, message = one(GOOD + "everday:\n  en: [x]\n")
    assert line == 17 and "did you mean `everyday`" in message


def test_unknown_category_key() -> None:
    line, message = one(GOOD.replace("    phrases:", "    phrase:\n      en: [x]\n    phrases:"))
    assert line == 7 and "did you mean `phrases`" in message


def test_language_missing_from_phrases() -> None:
    text = GOOD.replace("      cy:\n        - eisiau marw\n", "")
    line, message = one(text)
    assert line == 8 and "`cy:` too" in message


def test_language_not_declared() -> None:
    found = problems(GOOD.replace("      cy:\n        - eisiau", "      fr:\n        - eisiau"))
    assert (10, "`fr` is not one of the file's `languages:` (en, cy) in `phrases:`") in found
    assert (8, "`phrases:` needs phrases in `cy:` too") in found


def test_bad_phrase_is_located() -> None:
    line, message = one(GOOD.replace("- eisiau marw", "- (eisiau marw"))
    assert line == 11 and "never closed" in message


def test_unsafe_or_broken_regex() -> None:
    nested = GOOD.replace("- eisiau marw", "- regex: '(a+)+b'")
    line, message = one(nested)
    assert line == 11 and "repeats a group that itself repeats" in message
    line, message = one(GOOD.replace("- eisiau marw", "- regex: 'a(b'"))
    assert line == 11 and "can't be read" in message
    line, message = one(GOOD.replace("- eisiau marw", "- regex: 'x*'"))
    assert line == 11 and "matches an empty message" in message


def test_anchors_aliases_tags_duplicates() -> None:
    assert "anchors" in one(GOOD.replace("label:", "label: &l"))[1]
    text = GOOD.replace("- want to die", "- *alias")
    assert any("aliases" in m or "quotes" in m for _, m in problems(text))
    assert "tags" in one(GOOD.replace("- want to die", "- !!str want to die"))[1]
    dup = GOOD.replace("      cy: Prawf\n", "      cy: Prawf\n      en: Again\n")
    line, message = one(dup)
    assert line == 7 and "written twice" in message and "line 5" in message


def test_duplicate_phrase() -> None:
    text = GOOD.replace("- want to die\n", "- want to die\n        - want to die\n")
    line, message = one(text)
    assert line == 10 and "already on line 9" in message


def test_several_problems_all_reported_in_order() -> None:
    text = GOOD.replace("- want to die", "- (want").replace("- eisiau marw", "- {nope}")
    found = problems(text)
    assert [line for line, _ in found] == [9, 11]
    assert "must be put in quotes" in found[1][1]  # YAML read {nope} as a mapping


def test_structure_problems() -> None:
    assert "needs `categories:`" in one("languages: [en]\n")[1]
    assert "empty" in one("")[1]
    assert "one YAML document" in one(GOOD + "---\n" + GOOD)[1]
    assert "list" in one(GOOD.replace("languages: [en, cy]", "languages: en"))[1]
    assert problems(GOOD.replace("[en, cy]", "[en, Welsh]"))[0] == (
        1,
        "`Welsh` is not a language code like `en` or `cy`",
    )
    bad_spelling = GOOD + "spellings:\n  two words: x\n"
    assert "one word" in one(bad_spelling)[1]
    short_fuzzy = GOOD + "fuzzy: [die]\n"
    assert "at least 6 letters" in one(short_fuzzy)[1]


def test_load_rules_reads_files(tmp_path: Path) -> None:
    good = tmp_path / "sg.yaml"
    good.write_text(GOOD, encoding="utf-8")
    assert load_rules(good).file == str(good)
    with pytest.raises(SafeguardingError, match="can't read this file"):
        load_rules(tmp_path / "missing.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(GOOD.encode() + b"# caf\xe9\n")
    with pytest.raises(SafeguardingError) as err:
        load_rules(latin)
    assert err.value.problems[0].line == 17 and "UTF-8" in err.value.problems[0].message


PAST = (
    GOOD.replace("        - want to die\n", "        - want to die\n        - self harm\n")
    + """\
past_and_over:
  past:
    en:
      - used to
    cy:
      - arfer
  over:
    en:
      - clean for
    cy:
      - dw i yn iawn nawr
  again:
    en:
      - again
    cy:
      - eto
  joins:
    en: [but, and, and now]
    cy: [ond]
"""
)


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("i used to self harm but ive been clean for 2 years", False),
        ("i used to self harm", True),  # not said to be over
        ("ive been clean for 2 years but i self harm", True),  # the part with it has no past
        ("i used to self harm, clean for years, and im doing it again", True),  # back
        ("i used to self harm. i self harm. clean for years", True),  # a present sentence
        ("i used to self harm and now i want to die. clean for a bit", True),
    ],
)
def test_past_and_over(text: str, fires: bool) -> None:
    rules = parse_rules(PAST, "sg.yaml")
    assert (rules.check(text) is not None) is fires, text
    trace = rules.trace(text)
    assert trace.match == rules.check(text)
    if not fires:
        ((hit, past),) = trace.past
        assert hit.rule.text == "self harm" and past.text == "used to" and past.line == 21


def test_joins_are_per_language() -> None:
    # Welsh "ond" (but) does not cut an English sentence, nor English "but" a Welsh one
    rules = parse_rules(PAST.replace("    en: [but, and, and now]\n", "    en: [ond]\n"), "sg.yaml")
    assert rules.check("i used to self harm but ive been clean for 2 years") is None
    assert rules.check("i used to ond self harm, clean for 2 years") is not None


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("  again:\n    en:\n      - again\n    cy:\n      - eto\n", ""), 19, "needs `again:`"),
        (("  joins:", "  join:"), 34, "did you mean `joins`"),
        (("      - used to\n", "      - (used to\n"), 21, "never closed"),
        (("    en: [but, and, and now]", "    en: [but, '...']"), 35, "a join is a word or two"),
        (("    cy: [ond]", "    fr: [et]"), 36, "`fr` is not one of the file's `languages:`"),
        (("      - clean for\n", ""), 25, "`over:` `en:` is empty"),
    ],
)
def test_past_and_over_problems_are_located(
    change: tuple[str, str], line: int, message: str
) -> None:
    text = PAST.replace(*change)
    assert text != PAST
    found = problems(text)
    assert any(at == line and message in said for at, said in found), found


def test_an_unquoted_phrase_followed_by_a_hash_is_refused() -> None:
    line, message = one(GOOD.replace("- want to die", "- took # pills"))
    assert line == 9 and "YAML comment" in message and "quotes" in message
    rules = parse_rules(GOOD.replace("- want to die", '- "took # pills"'), "sg.yaml")
    assert rules.check("i took 30 pills") is not None


def test_start_and_end_are_not_word_list_names() -> None:
    line, message = one(GOOD + "words:\n  end: [x]\n")
    assert line == 18 and "{start} and {end}" in message
