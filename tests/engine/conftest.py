from __future__ import annotations

import pytest

from bot.engine import Script, load_script
from tests.engine.helpers import SHIPPED


@pytest.fixture(scope="session")
def shipped() -> Script:
    return load_script(SHIPPED)
