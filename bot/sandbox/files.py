"""Files people send, as the Bot API serves them: `getFile` gives a `file_path`, and
GET /file/bot<token>/<file_path> gives the bytes.

The sandbox keeps no uploads: the bytes are made from the file id when asked for, the same
every time and of the size the message said. A voice note is a short soft tone (WAV), a photo a
plain picture of the stated size (PNG), anything else a fixed byte pattern. Only files a person
sent to this bot can be fetched, and only by that bot's token, as in Telegram.
"""

from __future__ import annotations

import hashlib
import math
import struct
import zlib
from dataclasses import dataclass
from typing import Any

# Bots may download files up to this size (Telegram's limit for the cloud Bot API).
MAX_DOWNLOAD = 20 * 1024 * 1024
SAMPLE_RATE = 8000
# Folder and file type Telegram uses for each kind; ours differ only where the sandbox
# serves a simpler format that browsers play just the same (WAV for Opus, PNG for JPEG).
LAYOUT: dict[str, tuple[str, str, str]] = {
    "voice": ("voice", "wav", "audio/wav"),
    "photo": ("photos", "png", "image/png"),
    "thumbnail": ("thumbnails", "png", "image/png"),
    "sticker": ("stickers", "webp", "image/webp"),
    "video": ("videos", "mp4", "video/mp4"),
    "video_note": ("video_notes", "mp4", "video/mp4"),
    "animation": ("animations", "mp4", "video/mp4"),
    "audio": ("music", "mp3", "audio/mpeg"),
    "document": ("documents", "pdf", "application/pdf"),
}


@dataclass(frozen=True)
class SandboxFile:
    file_id: str
    file_unique_id: str
    kind: str
    size: int
    path: str
    width: int = 0
    height: int = 0

    @property
    def content_type(self) -> str:
        return LAYOUT[self.kind][2]

    def json(self) -> dict[str, Any]:
        """The File object getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.path,
        }


def _found(fields: Any, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """Every file object in a message's media fields, with the kind it is."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(fields, dict):
        if isinstance(fields.get("file_id"), str) and isinstance(fields.get("file_size"), int):
            found.append((kind, fields))
        for key, value in fields.items():
            if isinstance(value, dict | list):
                found += _found(value, "thumbnail" if key == "thumbnail" else kind)
    elif isinstance(fields, list):
        for value in fields:
            found += _found(value, kind)
    return found


class FileStore:
    """One bot's files: those people sent it, by file id and by the path getFile gave."""

    def __init__(self) -> None:
        self.by_id: dict[str, SandboxFile] = {}
        self.by_path: dict[str, SandboxFile] = {}

    def remember(self, fields: dict[str, Any]) -> None:
        """Keep the files of a message a person sent, so the bot may fetch them."""
        for key, value in fields.items():
            if key not in LAYOUT:
                continue
            for kind, obj in _found(value, key):
                folder, ext, _ = LAYOUT[kind]
                digest = hashlib.sha256(obj["file_id"].encode()).hexdigest()[:24]
                file = SandboxFile(
                    file_id=obj["file_id"],
                    file_unique_id=str(obj.get("file_unique_id", "")),
                    kind=kind,
                    size=int(obj["file_size"]),
                    path=f"{folder}/file_{digest}.{ext}",
                    width=int(obj.get("width", 0) or 0),
                    height=int(obj.get("height", 0) or 0),
                )
                self.by_id[file.file_id] = file
                self.by_path[file.path] = file


# -- the bytes -----------------------------------------------------------------------------------


def _seed(file: SandboxFile) -> bytes:
    return hashlib.sha256(file.file_id.encode()).digest()


def _wav(file: SandboxFile) -> bytes:
    """8-bit mono PCM: a soft tone whose pitch comes from the file id, faded in and out."""
    samples = max(file.size - 44, SAMPLE_RATE // 4)
    pitch = 220 + _seed(file)[0] * 2
    fade = SAMPLE_RATE // 20
    body = bytearray(samples)
    for i in range(samples):
        edge = min(1.0, i / fade, (samples - 1 - i) / fade)
        body[i] = 128 + int(40 * edge * math.sin(2 * math.pi * pitch * i / SAMPLE_RATE))
    header = (
        b"RIFF"
        + struct.pack("<I", 36 + samples)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, SAMPLE_RATE, SAMPLE_RATE, 1, 8)
        + b"data"
        + struct.pack("<I", samples)
    )
    return header + bytes(body)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(file: SandboxFile) -> bytes:
    """A picture of the stated size in a colour of its own, padded to the stated file size
    with a private ancillary chunk (image viewers pass over it)."""
    width, height = file.width or 64, file.height or 48
    seed = _seed(file)
    pixel = bytes((seed[0] // 2 + 64, seed[1] // 2 + 64, seed[2] // 2 + 64))
    row = b"\x00" + pixel * width
    image = zlib.compress(row * height, 9)
    head = b"\x89PNG\r\n\x1a\n" + _chunk(
        b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    )
    tail = _chunk(b"IDAT", image) + _chunk(b"IEND", b"")
    padding = file.size - len(head) - len(tail) - 12
    if padding >= 0:
        head += _chunk(b"sdBx", b"\x00" * padding)
    return head + tail


def content(file: SandboxFile) -> bytes:
    if file.kind == "voice":
        return _wav(file)
    if file.kind in ("photo", "thumbnail"):
        return _png(file)
    pattern = _seed(file)
    return (pattern * (file.size // len(pattern) + 1))[: file.size]
