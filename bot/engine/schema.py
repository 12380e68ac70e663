"""The script format, as pydantic models (extra keys are refused).

These models only check the *shape* of a script; the compiler checks how the parts fit together
(ids, jumps, conditions, loops). ``dialogues/schema.json`` is generated from `ScriptModel`, so
every field has a description written for the staff who edit scripts.

Which kind of step a block is follows from its keys: ``say`` -> a message; ``check_answers`` ->
the check-your-answers step; ``answer: <kind>`` -> a question of that kind; ``ask`` with
``choices`` -> a single choice; ``ask`` alone -> a question answered by typing. A new answer kind
adds one model here (with its tag in `ANSWER_KINDS`) and one module in ``kinds/``.
"""

from __future__ import annotations

from collections.abc import Mapping
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
MAX_SCALE_POINTS = 11
MAX_ITEM_QUESTIONS = 6
MAX_ITEMS = 20
MEDIA_KINDS = ("voice", "photo", "video", "video_note", "audio")

Lang = Literal["en", "cy"]
MediaKindName = Literal["voice", "photo", "video", "video_note", "audio"]
_VOICE_AND_PHOTO: tuple[MediaKindName, ...] = ("voice", "photo")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError(
            "blank_text", "this text is empty; write something here or remove the line"
        )
    return value


NonBlank = Annotated[str, AfterValidator(_not_blank)]

Identifier = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=40)]

WorryName = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=40)]
"""The name of a safeguarding category, like `suicide_self_harm` (the engine does not know
which names exist: the rules live in dialogues/safeguarding.yaml, read by bot/safeguarding)."""


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

Scalar = str | int | float
"""A value in a condition: a choice's value or label, a number, a date, yes or no."""

# ---- conditions ---------------------------------------------------------------------------


class AnswerTest(_Model):
    """A test on one earlier answer, like `{answer: feeling, is: struggling}`."""

    answer: Identifier = Field(description="The id of an earlier question.")
    is_: Scalar | None = Field(
        None,
        alias="is",
        description="The answer is this (a choice's value or label, a number, a date, yes/no). "
        "On a question where people tick several: the answer includes this.",
    )
    one_of: list[Scalar] | None = Field(
        None, min_length=1, description="The answer is any of these, like `[work, housing]`."
    )
    less_than: Scalar | None = Field(
        None,
        description="A number or scale answer below this; a date before this date "
        "(like 2025-04-03); or fewer ticks or list items than this.",
    )
    more_than: Scalar | None = Field(
        None,
        description="A number or scale answer above this; a date after this date; "
        "or more ticks or list items than this.",
    )
    answered: bool | None = Field(
        None, description="`true`: the question has an answer (it was not skipped)."
    )
    skipped: bool | None = Field(
        None,
        description='`true`: the person skipped the question or chose "I\'d rather not say".',
    )


class AllOf(_Model):
    """Every condition in the list holds."""

    all: list[Condition] = Field(min_length=1, description="Conditions that must all hold.")


class AnyOf(_Model):
    """At least one condition in the list holds."""

    any: list[Condition] = Field(min_length=1, description="Conditions of which one must hold.")


class NotOf(_Model):
    """The condition does not hold."""

    not_: Condition = Field(alias="not", description="A condition that must not hold.")


CONDITION_MODELS: dict[str, type[_Model]] = {
    "answer_test": AnswerTest,
    "all_of": AllOf,
    "any_of": AnyOf,
    "not_of": NotOf,
}


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, _Model):
        return next((t for t, m in CONDITION_MODELS.items() if isinstance(value, m)), None)
    if not isinstance(value, dict):
        return None
    for key, tag in (("all", "all_of"), ("any", "any_of"), ("not", "not_of")):
        if key in value:
            return tag
    if "answer" in value:
        return "answer_test"
    return None


Condition = Annotated[
    Annotated[AnswerTest, Tag("answer_test")]
    | Annotated[AllOf, Tag("all_of")]
    | Annotated[AnyOf, Tag("any_of")]
    | Annotated[NotOf, Tag("not_of")],
    Discriminator(
        _condition_tag,
        custom_error_type="condition_shape",
        custom_error_message="a condition looks like `{answer: some_question, is: some_value}`, "
        "or `all: [...]`, `any: [...]` or `not: {...}`",
    ),
]


class Branch(_Model):
    """One way on: `{if: <condition>, goto: <step>}`; the last may leave out `if`."""

    if_: Condition | None = Field(
        None, alias="if", description="When this holds, go to `goto`. Leave it out on the last."
    )
    goto: Target


def _next_tag(value: Any) -> str | None:
    if isinstance(value, str):
        return "step"
    if isinstance(value, list):
        return "branches"
    return None


Next = Annotated[
    Annotated[Target, Tag("step")] | Annotated[list[Branch], Tag("branches")],
    Discriminator(
        _next_tag,
        custom_error_type="next_shape",
        custom_error_message="`next` is a step id, or a list of `- if: ...` / `goto: ...` lines",
    ),
]

# ---- steps ---------------------------------------------------------------------------------


class _Step(_Model):
    id: Identifier = Field(
        description="A short name for this step, unique in the script: lower-case letters, "
        "numbers and _ (like `good_day`). Answers are stored under it, so keep it once published."
    )
    when: Condition | None = Field(
        None,
        description="Only use this step when the condition holds; otherwise it is passed over "
        "and the conversation goes on to the step below.",
    )
    next: Next | None = Field(
        None,
        description="Where to go after this step: a step id or `end`, or a list of "
        "`- if: <condition>` + `goto: <step>`. Without it the conversation goes on to the step below.",
    )
    end: bool = Field(False, description="`true` finishes the conversation after this step.")


class SayStep(_Step):
    """A message that needs no answer; the conversation flows on to the next step."""

    say: Text = Field(
        description="What to say. Keep it short: one idea per message. "
        "`{question_id}` shows an earlier answer."
    )


class _Asks(_Model):
    """What every question has, in the conversation and inside a list."""

    ask: Text = Field(
        description="The question. At most two short sentences. `{question_id}` shows an "
        "earlier answer; `{question_id or other words}` says what to show when there is none."
    )
    skip: bool = Field(False, description="`true` adds a 'Skip this one' button.")
    rather_not_say: bool = Field(False, description='`true` adds an "I\'d rather not say" button.')


class AckRule(_Model):
    """One acknowledgement: what to say after the answer, and when (the first that holds)."""

    when: Condition | None = Field(
        None,
        description="Say this only when the condition holds, like `{answer: week, more_than: 7}`. "
        "Leave it out on the last one: it is said after any other answer.",
    )
    say: Text = Field(description="What to say, like 'Thank you for telling me.'")


def _ack_tag(value: Any) -> str | None:
    if isinstance(value, list):
        return "rules"
    return _text_tag(value)


Ack = Annotated[
    Annotated[NonBlank, Tag("plain")]
    | Annotated[LangTexts, Tag("by_language")]
    | Annotated[list[AckRule], Tag("rules")],
    Discriminator(
        _ack_tag,
        custom_error_type="ack_shape",
        custom_error_message="`ack` is a text (`en: ...`, `cy: ...`), or a list of "
        "`- when: <condition>` + `say: <text>` lines",
    ),
]
"""An acknowledgement: one text, or a list of `{when, say}` (the first that holds is said)."""


class _Question(_Step, _Asks):
    short: Text | None = Field(
        None,
        description="A few words naming this question (at most 30 characters), shown in "
        "'Here are your answers' and on the 'Change an answer' buttons. Without it, the start "
        "of the question is used.",
    )
    ack: Ack | None = Field(
        None,
        description="What Tandem says after an answer, before the next step: a text, or a list "
        "of `- when: <condition>` + `say: <text>` (the first that holds; one without `when` "
        'last, for any other answer). Never said after a skip, "I\'d rather not say", or an '
        "answer like 'no comment' or 'nothing'.",
    )
    asks_for_call: bool = Field(
        False,
        description="`true` on a yes/no question: a Yes asks the probation officer to call, "
        "at once, whether or not the person shares the rest of their answers.",
    )
    call_time: bool = Field(
        False,
        description="`true` on a typed question that asks when to call, after an "
        "`asks_for_call` question: the answer goes with the request for a call, whether or "
        "not the person shares the rest of their answers.",
    )
    expected_worries: list[WorryName] | None = Field(
        None,
        min_length=1,
        description="Safeguarding categories (names from safeguarding.yaml, like "
        "`[suicide_self_harm, struggling_to_cope]`) that are the answer this question asks for. "
        "Words in these categories are kept as the answer, not treated as a crisis; words in "
        "any other category still are.",
    )


class _ItemQuestion(_Asks):
    id: Identifier = Field(
        description="A short name for this question, unique in its list (like `name`)."
    )


class _TextFields(_Model):
    answer: Literal["text"] | None = Field(None, description="`text`: the person types an answer.")
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


class PickChoice(_Model):
    """One button of a question where people tick several."""

    label: Text = Field(description="The words on the button (at most 62 characters).")
    value: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        None, description="What is stored when this is ticked. Made from the label when missing."
    )


class _ChoiceFields(_Model):
    answer: Literal["choice"] | None = Field(
        None, description="`choice`: the person taps one button."
    )
    choices: list[Choice] = Field(
        min_length=2,
        max_length=MAX_CHOICES,
        description=f"The buttons, one per line, from 2 to {MAX_CHOICES}.",
    )


class _MultiFields(_Model):
    answer: Literal["multi_choice"] = Field(
        description="`multi_choice`: the person ticks one or more buttons, then taps Done."
    )
    choices: list[PickChoice] = Field(
        min_length=2,
        max_length=MAX_CHOICES,
        description=f"The buttons, one per line, from 2 to {MAX_CHOICES}.",
    )
    none_of_these: Text | None = Field(
        None,
        description="Adds a button (like 'None of these') that clears the other ticks. "
        "It is stored as `none`.",
    )


class _ScaleFields(_Model):
    answer: Literal["scale"] = Field(description="`scale`: the person taps a number, like 1 to 10.")
    min: int = Field(1, ge=-100, le=100, description="The lowest number (1 when left out).")
    max: int = Field(10, ge=-100, le=100, description="The highest number (10 when left out).")
    min_label: Text | None = Field(
        None, description="What the lowest number means, like 'Really hard'."
    )
    max_label: Text | None = Field(
        None, description="What the highest number means, like 'Really good'."
    )


class _YesNoFields(_Model):
    answer: Literal["yes_no"] = Field(description="`yes_no`: a Yes and a No button.")
    yes: Text | None = Field(None, description="Other words for the Yes button.")
    no: Text | None = Field(None, description="Other words for the No button.")


class _NumberFields(_Model):
    answer: Literal["number"] = Field(description="`number`: the person types a number.")
    min: int | float | None = Field(None, description="The smallest number accepted.")
    max: int | float | None = Field(None, description="The largest number accepted.")


class _DateFields(_Model):
    answer: Literal["date"] = Field(
        description="`date`: the person types a date (3/4/2025, 3 April, yesterday...) "
        "or taps Today or Yesterday."
    )
    dates: Literal["past", "future", "any"] = Field(
        "any",
        description="`past`: only today or earlier; `future`: only today or later; `any` (the default).",
    )


class _MediaFields(_Model):
    answer: Literal["media"] = Field(
        description="`media`: the person sends a voice note or a photo as the answer."
    )
    accept: list[MediaKindName] = Field(
        default_factory=lambda: list(_VOICE_AND_PHOTO),
        min_length=1,
        description="What is accepted: voice, photo, video, video_note, audio "
        "(voice and photo when left out).",
    )
    also_text: bool = Field(False, description="`true`: typed words are accepted too.")
    max_length: int = Field(
        DEFAULT_MAX_LENGTH,
        ge=1,
        le=DEFAULT_MAX_LENGTH,
        description="The longest typed answer accepted, when `also_text` is true.",
    )


class TextQuestion(_Question, _TextFields):
    """A question the person answers by typing."""


class ChoiceQuestion(_Question, _ChoiceFields):
    """A question answered by tapping one button."""


class MultiChoiceQuestion(_Question, _MultiFields):
    """A question where the person ticks one or more buttons, then taps Done."""


class ScaleQuestion(_Question, _ScaleFields):
    """A question answered with a number on a scale, like 1 to 10."""


class YesNoQuestion(_Question, _YesNoFields):
    """A question answered Yes or No."""


class NumberQuestion(_Question, _NumberFields):
    """A question answered with a typed number."""


class DateQuestion(_Question, _DateFields):
    """A question answered with a date."""


class MediaQuestion(_Question, _MediaFields):
    """A question answered with a voice note or a photo."""


class TextItem(_ItemQuestion, _TextFields):
    """A question about each item, answered by typing."""


class ChoiceItem(_ItemQuestion, _Model):
    """A question about each item, answered by tapping one button."""

    answer: Literal["choice"] | None = Field(None, description="`choice`: one button.")
    choices: list[PickChoice] = Field(
        min_length=2,
        max_length=MAX_CHOICES,
        description=f"The buttons, one per line, from 2 to {MAX_CHOICES}.",
    )


class MultiChoiceItem(_ItemQuestion, _MultiFields):
    """A question about each item where the person ticks several."""


class ScaleItem(_ItemQuestion, _ScaleFields):
    """A question about each item, on a scale."""


class YesNoItem(_ItemQuestion, _YesNoFields):
    """A yes/no question about each item."""


class NumberItem(_ItemQuestion, _NumberFields):
    """A question about each item, answered with a number."""


class DateItem(_ItemQuestion, _DateFields):
    """A question about each item, answered with a date."""


class MediaItem(_ItemQuestion, _MediaFields):
    """A question about each item, answered with a voice note or photo."""


ITEM_KINDS: dict[str, type[_Model]] = {
    "text_item": TextItem,
    "choice_item": ChoiceItem,
    "multi_choice_item": MultiChoiceItem,
    "scale_item": ScaleItem,
    "yes_no_item": YesNoItem,
    "number_item": NumberItem,
    "date_item": DateItem,
    "media_item": MediaItem,
}

_ITEM_ANSWERS = {
    "text": "text_item",
    "choice": "choice_item",
    "multi_choice": "multi_choice_item",
    "scale": "scale_item",
    "yes_no": "yes_no_item",
    "number": "number_item",
    "date": "date_item",
    "media": "media_item",
}


def _question_tag(
    value: dict[str, Any], by_answer: Mapping[str, str], choice: str, text: str
) -> str | None:
    """Which model a question is: its `answer:` kind, else choices or a plain typed answer.
    Shared by steps and by the questions inside a list, which follow the same rule."""
    answer = value.get("answer")
    if answer is not None:
        return by_answer.get(answer) if isinstance(answer, str) else None
    if "choices" in value:
        return choice
    if "ask" in value:
        return text
    return None


def _item_tag(value: Any) -> str | None:
    if isinstance(value, _Model):
        return next((t for t, m in ITEM_KINDS.items() if isinstance(value, m)), None)
    if not isinstance(value, dict):
        return None
    return _question_tag(value, _ITEM_ANSWERS, "choice_item", "text_item")


ItemQuestionModel = Annotated[
    Annotated[TextItem, Tag("text_item")]
    | Annotated[ChoiceItem, Tag("choice_item")]
    | Annotated[MultiChoiceItem, Tag("multi_choice_item")]
    | Annotated[ScaleItem, Tag("scale_item")]
    | Annotated[YesNoItem, Tag("yes_no_item")]
    | Annotated[NumberItem, Tag("number_item")]
    | Annotated[DateItem, Tag("date_item")]
    | Annotated[MediaItem, Tag("media_item")],
    Discriminator(
        _item_tag,
        custom_error_type="item_shape",
        custom_error_message="each question in a list needs `ask:`; `answer:` can be text, "
        "choice, multi_choice, scale, yes_no, number, date or media",
    ),
]


class ListQuestion(_Question):
    """A list of things (like the people who support someone), with the same questions asked
    about each one, then 'Add another' or 'That's everyone'."""

    answer: Literal["list"] = Field(description="`list`: several items, with questions about each.")
    questions: list[ItemQuestionModel] = Field(
        min_length=1,
        max_length=MAX_ITEM_QUESTIONS,
        description=f"The questions asked about each item (1 to {MAX_ITEM_QUESTIONS}). "
        "`{id}` in their words shows this item's earlier answer, like `How does {name} help?`.",
    )
    max_items: int = Field(
        10,
        ge=1,
        le=MAX_ITEMS,
        description=f"The most items a person can add (at most {MAX_ITEMS}).",
    )
    add_question: Text | None = Field(
        None, description="Asked after each item; 'Is there anyone else?' when left out."
    )
    add_button: Text | None = Field(None, description="The button to add one more ('Add another').")
    done_button: Text | None = Field(
        None, description='The button that finishes the list ("That\'s everyone").'
    )


class CheckStep(_Step):
    """Check your answers: a summary where the person can change any answer, then chooses to
    share the answers with their probation officer or keep them to themselves for now."""

    check_answers: bool = Field(description="`true` makes this the check-your-answers step.")
    ask: Text | None = Field(
        None, description="What to ask under the summary (a kind default is used when left out)."
    )
    share_button: Text | None = Field(
        None, description="The button that shares ('Share with my probation officer')."
    )
    keep_button: Text | None = Field(
        None, description="The button that keeps the answers private ('Keep it to myself for now')."
    )


ANSWER_KINDS: dict[str, str] = {
    "text": "text_question",
    "choice": "choice_question",
    "multi_choice": "multi_choice_question",
    "scale": "scale_question",
    "yes_no": "yes_no_question",
    "number": "number_question",
    "date": "date_question",
    "list": "list_question",
    "media": "media_question",
}
"""The words `answer:` takes, and the tag of the model for each."""

STEP_KINDS: dict[str, type[_Step]] = {
    "say_step": SayStep,
    "check_step": CheckStep,
    "text_question": TextQuestion,
    "choice_question": ChoiceQuestion,
    "multi_choice_question": MultiChoiceQuestion,
    "scale_question": ScaleQuestion,
    "yes_no_question": YesNoQuestion,
    "number_question": NumberQuestion,
    "date_question": DateQuestion,
    "list_question": ListQuestion,
    "media_question": MediaQuestion,
}

QuestionModel = (
    TextQuestion
    | ChoiceQuestion
    | MultiChoiceQuestion
    | ScaleQuestion
    | YesNoQuestion
    | NumberQuestion
    | DateQuestion
    | ListQuestion
    | MediaQuestion
)


def _step_tag(value: Any) -> str | None:
    if isinstance(value, _Step):
        return next(tag for tag, model in STEP_KINDS.items() if isinstance(value, model))
    if not isinstance(value, dict):
        return None
    if "say" in value:
        return "say_step"
    if "check_answers" in value:
        return "check_step"
    return _question_tag(value, ANSWER_KINDS, "choice_question", "text_question")


StepModel = Annotated[
    Annotated[SayStep, Tag("say_step")]
    | Annotated[CheckStep, Tag("check_step")]
    | Annotated[TextQuestion, Tag("text_question")]
    | Annotated[ChoiceQuestion, Tag("choice_question")]
    | Annotated[MultiChoiceQuestion, Tag("multi_choice_question")]
    | Annotated[ScaleQuestion, Tag("scale_question")]
    | Annotated[YesNoQuestion, Tag("yes_no_question")]
    | Annotated[NumberQuestion, Tag("number_question")]
    | Annotated[DateQuestion, Tag("date_question")]
    | Annotated[ListQuestion, Tag("list_question")]
    | Annotated[MediaQuestion, Tag("media_question")],
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


class AttentionRule(_Model):
    """A reason the case manager should read these answers first, and when it holds."""

    when: Condition = Field(
        description="When the shared answers meet this condition, the person is shown as "
        "needing attention on the caseload, like `{answer: feeling, one_of: [not_great, "
        "struggling]}`."
    )
    say: Text = Field(
        description="What the case manager reads on the caseload, in a few words (English; "
        "`cy:` is optional), like 'Said they are struggling'. People on probation never see it."
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
    share: Literal["ask", "always"] = Field(
        "ask",
        description="`ask` (the default): answers are shared with the probation officer only "
        "when the person chooses to, at a `check_answers` step. `always`: the script tells "
        "people that their answers are shared, so no step asks.",
    )
    steps: list[StepModel] = Field(
        min_length=1, description="The conversation, one step after another."
    )
    summary: list[SummarySection] = Field(
        default_factory=list,
        description="How the answers are laid out for the case manager, under headings.",
    )
    attention: list[AttentionRule] = Field(
        default_factory=list,
        description="Answers that need the case manager's attention first: when a shared "
        "conversation meets a rule's `when`, its `say` is shown on the caseload.",
    )


_REBUILD: tuple[type[BaseModel], ...] = (
    AckRule,
    AllOf,
    AnyOf,
    NotOf,
    Branch,
    *STEP_KINDS.values(),
    AttentionRule,
    ScriptModel,
)
for _model in _REBUILD:
    _model.model_rebuild()


TAG_MODELS: dict[str, type[BaseModel]] = {
    **STEP_KINDS,
    **ITEM_KINDS,
    **CONDITION_MODELS,
    "by_language": LangTexts,
    "rules": AckRule,
}
"""Union tags pydantic puts in error locations, and the model each stands for."""


def keys_of(model: type[BaseModel]) -> list[str]:
    """The keys a model takes, as written in a script (`is`, not `is_`)."""
    return [field.alias or name for name, field in model.model_fields.items()]


def field_for(model: type[BaseModel], key: str) -> str | None:
    """The field name behind the key `key` as written in a script."""
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return name
    return None


STEP_KEYS: frozenset[str] = frozenset(
    key for model in STEP_KINDS.values() for key in keys_of(model)
)


def as_text(value: str | LangTexts) -> RuntimeText:
    """A validated text -> the runtime `Text` (only the languages given, trailing space removed)."""
    if isinstance(value, str):
        return RuntimeText.of(value.strip())
    return RuntimeText.of(
        {lang: text.strip() for lang, text in value.model_dump().items() if text is not None}
    )
