"""Welsh: every text a person sees can be in Welsh, the engine's own words too, and a person
can change language half way through."""

from __future__ import annotations

from bot.engine import Resume, Script, load_script, step, with_language
from bot.engine.system import (
    ADD_LABEL,
    BACK_LABEL,
    CHANGE_LABEL,
    DECLINE_LABEL,
    DONE_LABEL,
    ENOUGH_LABEL,
    KEEP_LABEL,
    KEEP_PRIVATE_LABEL,
    SHARE_LABEL,
    SHARE_QUESTION,
    SKIP_LABEL,
    SUMMARY_INTRO,
    TODAY_LABEL,
    YESTERDAY_LABEL,
    YOU_SAID,
)
from tests.engine.helpers import EVERYTHING, Chat


def test_every_engine_word_is_in_english_and_welsh() -> None:
    for text in (
        SKIP_LABEL,
        DECLINE_LABEL,
        BACK_LABEL,
        KEEP_LABEL,
        DONE_LABEL,
        TODAY_LABEL,
        YESTERDAY_LABEL,
        ADD_LABEL,
        ENOUGH_LABEL,
        SUMMARY_INTRO,
        SHARE_QUESTION,
        CHANGE_LABEL,
        SHARE_LABEL,
        KEEP_PRIVATE_LABEL,
        YOU_SAID,
    ):
        assert set(text.langs) == {"en", "cy"}
        assert text.pick("en") != text.pick("cy")
    assert BACK_LABEL.pick("cy") == "Yn ôl"


def test_the_shipped_script_in_welsh(shipped: Script) -> None:
    chat = Chat(shipped, "cy")
    assert chat.texts[0].startswith("Helo.")
    assert chat.question.text.startswith("Meddyliwch am ddiwrnod da.")
    assert chat.labels == ["Hepgor hwn"]
    chat.send("Mynd am dro")
    assert chat.labels == ["Hepgor hwn", "Yn ôl"]
    for _ in range(7):
        chat.click("Hepgor hwn")
    assert chat.labels == ["Oes", "Dim nawr", "Yn ôl"]
    answer = chat.click("Dim nawr").answers[0]
    assert (answer.value, answer.display) == ("not_now", "Dim nawr")
    assert chat.texts[0].startswith("Dyma eich atebion.")
    assert ": Mynd am dro" in chat.texts[0]
    assert "Wedi'u hepgor: " in chat.texts[0]
    assert chat.labels == [
        "Newid ateb",
        "Rhannu gyda fy swyddog prawf",
        "Ei gadw i mi fy hun am nawr",
        "Yn ôl",
    ]
    done = chat.click("Rhannu gyda fy swyddog prawf")
    assert done.shared is True
    assert done.messages[0].text.startswith("Diolch")


def test_changing_language_half_way() -> None:
    script = load_script(EVERYTHING)
    chat = Chat(script)
    chat.send("Sam")
    assert chat.question.text == "How are you today, Sam?"
    turn = chat.state.turn
    welsh = with_language(chat.state, "cy")
    assert welsh.turn == turn and welsh.step == chat.state.step
    outcome = step(script, welsh, Resume())
    assert outcome.messages[-1].text == "Sut ydych chi heddiw, Sam?"
    assert [b.label for row in outcome.messages[-1].buttons for b in row] == [
        "Da",
        "Cael trafferth",
        "Ddim yn siŵr",
        "Yn ôl",
    ]
    chat.state = welsh
    chat.last = outcome
    answer = chat.click("Cael trafferth").answers[0]
    assert answer.display == "Cael trafferth" and answer.value == "struggling"
    assert answer.question == "Sut ydych chi heddiw, Sam?"
    assert chat.texts[0] == "Diolch am ddweud wrtha i."


def test_a_language_the_script_lacks_falls_back_to_its_first(shipped: Script) -> None:
    chat = Chat(shipped)
    outcome = step(shipped, with_language(chat.state, "fr"), Resume())
    assert outcome.messages[-1].text.startswith("Think of a good day.")
