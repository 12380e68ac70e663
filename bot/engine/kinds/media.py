"""A voice note or a photo as the answer (many people would rather talk than type).

Kept by Telegram file reference: the stored answer is
``{"media": "voice", "file_id": ..., "file_unique_id": ..., "duration": 12}`` (duration for
sound and video only). With `also_text: true`, typed words are an answer too (stored as text).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..model import AnswerValue, Expects, MediaInput, Problem
from ..schema import MediaItem, MediaQuestion
from ..system import MEDIA_NAMES, YOUR_MEDIA
from ..texts import Text
from .base import Accepted, AnswerKind, BadValue, Ctx, Reading
from .text import read_words


def _duration(seconds: AnswerValue) -> str:
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        return ""
    return f" ({seconds // 60}:{seconds % 60:02d})"


def _name(kind: str, lang: str) -> str:
    found = MEDIA_NAMES.get(kind)
    return found.pick(lang) if found is not None else kind


@dataclass(frozen=True, slots=True)
class MediaKind(AnswerKind):
    accept: tuple[str, ...]
    also_text: bool
    max_length: int

    expects: ClassVar[Expects] = "media"
    keeps: ClassVar[bool] = True

    def read_media(self, media: MediaInput, ctx: Ctx) -> Reading:
        if media.kind not in self.accept or not media.file_id:
            return Problem.NEED_MEDIA
        value: dict[str, AnswerValue] = {
            "media": media.kind,
            "file_id": media.file_id,
            "file_unique_id": media.file_unique_id,
        }
        if media.duration is not None:
            value["duration"] = media.duration
        return Accepted(value, self.show(value, ctx.lang))

    def read_text(self, text: str, ctx: Ctx) -> Reading:
        if not self.also_text:
            return Problem.NEED_MEDIA
        return read_words(text, None, self.max_length)

    def show(self, value: AnswerValue, lang: str) -> str:
        if isinstance(value, dict):
            kind = value.get("media")
            name = _name(kind if isinstance(kind, str) else "", lang)
            return name + _duration(value.get("duration"))
        return "" if value is None else str(value)

    def expects_now(self, draft: AnswerValue) -> Expects:
        # Typed words are an answer too: a typed "3" is the answer, not a button's number.
        return "text" if self.also_text else self.expects

    def pipe(self, value: AnswerValue, lang: str) -> str:
        if isinstance(value, dict) and self.also_text:
            # A voice note in place of words: "What works with your voice note?" would read
            # badly, so the sentence uses its `{id or ...}` words, or is left out.
            return ""
        if isinstance(value, dict):
            kind = value.get("media")
            name = _name(kind if isinstance(kind, str) else "", lang)
            return YOUR_MEDIA.pick(lang).replace("{media}", name[:1].lower() + name[1:])
        return self.show(value, lang)

    def condition_value(self, op: str, raw: object) -> tuple[AnswerValue, Text | None]:
        raise BadValue(
            "on a voice note or photo question, conditions can only test `answered` or `skipped`"
        )


def build(step: MediaQuestion | MediaItem) -> MediaKind:
    return MediaKind(tuple(dict.fromkeys(step.accept)), step.also_text, step.max_length)
