"""Flood control: scripted 429s for tests, and an optional real rate limit (Telegram's 30
messages a second per bot, about one a second per chat) for every bot or for one bot."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

from bot.sandbox.errors import too_many_requests

# Methods that count as "sending a message" for Telegram's limits.
DEFAULT_LIMITED_METHODS = frozenset({"sendmessage"})
# Telegram: "no more than 30 messages per second" to different chats from one bot.
TELEGRAM_PER_SECOND = 30.0


@dataclass
class FloodRule:
    """The next `remaining` matching calls fail with 429 retry_after."""

    remaining: int
    retry_after: int
    methods: frozenset[str] | None = None  # lower-case method names; None means every method
    bot_id: int | None = None

    def matches(self, bot_id: int, method: str) -> bool:
        return (
            self.remaining > 0
            and (self.methods is None or method in self.methods)
            and (self.bot_id is None or self.bot_id == bot_id)
        )


@dataclass
class RateLimit:
    per_second: float | None = None  # per bot, all chats together (Telegram: about 30)
    per_chat_per_second: float | None = None  # per private chat (Telegram: about 1)
    methods: frozenset[str] = DEFAULT_LIMITED_METHODS


@dataclass
class Limits:
    flood: list[FloodRule] = field(default_factory=list)
    rate: RateLimit = field(default_factory=RateLimit)  # for every bot without its own
    per_bot: dict[int, RateLimit] = field(default_factory=dict)
    _bot_sent: dict[int, deque[float]] = field(default_factory=dict)
    _chat_sent: dict[tuple[int, int], deque[float]] = field(default_factory=dict)

    def add_flood(
        self,
        count: int,
        retry_after: int,
        methods: list[str] | None = None,
        bot_id: int | None = None,
    ) -> None:
        names = frozenset(m.lower() for m in methods) if methods else None
        self.flood.append(FloodRule(count, retry_after, names, bot_id))

    def set_rate(
        self,
        per_second: float | None,
        per_chat_per_second: float | None = None,
        methods: list[str] | None = None,
        bot_id: int | None = None,
    ) -> RateLimit:
        """The limits for one bot (bot_id), or for every bot that has none of its own."""
        chosen = frozenset(m.lower() for m in methods) if methods else DEFAULT_LIMITED_METHODS
        rate = RateLimit(per_second, per_chat_per_second, chosen)
        if bot_id is None:
            self.rate = rate
            self.per_bot.clear()
            self._bot_sent.clear()
            self._chat_sent.clear()
        else:
            self.per_bot[bot_id] = rate
            self._bot_sent.pop(bot_id, None)
            for key in [k for k in self._chat_sent if k[0] == bot_id]:
                del self._chat_sent[key]
        return rate

    def rate_for(self, bot_id: int) -> RateLimit:
        return self.per_bot.get(bot_id, self.rate)

    def check(self, bot_id: int, method: str, chat_id: int | None) -> None:
        """Raise a 429 ApiError if this call must be refused; otherwise count it."""
        for rule in self.flood:
            if rule.matches(bot_id, method):
                rule.remaining -= 1
                self.flood = [r for r in self.flood if r.remaining > 0]
                raise too_many_requests(rule.retry_after)
        rate = self.rate_for(bot_id)
        if method not in rate.methods or (
            rate.per_second is None and rate.per_chat_per_second is None
        ):
            return
        now = time.monotonic()
        windows: list[tuple[deque[float], float]] = []
        if rate.per_second is not None:
            windows.append((self._bot_sent.setdefault(bot_id, deque()), rate.per_second))
        if rate.per_chat_per_second is not None and chat_id is not None:
            key = (bot_id, chat_id)
            windows.append((self._chat_sent.setdefault(key, deque()), rate.per_chat_per_second))
        for sent, allowed in windows:
            while sent and now - sent[0] >= 1.0:
                sent.popleft()
            if len(sent) >= allowed:
                # Telegram's retry_after is a whole number of seconds, never 0.
                raise too_many_requests(max(1, math.ceil(sent[0] + 1.0 - now)))
        for sent, _ in windows:
            sent.append(now)
