"""Ids taken from addresses. PostgreSQL refuses a number beyond its integer range outright,
which would be an error page; such an id names nothing, so it is "not found" like any other."""

from __future__ import annotations

from bot.review.access import NotFound
from bot.review.security import MAX_ID


def known(*ids: int) -> None:
    if not all(0 < i <= MAX_ID for i in ids):
        raise NotFound()
