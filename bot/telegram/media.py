"""Voice notes and photos for the review page, fetched through the bot.

Tandem keeps only Telegram's file id of what a person sent. When a case manager plays it,
the review app calls `fetch(file_id)` and gets the bytes and their type: the bot asks
Telegram where the file is (`getFile`) and downloads it. The download URL holds the bot's
token, so it stays here: nothing the review app is given, logs or shows carries it.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import TelegramError

# Telegram lets bots download files up to 20 MB.
MAX_BYTES = 20 * 1024 * 1024
DOWNLOAD_SECONDS = 30.0

FetchMedia = Callable[[str], Awaitable[tuple[bytes, str]]]


class MediaUnavailable(Exception):
    """The file could not be fetched. The message never holds a URL (it would hold the token)."""


# The file types a page may show or play, by their first bytes: what Telegram sends back is
# not trusted to name its own type.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"OggS", "audio/ogg"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF8", "image/gif"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"fLaC", "audio/flac"),
    (4, b"ftyp", "video/mp4"),
)


def sniff(data: bytes, path: str = "") -> str:
    """The content type of a downloaded file, from its bytes, else from its name."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for offset, magic, kind in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            return kind
    guessed, _ = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"


def media_fetcher(bot: Bot, *, max_bytes: int = MAX_BYTES) -> FetchMedia:
    """`ReviewConfig.fetch_media` for a running bot."""

    async def fetch(file_id: str) -> tuple[bytes, str]:
        try:
            found = await bot.get_file(file_id)
        except TelegramError as error:
            raise MediaUnavailable(f"getFile failed: {type(error).__name__}") from None
        if found.file_size is not None and found.file_size > max_bytes:
            raise MediaUnavailable("the file is too large to fetch")
        path = found.file_path or ""
        if not path:
            raise MediaUnavailable("Telegram gave no file path")
        try:
            data = await found.download_as_bytearray(read_timeout=DOWNLOAD_SECONDS)
        except (TelegramError, OSError) as error:
            raise MediaUnavailable(f"download failed: {type(error).__name__}") from None
        if len(data) > max_bytes:
            raise MediaUnavailable("the file is too large to fetch")
        return bytes(data), sniff(bytes(data[:16]), path)

    return fetch
