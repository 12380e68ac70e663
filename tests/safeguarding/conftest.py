from __future__ import annotations

from pathlib import Path

import pytest

from bot.safeguarding import Rules, load_rules
from bot.safeguarding.evaluate import Case, load_examples

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "dialogues" / "safeguarding.yaml"
HERE = Path(__file__).resolve().parent
CORPUS = ROOT / "dialogues" / "safeguarding_examples.yaml"
HOLDOUT = HERE / "holdout.yaml"


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules(RULES)


@pytest.fixture(scope="session")
def corpus() -> list[Case]:
    return load_examples(CORPUS)


@pytest.fixture(scope="session")
def holdout() -> list[Case]:
    """The held-out messages; the test is skipped, with the reason, while there are none."""
    from tests.safeguarding.report import load_holdout

    cases, reason = load_holdout(HOLDOUT)
    if not cases:
        pytest.skip(reason)
    return cases
