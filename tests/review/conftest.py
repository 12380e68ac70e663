from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.review import ReviewHarness, review_app


@pytest.fixture
async def review(db_url: str) -> AsyncIterator[ReviewHarness]:
    """The review app on a fresh database, on SQLite and on PostgreSQL in turn."""
    async with review_app(db_url) as harness:
        yield harness
