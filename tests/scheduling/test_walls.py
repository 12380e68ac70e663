"""bot/scheduling is channel-free like bot/conversations: it queues messages in the outbox
and never talks to Telegram, the sandbox or the review app. It may record staff notifications
(bot.notifications: rows in the database) but never sends email itself (the mailer does)."""

from __future__ import annotations

from tests.test_walls import ROOT, imports, offenders


def test_scheduling_is_channel_free() -> None:
    forbidden = (
        "telegram",
        "bot.telegram",
        "bot.sandbox",
        "bot.review",
        "bot.notifications.mailer",
        "smtplib",
    )
    assert offenders("bot/scheduling", forbidden) == []


def test_recording_a_notification_sends_nothing() -> None:
    """What scheduling imports of bot.notifications only writes rows."""
    used = imports(ROOT / "bot" / "notifications" / "__init__.py")
    assert not {name for name in used if name.startswith(("smtplib", "bot.notifications."))}
