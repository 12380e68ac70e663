"""bot/scheduling is channel-free like bot/conversations: it queues messages in the outbox
and never talks to Telegram, the sandbox or the review app."""

from __future__ import annotations

from tests.test_walls import offenders


def test_scheduling_is_channel_free() -> None:
    forbidden = ("telegram", "bot.telegram", "bot.sandbox", "bot.review", "bot.notifications")
    assert offenders("bot/scheduling", forbidden) == []
