"""One update's working set while its transaction is open."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations.messages import Button, Incoming, Outgoing
from bot.conversations.texts import say
from storage.models import Flag, ServiceUser

DEFAULT_ZONE = "Europe/London"


@dataclass
class Turn:
    """Everything one update needs while its transaction is open."""

    session: AsyncSession
    incoming: Incoming
    now: datetime
    person: ServiceUser | None = None
    out: list[Outgoing] = field(default_factory=list)
    toast: str | None = None
    # A crisis reply's choice, and its flag: the flag keeps the choice's outbox row, so a newer
    # choice can take the older one's buttons away.
    choice: tuple[Outgoing, Flag] | None = None
    # What this turn sends does not take the buttons off earlier messages (what follows a
    # "Show me" tap: the question the person was in keeps its buttons).
    keep_others: bool = False

    @property
    def lang(self) -> str:
        if self.person:
            return self.person.language
        # Someone we don't know yet: their phone's language is the best guess.
        return "cy" if self.incoming.language_code.lower().startswith("cy") else "en"

    @property
    def today(self) -> date:
        """The person's own date: "today" and "yesterday" mean theirs, not the server's."""
        zone = self.person.timezone if self.person else DEFAULT_ZONE
        try:
            return self.now.astimezone(ZoneInfo(zone)).date()
        except (ZoneInfoNotFoundError, ValueError):
            return self.now.astimezone(ZoneInfo(DEFAULT_ZONE)).date()

    def send(
        self, key: str, *, buttons: tuple[tuple[Button, ...], ...] = (), **values: Any
    ) -> None:
        self.out.append(Outgoing(self.incoming.chat_id, say(key, self.lang, **values), buttons))

    def send_text(self, text: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> None:
        self.out.append(Outgoing(self.incoming.chat_id, text, buttons))
