"""Logging that keeps secrets and people's words out of the logs."""

from __future__ import annotations

import logging


def quiet_logs() -> None:
    # httpx logs every request URL at INFO, and Bot API URLs contain the bot token.
    for name in ("httpx", "httpcore", "telegram", "uvicorn.access", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
