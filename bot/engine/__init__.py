"""Tandem's dialogue engine: YAML scripts -> `Script`; one input at a time -> `Outcome`.

Pure: no Telegram, no database, no network, no clock. The only I/O is reading script files.

    registry = load_dialogues(Path("dialogues"))
    script = registry.scripts["good_day_bad_day"]
    outcome = start(script, lang="en", today=local_date)  # opening messages + first question
    outcome = step(script, outcome.state, TextInput("Seeing my kids"), today=local_date)
    store(outcome.state.to_json(), outcome.answers, outcome.dropped)   # the caller's database
    send(outcome.messages)                                             # the caller's channel
"""

from .conditions import Condition
from .errors import EngineError, ScriptError, ScriptProblem, StateError
from .model import (
    END,
    AnswerValue,
    Back,
    Button,
    ButtonInput,
    Expects,
    Input,
    MediaInput,
    Problem,
    Prompt,
    RecordedAnswer,
    Resume,
    TextInput,
)
from .registry import Registry, load_dialogues, load_script, load_script_text
from .runner import Outcome, start, step
from .script import AttentionRule, CheckAnswers, Script, Step, SummarySection
from .state import ConversationState, with_language
from .texts import Text

__all__ = [
    "END",
    "AnswerValue",
    "AttentionRule",
    "Back",
    "Button",
    "ButtonInput",
    "CheckAnswers",
    "Condition",
    "ConversationState",
    "EngineError",
    "Expects",
    "Input",
    "MediaInput",
    "Outcome",
    "Problem",
    "Prompt",
    "RecordedAnswer",
    "Registry",
    "Resume",
    "Script",
    "ScriptError",
    "ScriptProblem",
    "StateError",
    "Step",
    "SummarySection",
    "Text",
    "TextInput",
    "load_dialogues",
    "load_script",
    "load_script_text",
    "start",
    "step",
    "with_language",
]
