"""``dialogues/schema.json``: the script format as a JSON Schema, for editors.

Generated from the engine's pydantic models (`ScriptModel`), so it can never disagree with what
Tandem accepts. It is written as JSON Schema draft-07, the version the YAML extension for VS Code
(Red Hat's yaml-language-server) supports fully: pydantic's ``$defs`` become ``definitions``.
Descriptions are copied to ``markdownDescription`` (which VS Code shows as formatted text), and
each step offers snippets, so typing in the editor suggests a whole new message or question.

Regenerate with ``tandem dialogues schema > dialogues/schema.json`` (or ``make schema``);
tests/staff/test_schema.py fails when the committed file is out of date.
"""

from __future__ import annotations

import json
from typing import Any

from bot.engine.schema import ScriptModel

SCHEMA_ID = "https://tandem.example/dialogues/schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"

# Completions VS Code offers inside `steps:`. `^` in a body keeps the text as typed.
STEP_SNIPPETS: list[dict[str, Any]] = [
    {
        "label": "say (a message)",
        "description": "A message. The conversation goes straight on to the next step.",
        "body": {"id": "${1:step_name}", "say": "${2:What to say}"},
    },
    {
        "label": "ask (a typed answer)",
        "description": "A question the person answers by typing.",
        "body": {"id": "${1:step_name}", "ask": "${2:Your question?}", "skip": True},
    },
    {
        "label": "ask with choices (buttons)",
        "description": "A question answered by pressing a button.",
        "body": {
            "id": "${1:step_name}",
            "ask": "${2:Your question?}",
            "choices": [{"label": "${3:Yes}"}, {"label": "${4:Not now}"}],
        },
    },
]


def _rename_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = value.replace("#/$defs/", "#/definitions/")
            else:
                out[key] = _rename_refs(value)
        return out
    if isinstance(node, list):
        return [_rename_refs(item) for item in node]
    return node


def _markdown(node: Any) -> Any:
    if isinstance(node, dict):
        out = {key: _markdown(value) for key, value in node.items()}
        description = out.get("description")
        if isinstance(description, str) and "markdownDescription" not in out:
            out["markdownDescription"] = description
        return out
    if isinstance(node, list):
        return [_markdown(item) for item in node]
    return node


def build() -> dict[str, Any]:
    """The schema as a dict (draft-07)."""
    raw = ScriptModel.model_json_schema(ref_template="#/definitions/{model}")
    schema: dict[str, Any] = {"$schema": DRAFT, "$id": SCHEMA_ID}
    schema.update(_rename_refs(raw))
    if "$defs" in schema:
        schema["definitions"] = schema.pop("$defs")
    schema = _markdown(schema)
    steps = schema.get("properties", {}).get("steps")
    if isinstance(steps, dict) and isinstance(steps.get("items"), dict):
        steps["items"]["defaultSnippets"] = STEP_SNIPPETS
    schema["title"] = "Tandem tool script"
    return schema


def render() -> str:
    """The schema as the text of ``dialogues/schema.json`` (stable: sorted defs, 2 spaces)."""
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
