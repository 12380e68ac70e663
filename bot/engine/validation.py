"""Parsed YAML -> `ScriptModel`, turning pydantic's errors into located, plain-words problems."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import ScriptError, ScriptProblem
from .kinds.choice import slug
from .loader import Document, Path, YamlValue
from .schema import (
    ANSWER_KINDS,
    ITEM_KINDS,
    STEP_KEYS,
    STEP_KINDS,
    TAG_MODELS,
    CheckStep,
    ChoiceQuestion,
    SayStep,
    ScriptModel,
    TextQuestion,
    field_for,
    keys_of,
)

_TYPE_NAMES = frozenset({"str", "int", "float", "bool"})  # union members in error locations
_CONDITION_TESTS = ("is", "one_of", "less_than", "more_than", "answered", "skipped")


def validate(doc: Document) -> ScriptModel:
    try:
        return ScriptModel.model_validate(doc.data)
    except ValidationError as err:
        problems = [_problem(doc, detail) for detail in err.errors(include_url=False)]
        raise ScriptError(problems) from None


def _resolve(data: YamlValue, loc: tuple[str | int, ...]) -> Path:
    """The longest path into `data` along `loc`, skipping parts that are not in the data
    (union tags such as ``say_step``, or the name of a missing key)."""
    path: list[str | int] = []
    current: YamlValue = data
    for part in loc:
        child = _child(current, part)
        if child is not None:
            current = child
            path.append(part)
    return tuple(path)


def _child(value: YamlValue, part: str | int) -> YamlValue | None:
    if isinstance(value, dict) and isinstance(part, str):
        return value.get(part)
    if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
        return value[part]
    return None


def _field_name(loc: tuple[str | int, ...]) -> str:
    for part in reversed(loc):
        if (
            isinstance(part, str)
            and part not in TAG_MODELS
            and part not in _TYPE_NAMES
            and part not in ("plain", "step", "branches")
            and not part.startswith("list[")
        ):
            return part
    return "this"


def _inner_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _inner_models(arg)
    return found


def _owner(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model whose key is the last part of `loc`."""
    model: type[BaseModel] | None = ScriptModel
    for part in loc[:-1]:
        if isinstance(part, str) and part in TAG_MODELS:
            model = TAG_MODELS[part]
        elif isinstance(part, str) and model is not None and (name := field_for(model, part)):
            inner = _inner_models(model.model_fields[name].annotation)
            model = inner[0] if len(inner) == 1 else None
    return model


def _keys(model: type[BaseModel]) -> list[str]:
    return keys_of(model)


def _unknown_key(key: str, loc: tuple[str | int, ...]) -> str:
    owner = _owner(loc)
    allowed = _keys(owner) if owner is not None else []
    # On a step, a typo may aim at another kind's key (`chioces` on a step without choices).
    candidates = sorted(STEP_KEYS) if owner in STEP_KINDS.values() else allowed
    if owner is SayStep and key == "ask":
        return "a step can't have both `say:` and `ask:`; make them two steps"
    if owner is SayStep and key in STEP_KEYS:
        return f"`{key}:` only works on a question (a step with `ask:`), not on a `say:` step"
    if owner in ITEM_KINDS.values() and key in ("next", "when", "end", "short", "ack"):
        return (
            f"`{key}:` doesn't work on a question inside a list: each item's questions are "
            "asked in order"
        )
    if owner in ITEM_KINDS.values() and key == "expected_worries":
        return (
            "`expected_worries:` goes on the list itself (the step with `answer: list`), "
            "not on a question inside it"
        )
    if owner is CheckStep and key in STEP_KEYS:
        return (
            f"`{key}:` doesn't work on the check-your-answers step; it takes `ask`, "
            "`share_button` and `keep_button`"
        )
    if owner is ChoiceQuestion and key in TextQuestion.model_fields:
        return f"`{key}:` only works on a question answered by typing, not one with `choices:`"
    if owner in STEP_KINDS.values() and key in STEP_KEYS and key not in allowed:
        kinds = [
            f"`answer: {word}`"
            for word, tag in ANSWER_KINDS.items()
            if key in keys_of(STEP_KINDS[tag])
        ]
        if kinds:
            return (
                f"`{key}:` doesn't work on this kind of question; it goes with {' or '.join(kinds)}"
            )
    message = f"unknown key `{key}`"
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
    if close:
        return f"{message} — did you mean `{close[0]}`?"
    if allowed:
        return f"{message}; the keys that work here are: {', '.join(allowed)}"
    return message


def _describe(detail: ErrorDetails) -> str:
    kind = detail["type"]
    loc = detail["loc"]
    name = _field_name(loc)
    ctx: Mapping[str, Any] = detail.get("ctx") or {}
    value = detail.get("input")
    if kind == "missing":
        if name == "id":
            return "this step needs an `id:` (a short name like `good_day`)"
        if len(loc) == 1:
            return f"this script needs `{name}:`"
        return f"`{name}:` is missing here"
    if kind == "extra_forbidden":
        return _unknown_key(str(loc[-1]), loc)
    if loc and loc[-1] in _TYPE_NAMES and name in _CONDITION_TESTS:
        if isinstance(value, list):
            return f"`{name}` takes one value; to test several, write `one_of: [a, b]`"
        return f"`{name}` should be one value: a word, a number or a date"
    if name == "expected_worries" and kind in ("list_type", "string_pattern_mismatch"):
        return _worries_problem(value if kind == "string_pattern_mismatch" else None)
    if kind in ("string_type", "str_type"):
        return f"`{name}` should be a text, not a list or a block of `key: value` lines"
    if kind in ("bool_parsing", "bool_type"):
        return f"`{name}` should be true or false"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"`{name}` should be a whole number"
    if kind == "list_type":
        return f"`{name}` should be a list, with each item on its own line starting with `- `"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if not loc:
            return "a script should be `key: value` lines, starting with `tool: ...`"
        return f"`{name}` should be `key: value` lines"
    if kind == "string_pattern_mismatch":
        suggestion = slug(value) if isinstance(value, str) else ""
        hint = f" (like `{suggestion}`)" if suggestion and suggestion[0].isalpha() else ""
        return (
            f"`{value}` can't be used as `{name}`: use lower-case letters, numbers and _, "
            f"starting with a letter{hint}"
        )
    if kind == "string_too_long":
        return f"`{name}` is too long: at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"`{name}` needs at least {_items(ctx.get('min_length'))}; it has {ctx.get('actual_length')}"
    if kind == "too_long":
        return f"`{name}` can have at most {_items(ctx.get('max_length'))}; it has {ctx.get('actual_length')}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"`{name}` should be at least {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"`{name}` should be at most {ctx.get('le', ctx.get('lt'))}"
    if kind == "literal_error" and name == "languages":
        return f"`{value}` is not a language Tandem knows; use en (English) or cy (Welsh)"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "`")
        return f"`{value}` doesn't work as `{name}`; use {expected}"
    if kind == "text_type":
        return f"`{name}` should be a text, or one text per language like `en: ...`"
    if kind == "step_shape" and not isinstance(value, dict):
        return "each step is a block of `key: value` lines, starting with `- id: ...`"
    if kind == "step_shape" and isinstance(value, dict) and "answer" in value:
        answer = value["answer"]
        words = list(ANSWER_KINDS)
        close = difflib.get_close_matches(str(answer), words, n=1, cutoff=0.6)
        hint = f" — did you mean `{close[0]}`? The kinds are" if close else "; the kinds are"
        return f"`answer: {answer}` is not a kind of answer{hint}: {', '.join(words)}"
    if kind == "item_shape" and isinstance(value, dict) and "answer" in value:
        answer = value["answer"]
        words = [w for w in ANSWER_KINDS if w != "list"]
        close = difflib.get_close_matches(str(answer), words, n=1, cutoff=0.6)
        hint = f" — did you mean `{close[0]}`? The kinds are" if close else "; the kinds are"
        return f"`answer: {answer}` can't be used in a list{hint}: {', '.join(words)}"
    if kind == "condition_shape" and isinstance(value, dict):
        keys = [str(k) for k in value]
        close = [
            match
            for k in keys
            for match in difflib.get_close_matches(
                k, ["answer", "all", "any", "not"], n=1, cutoff=0.6
            )
        ]
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        return (
            "a condition starts with `answer:` (the question it tests), or is `all:`, `any:` "
            f"or `not:`{hint}, like `{{answer: feeling, is: struggling}}`"
        )
    if kind in ("blank_text", "step_shape", "item_shape", "condition_shape", "next_shape"):
        return detail["msg"]
    return f"`{name}`: {detail['msg']}"


def _worries_problem(value: object) -> str:
    example = "like `[suicide_self_harm, struggling_to_cope]`"
    if value is None:
        return f"`expected_worries` should be a list of safeguarding categories, {example}"
    suggestion = slug(value) if isinstance(value, str) else ""
    hint = f"`{suggestion}`" if suggestion and suggestion[0].isalpha() else "`suicide_self_harm`"
    return (
        f"`{value}` is not the name of a safeguarding category: write the name as "
        f"safeguarding.yaml does, in lower-case letters, numbers and _ (like {hint})"
    )


def _items(count: object) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def _problem(doc: Document, detail: ErrorDetails) -> ScriptProblem:
    loc = detail["loc"]
    path = _resolve(doc.data, loc)
    at_key = detail["type"] == "extra_forbidden"
    return doc.source_map.problem(path, _describe(detail), at_key=at_key)
