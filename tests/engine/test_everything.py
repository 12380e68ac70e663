"""tests/engine/scripts/everything.yaml walked end to end — the same walk the end-to-end tests
make through Telegram — plus versions mid-conversation and a fuzz of random inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import (
    Back,
    ButtonInput,
    ConversationState,
    Input,
    MediaInput,
    Outcome,
    Resume,
    Script,
    TextInput,
    load_script,
    load_script_text,
    start,
    step,
)
from bot.engine.texts import BUTTON_LABEL_LIMIT, MESSAGE_LIMIT, telegram_length
from tests.engine.helpers import EVERYTHING, TODAY, Chat


@pytest.fixture(scope="module")
def everything() -> Script:
    return load_script(EVERYTHING)


class SavingChat(Chat):
    """Stores and reloads the state as JSON between messages, as the caller does."""

    def input(self, value: Input) -> Outcome:
        saved = json.loads(json.dumps(self.state.to_json()))
        self.state = ConversationState.from_json(saved)
        return super().input(value)


def test_walk_everything_in_english(everything: Script) -> None:
    assert everything.warnings == ()
    chat = SavingChat(everything)
    assert chat.texts == ["Hello. This tries every kind of question.", "What should I call you?"]
    chat.send("Sam")
    assert chat.texts == ["How are you today, Sam?"]
    assert chat.labels == ["Good", "Struggling", "Not sure", "Back"]
    chat.click("Struggling")
    assert chat.texts == [
        "Thank you for telling me.",
        "How was your week?\n\n1 = Really hard\n10 = Really good",
    ]
    assert chat.labels == [*map(str, range(1, 11)), "Skip this one", "Back"]
    chat.click("2")
    assert chat.texts == ["Was it hard because of something that happened?"]
    assert chat.labels == ["Yes", "No", "I'd rather not say", "Back"]
    chat.click("I'd rather not say")
    assert chat.texts == ["What would you like help with? Tick all that fit, then tap Done."]
    assert chat.labels == [
        "Somewhere to live",
        "Work or training",
        "Money",
        "Nothing right now",
        "Done",
        "Back",
    ]
    edit = chat.click("Money")
    assert edit.messages[0].replace and chat.labels[2] == "✓ Money"
    chat.click("Somewhere to live")
    chat.click("Done")
    assert chat.texts == [
        "You picked Somewhere to live and Money.",
        "How many hours did you sleep last night?",
    ]
    assert chat.labels == ["Skip this one", "Back"]
    chat.send("4")
    assert chat.texts == [
        "Sleep can be hard. We can talk about it.",
        "When did you last have a good day?",
    ]
    assert chat.labels == ["Today", "Yesterday", "Skip this one", "Back"]
    chat.send("3rd of April")
    assert chat.texts == ["Let's list the people who support you.", "What is their name?"]
    assert chat.labels == ["Back"]
    chat.send("Jo")
    assert chat.texts == ["Which part of your life does Jo help with?"]
    assert chat.labels == ["Family", "Work", "Health", "Something else", "Back"]
    chat.click("Family")
    assert chat.texts == ["How does Jo help?"]
    assert chat.labels == ["Skip this one", "Back"]
    chat.send("Listens to me")
    assert chat.texts == ["• Jo — Family — Listens to me\n\nIs there anyone else?"]
    assert chat.labels == ["Add another", "That's everyone", "Back"]
    chat.click("Add another")
    chat.send("Ali")
    chat.click("Work")
    chat.click("Skip this one")
    chat.click("That's everyone")
    assert chat.texts == [
        "Send a voice note or a photo of something that helps you. You can type instead."
    ]
    assert chat.labels == ["Skip this one", "Back"]
    chat.input(MediaInput("voice", "voice-file", "voice-unique", 12))
    # team_note is passed over: the person said they were struggling.
    summary, question = chat.last.messages
    assert summary.text == (
        "Here are your answers.\n\n"
        "Your name: Sam\n"
        "How you are: Struggling\n"
        "Your week: 2\n"
        "Help with: Somewhere to live, Money\n"
        "Hours of sleep: 4\n"
        "Last good day: 3 April 2025\n"
        "People who support you:\n"
        "• Jo — Family — Listens to me\n"
        "• Ali — Work\n"
        "Something that helps: Voice note (0:12)\n\n"
        "Rather not say: Something happened"
    )
    assert chat.labels == [
        "Change an answer",
        "Share with my probation officer",
        "Keep it to myself for now",
        "Back",
    ]
    chat.click("Change an answer")
    assert chat.labels == [
        "Your name",
        "How you are",
        "Your week",
        "Something happened",
        "Help with",
        "Hours of sleep",
        "Last good day",
        "People who support you",
        "Something that helps",
        "Back to my answers",
    ]
    chat.click("How you are")
    assert chat.texts == ["How are you today, Sam?\n\nYou said: Struggling"]
    chat.click("Good")
    # Straight back to the summary: messages on the way there are not shown again.
    assert chat.texts[0].startswith("Here are your answers.")
    assert "How you are: Good" in chat.texts[0]
    chat.click("Change an answer")
    chat.click("Your week")
    chat.click("8")  # no longer below 4: the hard_week question is off the path
    assert chat.last.dropped == ("hard_week",)
    assert "Was it hard" not in chat.texts[0]
    done = chat.click("Share with my probation officer")
    assert done.finished and done.shared is True
    assert chat.texts == ["Thank you, Sam."]
    assert chat.db == {
        "name": "Sam",
        "feeling": "good",
        "week": 8,
        "help_areas": ["somewhere_to_live", "money"],
        "hours": 4,
        "good_day_date": "2025-04-03",
        "supporters": [
            {"who": "Jo", "part": "family", "how": "Listens to me"},
            {"who": "Ali", "part": "work", "how": None},
        ],
        "voice": {
            "media": "voice",
            "file_id": "voice-file",
            "file_unique_id": "voice-unique",
            "duration": 12,
        },
    }


def test_walk_everything_in_welsh(everything: Script) -> None:
    chat = SavingChat(everything, "cy")
    assert chat.texts == [
        "Helo. Mae hwn yn rhoi cynnig ar bob math o gwestiwn.",
        "Beth ddylwn i eich galw chi?",
    ]
    chat.send("Siân")
    chat.click("Da")
    chat.click("Hepgor hwn")
    assert chat.labels[-2:] == ["Wedi gorffen", "Yn ôl"]
    chat.click("Dim byd ar hyn o bryd")
    chat.click("Wedi gorffen")
    chat.click("Hepgor hwn")  # hours
    assert chat.texts[0] == "Gall cysgu fod yn anodd. Gallwn siarad amdano."
    assert chat.labels == ["Heddiw", "Ddoe", "Hepgor hwn", "Yn ôl"]
    answer = chat.click("Ddoe").answers[0]
    assert (answer.value, answer.display) == ("2025-04-09", "9 Ebrill 2025")
    chat.send("Mam")
    chat.click("Teulu")
    chat.send("Mae hi'n gwrando")
    assert chat.labels == ["Ychwanegu un arall", "Dyna bawb", "Yn ôl"]
    chat.click("Ychwanegu un arall")
    chat.send("Dai")
    chat.click("Gwaith")
    chat.click("Hepgor hwn")
    chat.click("Dyna bawb")
    chat.send("Cerdded y ci")  # typed instead of a voice note
    assert chat.texts[0] == "Mae Mam a Dai ar eich ochr chi."
    assert chat.texts[1].startswith("Dyma eich atebion.")
    done = chat.click("Ei gadw i mi fy hun am nawr")
    assert done.shared is False
    assert chat.texts == ["Diolch, Siân."]


def test_a_conversation_keeps_its_version_mid_list(tmp_path: Path, everything: Script) -> None:
    chat = SavingChat(everything)
    chat.send("Sam")
    chat.click("Good")
    chat.click("7")
    chat.click("Money")
    chat.click("Done")
    chat.send("8")
    chat.click("Today")
    chat.send("Jo")  # half way through an item of the list
    stored_state, stored_source = chat.state.to_json(), everything.source
    # The script changes: the list's questions are renamed.
    edited = everything.source.replace("id: part", "id: area").replace("id: how", "id: help")
    path = tmp_path / "everything.yaml"
    path.write_text(edited, encoding="utf-8")
    assert load_script(path).version != everything.version
    old = load_script_text(stored_source, "everything.yaml")
    state = ConversationState.from_json(stored_state)
    outcome = step(old, state, ButtonInput(state.turn, "2"), today=TODAY)
    assert outcome.messages[-1].text == "How does Jo help?"
    assert outcome.state.draft == {
        "items": [],
        "item": {"who": "Jo", "part": "health"},
        "at": 2,
        "sub": None,
    }


def test_a_state_saved_before_this_engine_still_loads(shipped: Script) -> None:
    old = {
        "format": 1,
        "step": "good_people",
        "answers": {"good_day": "sunny", "good_where": None},
        "path": ["good_day", "good_where"],
        "turn": 3,
        "lang": "en",
    }
    state = ConversationState.from_json(old)
    assert state.draft is None and state.ahead == () and state.declined == frozenset()
    assert state.to_json() == old  # nothing new is written unless it is set
    outcome = step(shipped, state, TextInput("my sister"))
    assert outcome.state.answers["good_people"] == "my sister"


# ---- fuzz: whatever a person does, the engine answers within Telegram's limits -------------

actions = st.lists(
    st.one_of(
        st.tuples(st.just("tap"), st.integers(0, 40)),
        st.tuples(
            st.just("text"),
            st.sampled_from(["7", "3/4/2025", "done", "yes", "skip", "x" * 5000, "", "Sam {name}"]),
        ),
        st.tuples(st.just("text"), st.text(max_size=30)),
        st.tuples(st.just("media"), st.sampled_from(["voice", "photo", "sticker"])),
        st.tuples(st.just("back"), st.none()),
        st.tuples(st.just("resume"), st.none()),
        st.tuples(st.just("forged"), st.text(max_size=10)),
        st.tuples(st.just("old"), st.integers(0, 5)),
    ),
    max_size=60,
)


def _check(outcome: Outcome) -> None:
    for message in outcome.messages:
        assert 0 < telegram_length(message.text) <= MESSAGE_LIMIT
        buttons = [button for row in message.buttons for button in row]
        assert len(buttons) <= 100
        for button in buttons:
            assert 0 < telegram_length(button.label) <= BUTTON_LABEL_LIMIT
            assert 0 < len(button.token) <= 8
    json.dumps(outcome.state.to_json())
    assert all(a.step_id for a in outcome.answers)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions, st.sampled_from(["en", "cy"]))
def test_random_conversations(
    everything: Script, steps: list[tuple[str, object]], lang: str
) -> None:
    outcome = start(everything, lang, today=TODAY)
    _check(outcome)
    state = outcome.state
    last = outcome
    for action, arg in steps:
        given: Input
        buttons = [b for m in last.messages for row in m.buttons for b in row]
        if action == "tap" and buttons:
            assert isinstance(arg, int)
            given = ButtonInput(state.turn, buttons[arg % len(buttons)].token)
        elif action == "text":
            given = TextInput(str(arg))
        elif action == "media":
            given = MediaInput(str(arg), "file", "unique", 3)
        elif action == "back":
            given = Back()
        elif action == "forged":
            given = ButtonInput(state.turn, str(arg))
        elif action == "old":
            assert isinstance(arg, int)
            given = ButtonInput(max(0, state.turn - arg), "0")
        else:
            given = Resume()
        outcome = step(everything, ConversationState.from_json(state.to_json()), given, TODAY)
        _check(outcome)
        if outcome.messages or outcome.finished:
            last = outcome if outcome.messages else last
        state = outcome.state
