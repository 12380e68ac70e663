"""Earlier answers inside later texts: labels in the person's language, lists joined, missing
answers handled kindly, and what people typed kept safe and within Telegram's limits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine import MediaInput
from bot.engine.piping import PIPE_LIMIT, clean, parse
from bot.engine.texts import MESSAGE_LIMIT, telegram_length
from tests.engine.helpers import Chat, compile_ok, make, problems

HEADER_CY = "tool: t\ntitle: {en: T, cy: T}\nabout: {en: A, cy: A}\nlanguages: [en, cy]\n"


def test_parse_and_render() -> None:
    template = parse("You said {good_people} helps you. {{not a slot}}")
    assert [slot.name for slot in template.slots] == ["good_people"]
    assert template.render(lambda name: "Sam") == "You said Sam helps you. {not a slot}"
    assert parse("No slots {{here}}").plain == "No slots {here}"


def test_missing_answer_drops_its_sentence_or_uses_the_fallback() -> None:
    template = parse("Thanks. You said {x} helps you.\n\nWhat else helps?")
    assert template.render(lambda name: None) == "Thanks.\n\nWhat else helps?"
    fallback = parse("Thanks, {name or friend}. Bye.")
    assert fallback.render(lambda name: None) == "Thanks, friend. Bye."
    assert fallback.render(lambda name: "Sam") == "Thanks, Sam. Bye."
    only = parse("{x}?")
    assert only.render(lambda name: None) == "?"  # every sentence needed it: keep the words


def test_clean_makes_typed_words_safe() -> None:
    assert clean("  Sam\n\nand   Jo ") == "Sam and Jo"
    assert clean("Sam\u202eoJ\u0000\u200b") == "SamoJ"  # direction and control marks removed
    assert clean("👩\u200d👧") == "👩\u200d👧"  # emoji joiners stay
    long = clean("x" * 500)
    assert telegram_length(long) == PIPE_LIMIT and long.endswith("…")
    assert telegram_length(clean("😀" * 300)) <= PIPE_LIMIT


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_clean_never_grows_past_the_limit(value: str) -> None:
    cleaned = clean(value)
    assert telegram_length(cleaned) <= PIPE_LIMIT
    assert "\n" not in cleaned


SCRIPT = """
steps:
  - id: name
    ask:
      en: Your name?
      cy: Eich enw?
  - id: feeling
    ask:
      en: How are you, {name}?
      cy: Sut ydych chi, {name}?
    choices:
      - label:
          en: Good
          cy: Da
      - label:
          en: Low
          cy: Isel
  - id: areas
    ask:
      en: Help with?
      cy: Help gyda?
    answer: multi_choice
    choices:
      - label:
          en: Housing
          cy: Tai
      - label:
          en: Work
          cy: Gwaith
      - label:
          en: Money
          cy: Arian
  - id: voice
    ask:
      en: A voice note?
      cy: Neges llais?
    answer: media
    skip: true
  - id: said
    ask:
      en: You feel {feeling}. You picked {areas}. Thanks for {voice}. Anything else, {name}?
      cy: Rydych chi'n teimlo'n {feeling}. Dewisoch chi {areas}. Diolch am {voice}. Unrhyw beth arall, {name}?
"""


def test_choices_piped_by_label_in_the_person_language() -> None:
    script = compile_ok(SCRIPT, HEADER_CY)
    for lang, expected in [
        (
            "en",
            "You feel Low. You picked Housing, Work and Money. Thanks for your voice note. "
            "Anything else, Sam?",
        ),
        (
            "cy",
            "Rydych chi'n teimlo'n Isel. Dewisoch chi Tai, Gwaith a Arian. Diolch am eich "
            "neges llais. Unrhyw beth arall, Sam?",
        ),
    ]:
        chat = Chat(script, lang)
        chat.send("Sam")
        chat.click(script.step("feeling").kind.buttons(lang)[1][0].label)  # type: ignore[union-attr]
        for row in chat.question.buttons[:3]:
            chat.click(row[0].label)
        chat.click(chat.labels[3])  # Done / Wedi gorffen
        chat.input(MediaInput("voice", "file", "unique", 3))
        assert chat.question.text == expected


def test_skipped_answer_drops_the_sentence() -> None:
    script = compile_ok(SCRIPT, HEADER_CY)
    chat = Chat(script)
    chat.send("Sam")
    chat.click("Good")
    chat.click("Work")
    chat.click("Done")
    chat.click("Skip this one")
    assert chat.question.text == "You feel Good. You picked Work. Anything else, Sam?"


def test_the_question_as_recorded_has_the_answers_in_it() -> None:
    script = compile_ok(SCRIPT, HEADER_CY)
    chat = Chat(script)
    chat.send("Sam")
    assert chat.click("Good").answers[0].question == "How are you, Sam?"


def test_long_piped_values_are_cut_and_messages_stay_within_telegram_limits() -> None:
    long_words = "word " * 800  # 4000 characters, the most a typed answer can be
    ask = " ".join(["{a} {b} {c}."] * 40)
    script = compile_ok(f"""
    steps:
      - id: a
        ask: A?
      - id: b
        ask: B?
      - id: c
        ask: C?
      - id: d
        say: "{ask}"
      - id: e
        ask: "{{a}} — is that right?"
    """)
    chat = Chat(script)
    for _ in range(3):
        chat.send(long_words)
    for message in chat.last.messages:
        assert telegram_length(message.text) <= MESSAGE_LIMIT
    assert len([m for m in chat.last.messages if m.step_id == "d"]) > 1
    assert telegram_length(chat.question.text) <= PIPE_LIMIT + 20
    assert chat.question.text.endswith("… — is that right?")


def test_typed_text_cannot_become_a_placeholder() -> None:
    script = compile_ok("""
    steps:
      - id: a
        ask: A?
      - id: b
        ask: B?
      - id: c
        ask: "You said {a} and {b}."
    """)
    chat = Chat(script)
    chat.send("{b}")
    chat.send("two")
    assert chat.question.text == "You said {b} and two."


def test_placeholder_errors() -> None:
    text = make("""
    steps:
      - id: name
        ask: "Name, {name}?"
      - id: hello
        say: "Hi {nme}. {hello} {Name}"
      - id: q
        ask: "{nothing_like_it}"
    """)
    assert problems(text) == [
        "t.yaml:6:10: `{name}`: a question can't show its own answer",
        "t.yaml:8:10: `{Name}`: there is no answer `Name` to show here — did you mean `name`?",
        "t.yaml:8:10: `{hello}`: `hello` is a message, so it has no answer to show",
        "t.yaml:8:10: `{nme}`: there is no answer `nme` to show here — did you mean `name`?",
        "t.yaml:10:10: `{nothing_like_it}`: there is no answer `nothing_like_it` to show here; "
        "to write a brace, type it twice: `{{`",
    ]
