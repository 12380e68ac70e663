"""The script format, as pydantic models (extra keys are refused).

These models only check the *shape* of a script; the compiler checks how the parts fit together
(ids, jumps, loops). A later step generates ``dialogues/schema.json`` from `ScriptModel`, so every
field has a description written for the staff who edit scripts.

Which kind of step a block is follows from its keys: ``say`` -> a message; ``ask`` with
``choices`` -> a choice question; ``ask`` alone -> a question answered by typing. A new answer
kind adds one model here (with its tag in `STEP_KINDS`) and one module in ``kinds/``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
)
from pydantic_core import PydanticCustomError

from .texts import Text as RuntimeText

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
DEFAULT_MAX_LENGTH = 4000
MAX_CHOICES = 10

Lang = Literal["en", "cy"]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError(
            "blank_text", "this text is empty; write something here or remove the line"
        )
    return value


NonBlank = Annotated[str, AfterValidator(_not_blank)]

Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=40)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class LangTexts(_Model):
    """The same text in each language of the script."""

    en: NonBlank | None = Field(None, description="The text in English.")
    cy: NonBlank | None = Field(None, description="The text in Welsh (Cymraeg).")


def _text_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return "plain"
    if isinstance(value, dict | LangTexts):
        return "by_language"
    return None


Text = Annotated[
    Annotated[NonBlank, Tag("plain")] | Annotated[LangTexts, Tag("by_language")],
    Discriminator(
        _text_tag,
        custom_error_type="text_type",
        custom_error_message="this should be a text, or one text per language like `en: ...`",
    ),
]
"""A text: a plain string (English), or a mapping like ``{en: ..., cy: ...}``."""

Target = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=40),
    Field(description="The id of the step to go to next, or `end` to finish the conversation."),
]


class _Step(_Model):
    id: Identifier = Field(
        description="A short name for this step, unique in the script: lower-case letters, "
        "numbers and _ (like `good_day`). Answers are stored under it, so keep it once published."
    )
    next: Target | None = Field(
        None,
        description="Where to go after this step (a step id, or `end`). "
        "Without it the conversation goes on to the step below.",
    )
    end: bool = Field(False, description="`true` finishes the conversation after this step.")


class SayStep(_Step):
    """A message that needs no answer; the conversation flows on to the next step."""

    say: Text = Field(description="What to say. Keep it short: one idea per message.")


class _Question(_Step):
    ask: Text = Field(description="The question. At most two short sentences.")
    skip: bool = Field(False, description="`true` adds a 'Skip this one' button.")


class TextQuestion(_Question):
    """A question the person answers by typing."""

    min_length: int | None = Field(
        None,
        ge=1,
        le=DEFAULT_MAX_LENGTH,
        description="The shortest answer accepted, in characters.",
    )
    max_length: int = Field(
        DEFAULT_MAX_LENGTH,
        ge=1,
        le=DEFAULT_MAX_LENGTH,
        description=f"The longest answer accepted, in characters (at most {DEFAULT_MAX_LENGTH}).",
    )


class Choice(_Model):
    """One button of a choice question."""

    label: Text = Field(description="The words on the button (at most 64 characters).")
    value: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        None,
        description="What is stored when this is chosen. Made from the label when missing "
        "('Not today' -> `not_today`).",
    )
    next: Target | None = Field(
        None, description="Where to go when this is chosen (a step id, or `end`)."
    )


class ChoiceQuestion(_Question):
    """A question answered by tapping one button."""

    choices: list[Choice] = Field(
        min_length=2,
        max_length=MAX_CHOICES,
        description=f"The buttons, one per line, from 2 to {MAX_CHOICES}.",
    )


STEP_KINDS: dict[str, type[_Step]] = {
    "say_step": SayStep,
    "choice_question": ChoiceQuestion,
    "text_question": TextQuestion,
}


def _step_tag(value: Any) -> str | None:
    if isinstance(value, _Step):
        return next(tag for tag, model in STEP_KINDS.items() if isinstance(value, model))
    if not isinstance(value, dict):
        return None
    if "say" in value:
        return "say_step"
    if "choices" in value:
        return "choice_question"
    if "ask" in value:
        return "text_question"
    return None


StepModel = Annotated[
    Annotated[SayStep, Tag("say_step")]
    | Annotated[ChoiceQuestion, Tag("choice_question")]
    | Annotated[TextQuestion, Tag("text_question")],
    Discriminator(
        _step_tag,
        custom_error_type="step_shape",
        custom_error_message="each step needs `say:` (a message) or `ask:` (a question)",
    ),
]


class SummarySection(_Model):
    """A heading of the one-page profile the case manager reads, and the answers under it."""

    heading: Text = Field(description="The heading, e.g. 'A good day'.")
    steps: list[Identifier] = Field(
        min_length=1, description="The ids of the questions whose answers go under this heading."
    )


def _english() -> list[Lang]:
    return ["en"]


class ScriptModel(_Model):
    """A Tandem tool script: one conversation, read top to bottom."""

    tool: Identifier = Field(
        description="The tool's id: the file name without `.yaml` (like `good_day_bad_day`)."
    )
    title: Text = Field(description="Shown on the menu button. Keep it to 40 characters.")
    about: Text = Field(description="One line about the tool, shown in the menu.")
    languages: list[Lang] = Field(
        default_factory=_english,
        min_length=1,
        description="The languages every text is written in: `en`, and `cy` for Welsh.",
    )
    reading_grade: int | None = Field(
        None, ge=1, le=18, description="The reading grade the texts aim for (checked later)."
    )
    steps: list[StepModel] = Field(
        min_length=1, description="The conversation, one step after another."
    )
    summary: list[SummarySection] = Field(
        default_factory=list,
        description="How the answers are laid out for the case manager, under headings.",
    )


TAG_MODELS: dict[str, type[BaseModel]] = {**STEP_KINDS, "by_language": LangTexts}
"""Union tags pydantic puts in error locations, and the model each stands for."""

STEP_KEYS: frozenset[str] = frozenset(
    name for model in STEP_KINDS.values() for name in model.model_fields
)


def as_text(value: str | LangTexts) -> RuntimeText:
    """A validated text -> the runtime `Text` (only the languages given, trailing space removed)."""
    if isinstance(value, str):
        return RuntimeText.of(value.strip())
    return RuntimeText.of(
        {lang: text.strip() for lang, text in value.model_dump().items() if text is not None}
    )
