"""The safeguarding rules a running Tandem checks every message against.

Loaded from dialogues/safeguarding.yaml beside the scripts and reloaded with them. A file that
fails to load keeps the last good rules checking; at start-up with no good rules at all, the
problem is logged loudly and every message still gets its normal reply.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.engine import ScriptProblem
from bot.safeguarding import Match, Rules, SafeguardingError, load_rules

log = logging.getLogger(__name__)

FILE_NAME = "safeguarding.yaml"


class Safeguards:
    def __init__(self, directory: Path) -> None:
        self.path = directory / FILE_NAME
        self.rules: Rules | None = None
        self.reload()

    def reload(self) -> list[ScriptProblem]:
        try:
            self.rules = load_rules(self.path)
        except FileNotFoundError:
            log.error("no safeguarding rules at %s: messages are not being checked", self.path)
            return [ScriptProblem(str(self.path), 1, 1, "the safeguarding rules are missing")]
        except SafeguardingError as err:
            for problem in err.problems:
                log.error("safeguarding rules refused: %s", problem)
            return [ScriptProblem(p.file, p.line, p.col, p.message) for p in err.problems]
        return []

    def check(self, text: str) -> Match | None:
        if self.rules is None or not text:
            return None
        return self.rules.check(text)

    def reply(self, match: Match, lang: str) -> str:
        """The helplines for what matched, in the person's language."""
        assert self.rules is not None, "a match comes from loaded rules"
        return self.rules.reply(match, lang)

    def call_mode(self, match: Match) -> str:
        assert self.rules is not None, "a match comes from loaded rules"
        return self.rules.call_mode(match)
