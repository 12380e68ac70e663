"""Shape errors (the schema): wrong types, unknown keys with did-you-mean, missing keys."""

from __future__ import annotations

import json

from bot.engine.schema import ScriptModel
from tests.engine.helpers import HEADER, compile_ok, make, problems


def test_wrong_types() -> None:
    text = make("""
    reading_grade: lots
    steps:
      - id: a
        ask: [x, y]
        skip: maybe
        max_length: big
    """)
    assert problems(text) == [
        "t.yaml:4:16: `reading_grade` should be a whole number",
        "t.yaml:7:10: `ask` should be a text, or one text per language like `en: ...`",
        "t.yaml:8:11: `skip` should be true or false",
        "t.yaml:9:17: `max_length` should be a whole number",
    ]


def test_steps_must_be_a_list() -> None:
    text = make("""
    steps:
      id: a
      ask: x
    """)
    assert problems(text) == [
        "t.yaml:5:3: `steps` should be a list, with each item on its own line starting with `- `"
    ]


def test_unknown_keys_with_did_you_mean() -> None:
    text = make("""
    steps:
      - id: a
        ask: x
        chioces:
          - label: A
      - id: c
        ask: q
        choices:
          - label: A
            nxt: a
          - label: B
    titel: x
    """)
    assert problems(text) == [
        "t.yaml:7:5: unknown key `chioces` — did you mean `choices`?",
        "t.yaml:13:9: unknown key `nxt` — did you mean `next`?",
        "t.yaml:15:1: unknown key `titel` — did you mean `title`?",
    ]


def test_unknown_key_without_a_close_match_lists_the_keys() -> None:
    text = make("""
    steps:
      - id: a
        ask: x
    summary:
      - heading: H
        steps: [a]
        colour: red
    """)
    assert problems(text) == [
        "t.yaml:10:5: unknown key `colour`; the keys that work here are: heading, steps"
    ]


def test_keys_in_the_wrong_kind_of_step() -> None:
    text = make("""
    steps:
      - id: b
        say: hi
        skip: true
      - id: c
        ask: q
        choices:
          - label: A
          - label: B
        max_length: 10
      - id: d
        say: x
        ask: y
    """)
    assert problems(text) == [
        "t.yaml:7:5: `skip:` only works on a question (a step with `ask:`), not on a `say:` step",
        "t.yaml:13:5: `max_length:` only works on a question answered by typing, "
        "not one with `choices:`",
        "t.yaml:16:5: a step can't have both `say:` and `ask:`; make them two steps",
    ]


def test_missing_and_shapeless_steps() -> None:
    text = make("""
    steps:
      - hello
      - id: e
        text: hi
      - ask: x
      - id: f
        ask: ""
    """)
    assert problems(text) == [
        "t.yaml:5:5: each step is a block of `key: value` lines, starting with `- id: ...`",
        "t.yaml:6:5: each step needs `say:` (a message) or `ask:` (a question)",
        "t.yaml:8:5: this step needs an `id:` (a short name like `good_day`)",
        "t.yaml:10:10: this text is empty; write something here or remove the line",
    ]


def test_bad_ids_suggest_a_good_one() -> None:
    text = make("""
    steps:
      - id: Good Day
        ask: x
    """)
    assert problems(text) == [
        "t.yaml:5:9: `Good Day` can't be used as `id`: use lower-case letters, numbers and _, "
        "starting with a letter (like `good_day`)"
    ]


def test_languages() -> None:
    text = make("""
    languages: [en, fr]
    steps:
      - id: a
        ask:
          en: x
          cyy: y
    """)
    assert problems(text) == [
        "t.yaml:4:17: `fr` is not a language Tandem knows; use en (English) or cy (Welsh)",
        "t.yaml:9:7: unknown key `cyy` — did you mean `cy`?",
    ]


def test_missing_steps() -> None:
    assert problems(HEADER) == ["t.yaml:1:1: this script needs `steps:`"]


def test_a_choice_question_needs_two_choices() -> None:
    text = make("""
    steps:
      - id: a
        ask: x
        choices:
          - label: A
    """)
    assert problems(text) == ["t.yaml:8:7: `choices` needs at least 2 items; it has 1"]


def test_not_a_mapping_at_the_top() -> None:
    assert problems("- a\n- b\n") == [
        "t.yaml:1:1: a script should be `key: value` lines, starting with `tool: ...`"
    ]


def test_yes_no_words_are_labels_and_flags_read_as_yes_no() -> None:
    script = compile_ok("""
    steps:
      - id: a
        ask: Ready?
        skip: yes
        choices:
          - label: Yes
          - label: No
          - label: Off
    """)
    kind = script.step("a").kind
    assert script.step("a").skip is True
    assert kind is not None
    assert [row[0].label for row in kind.buttons("en")] == ["Yes", "No", "Off"]


def test_json_schema_can_be_generated() -> None:
    schema = ScriptModel.model_json_schema()
    text = json.dumps(schema)
    assert schema["additionalProperties"] is False
    assert "The words on the button" in text
    assert set(schema["required"]) == {"tool", "title", "about", "steps"}


def test_unknown_answer_kind_with_did_you_mean() -> None:
    text = make("""
    steps:
      - id: a
        ask: x
        answer: scal
      - id: people
        ask: Who?
        answer: list
        questions:
          - id: name
            ask: Name?
            answer: lists
          - id: how
            ask: How?
            next: a
    """)
    assert problems(text) == [
        "t.yaml:5:5: `answer: scal` is not a kind of answer — did you mean `scale`? The kinds "
        "are: text, choice, multi_choice, scale, yes_no, number, date, list, media",
        "t.yaml:12:9: `answer: lists` can't be used in a list; the kinds are: text, choice, "
        "multi_choice, scale, yes_no, number, date, media",
        "t.yaml:17:9: `next:` doesn't work on a question inside a list: each item's questions "
        "are asked in order",
    ]


def test_kind_settings_that_do_not_fit() -> None:
    text = make("""
    steps:
      - id: a
        ask: x
        answer: scale
        min: 5
        max: 2
      - id: b
        ask: x
        answer: number
        min: 5
        max: 2
      - id: c
        ask: x
        answer: scale
        max: 20
    """)
    assert problems(text) == [
        "t.yaml:9:10: `max` (2) must be more than `min` (5)",
        "t.yaml:13:10: `min` (5) is more than `max` (2)",
        "t.yaml:18:10: a scale can have at most 11 numbers (like 0 to 10); this one has 20. "
        "Use `answer: number` for more",
    ]
    text = make("""
    steps:
      - id: d
        ask: x
        answer: media
        accept: [voice, sticker]
      - id: e
        ask: x
        answer: date
        dates: soon
      - id: f
        ask: x
        answer: multi_choice
        choices: [{label: A}, {label: B}]
        min: 3
    """)
    assert problems(text) == [
        "t.yaml:8:21: `sticker` doesn't work as `accept`; use `voice`, `photo`, `video`, "
        "`video_note` or `audio`",
        "t.yaml:12:12: `soon` doesn't work as `dates`; use `past`, `future` or `any`",
        "t.yaml:17:5: `min:` doesn't work on this kind of question; it goes with "
        "`answer: scale` or `answer: number`",
    ]


def test_button_labels_fit_a_phone() -> None:
    long = "A label that is rather long for a phone button"  # 46
    too_long = "x" * 65
    text = make(f"""
    steps:
      - id: a
        ask: x
        short: {too_long}
        choices:
          - label: {long}
          - label: {too_long}
      - id: b
        ask: x
        answer: multi_choice
        choices:
          - label: {"y" * 63}
          - label: B
    """)
    assert problems(text) == [
        "t.yaml:7:12: this button label has 65 characters; a button can show at most 64",
        "t.yaml:9:16: warning: the en button label has 46 characters; many phones cut labels "
        "over 30 short",
        "t.yaml:10:16: this button label has 65 characters; a button can show at most 64",
        "t.yaml:15:16: this button label has 63 characters; a button can show at most 62",
    ]
    script = compile_ok(f"""
    steps:
      - id: a
        ask: x
        choices:
          - label: {long}
          - label: B
    """)
    assert [str(w) for w in script.warnings] == [
        "t.yaml:8:16: warning: the en button label has 46 characters; many phones cut labels "
        "over 30 short"
    ]


def test_every_kind_in_the_json_schema() -> None:
    text = json.dumps(ScriptModel.model_json_schema())
    for word in ("multi_choice", "check_answers", "none_of_these", "rather_not_say", "one_of"):
        assert word in text


def test_expected_worries_is_a_list_of_category_names() -> None:
    text = make("""
    steps:
      - id: a
        ask: x
        expected_worries: suicide_self_harm
      - id: b
        ask: x
        expected_worries: [Suicide self-harm, struggling_to_cope]
      - id: c
        ask: x
        expected_worries: []
    """)
    assert problems(text) == [
        "t.yaml:7:23: `expected_worries` should be a list of safeguarding categories, "
        "like `[suicide_self_harm, struggling_to_cope]`",
        "t.yaml:10:24: `Suicide self-harm` is not the name of a safeguarding category: write "
        "the name as safeguarding.yaml does, in lower-case letters, numbers and _ "
        "(like `suicide_self_harm`)",
        "t.yaml:13:23: `expected_worries` needs at least 1 item; it has 0",
    ]


def test_expected_worries_only_on_a_question() -> None:
    text = make("""
    steps:
      - id: hello
        say: Hi.
        expected_worries: [suicide_self_harm]
      - id: people
        ask: Who can you ask for help?
        answer: list
        expected_worries: [being_harmed]
        questions:
          - id: name
            ask: What is their name?
            expected_worries: [being_harmed]
      - id: check
        check_answers: true
        expected_worries: [suicide_self_harm]
    """)
    assert problems(text) == [
        "t.yaml:7:5: `expected_worries:` only works on a question (a step with `ask:`), "
        "not on a `say:` step",
        "t.yaml:15:9: `expected_worries:` goes on the list itself (the step with "
        "`answer: list`), not on a question inside it",
        "t.yaml:18:5: `expected_worries:` doesn't work on the check-your-answers step; it takes "
        "`ask`, `share_button` and `keep_button`",
    ]
