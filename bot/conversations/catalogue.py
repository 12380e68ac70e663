"""The scripts Tandem can run: the current ones from dialogues/, and any older published
version a conversation started on (compiled again from its stored source)."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations.safeguards import Safeguards
from bot.engine import Registry, Script, ScriptProblem, load_dialogues, load_script_text
from bot.engine.registry import script_paths
from storage.conversations import publish_version, version_by_id
from storage.models import ScriptVersion

log = logging.getLogger(__name__)


def in_lang(text: object, lang: str) -> str:
    """Pick the person's language from a ``{lang: text}`` mapping, falling back to English."""
    if isinstance(text, str):
        return text
    if isinstance(text, dict) or hasattr(text, "get"):
        mapping = dict(text)  # type: ignore[call-overload]
        return str(mapping.get(lang) or mapping.get("en") or next(iter(mapping.values()), ""))
    return str(text)


class Catalogue:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._current: dict[str, Script] = {}
        self._by_hash: dict[str, Script] = {}
        self.problems: list[ScriptProblem] = []
        self.safeguards = Safeguards(directory)
        self.reload(safeguards=False)

    def reload(self, *, safeguards: bool = True) -> list[ScriptProblem]:
        """Load dialogues/ again (scripts and safeguarding rules). A file that now fails to
        load keeps its last good version serving; its problems are returned."""
        registry: Registry = load_dialogues(self.directory)
        on_disk = {path.stem for path in script_paths(self.directory)}
        # A refused file keeps its last good version; a deleted file takes its tool away.
        kept = {tool: s for tool, s in self._current.items() if tool in on_disk}
        self._current = {**kept, **registry.scripts}
        for script in registry.scripts.values():
            self._by_hash.setdefault(script.version, script)
        self.problems = list(registry.problems)
        for problem in self.problems:
            log.warning("dialogue refused: %s", problem)
        if safeguards:
            self.problems += self.safeguards.reload()
        return self.problems

    def tools(self) -> list[Script]:
        return sorted(self._current.values(), key=lambda s: s.id)

    def get(self, tool_id: str) -> Script | None:
        return self._current.get(tool_id)

    async def version_id(self, session: AsyncSession, script: Script) -> int:
        """The stored version row of a script, publishing it the first time it is used.

        Not cached: the row may have been inserted by a transaction that later rolls back.
        """
        row = await publish_version(
            session,
            script_id=script.id,
            content_hash=script.version,
            title=in_lang(script.title, "en"),
            source=script.source,
        )
        assert row.id is not None
        return row.id

    async def publish_all(self, session: AsyncSession) -> None:
        for script in self._current.values():
            await self.version_id(session, script)

    async def script_for_version(self, session: AsyncSession, version_id: int) -> Script | None:
        """Compiled scripts are cached by content hash, which never goes stale."""
        row: ScriptVersion | None = await version_by_id(session, version_id)
        if row is None:
            return None
        script = self._by_hash.get(row.content_hash)
        if script is None:
            script = load_script_text(row.source, f"{row.script_id}.yaml")
            self._by_hash[row.content_hash] = script
        return script
