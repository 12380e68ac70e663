"""Ordinary answers nobody labelled for the safeguarding examples: the made-up answers to the
tools' questions in bot/sample_data.py (read from its source, not run), to measure false alarms
on the kind of message most people send.

A few are worrying by design (the demo's person in a hard week, a safety plan's warning signs):
`WORRYING_BY_DESIGN` lists them, and they are not counted as false alarms."""

from __future__ import annotations

import ast
from pathlib import Path

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "bot" / "sample_data.py"

# The functions and tables of bot/sample_data.py that hold answers to the tools' questions.
_ANSWERS = ("SAMPLES", "_PARTS")

# Sample answers that are meant to be worrying: an alarm on them is right.
WORRYING_BY_DESIGN = frozenset(
    {
        # a safety plan's warning sign, in the person's words: the question expects these
        # (`expected_worries`), so in the tool it is kept as the answer
        "When I start thinking everyone would be better off without me",
        # sofa surfing after a row: nowhere settled to sleep
        "Had a row with my partner and I'm sofa surfing",
        # an ex who keeps turning up uninvited: the issue counts "my ex keeps following me" as
        # worrying (being harmed), and this is the same (2026-12-03)
        "My ex keeps turning up",
    }
)


def sample_answers(path: Path = SAMPLE_DATA) -> list[str]:
    """Every answer written out in the tools' sample answers (words, not choice values like
    `this_week`), once each, in the order of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    makers: set[str] = set()
    tables: list[ast.AST] = []
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if "SAMPLES" in names and node.value is not None:
                makers |= {v.id for v in ast.walk(node.value) if isinstance(v, ast.Name)}
            if names & set(_ANSWERS) and "SAMPLES" not in names:
                tables.append(node)
    found: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in makers:
            tables.append(node)
    for table in tables:
        docstring = None
        if isinstance(table, ast.FunctionDef):
            first = table.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstring = first.value
        for sub in ast.walk(table):
            if sub is docstring or not isinstance(sub, ast.Constant):
                continue
            value = sub.value
            if isinstance(value, str) and value.strip() and (" " in value or value[0].isupper()):
                found.append(value)
    return list(dict.fromkeys(found))
