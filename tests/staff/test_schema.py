"""dialogues/schema.json: up to date with the engine's models, valid, and true to the scripts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.engine.registry import script_paths
from bot.staff.schema import render
from tests.staff.helpers import DIALOGUES, make, tandem

jsonschema = pytest.importorskip("jsonschema")

SCHEMA_FILE = DIALOGUES / "schema.json"
SHIPPED = sorted(script_paths(DIALOGUES))


class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 booleans, as editors read files: only true/false (`label: Yes` is a text)."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load(text: str) -> Any:
    return yaml.load(text, Loader=Yaml12Loader)  # noqa: S506 (a SafeLoader subclass)


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_the_committed_schema_is_up_to_date() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(), (
        "dialogues/schema.json is out of date: run "
        "`tandem dialogues schema > dialogues/schema.json` (or `make schema`)"
    )


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_the_shipped_scripts_match_it(validator: Any, path: Path) -> None:
    errors = [e.message for e in validator.iter_errors(load(path.read_text(encoding="utf-8")))]
    assert errors == []


def test_it_underlines_mistakes(validator: Any) -> None:
    typo = load(make("steps:\n  - id: q\n    ask: Which?\n    chioces: [a, b]\n"))
    assert not validator.is_valid(typo)
    no_id = load(make("steps:\n  - say: Hello.\n"))
    assert not validator.is_valid(no_id)
    assert validator.is_valid(load(make("steps:\n  - id: q\n    ask: Which?\n")))


def test_it_describes_every_field_for_the_editor() -> None:
    schema = json.loads(render())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in json.dumps(schema)
    for name, prop in schema["properties"].items():
        assert prop.get("description"), name
        assert prop.get("markdownDescription") == prop["description"]
    snippets = schema["properties"]["steps"]["items"]["defaultSnippets"]
    assert [s["label"] for s in snippets][:1] == ["say (a message)"]


def test_the_command_prints_it() -> None:
    result = tandem("dialogues", "schema")
    assert result.returncode == 0, result.stderr
    assert result.stdout == render()
