"""Realistic payloads for the non-text messages a person can send.

Testers use them to check that a bot copes with input it did not ask for; the shapes follow
the Bot API objects (file ids, sizes, durations) so python-telegram-bot parses them.
"""

from __future__ import annotations

import base64
import random
import secrets
from typing import Any

KINDS = (
    "sticker",
    "photo",
    "voice",
    "video",
    "video_note",
    "audio",
    "document",
    "animation",
    "location",
    "contact",
    "poll",
    "dice",
)

# What a chat list shows for each kind, as Telegram's own previews do.
SUMMARIES = {
    "sticker": "👍 Sticker",
    "photo": "🖼 Photo",
    "voice": "🎤 Voice message",
    "video": "📹 Video",
    "video_note": "⏺ Video message",
    "audio": "🎵 Audio",
    "document": "📄 Document",
    "animation": "GIF",
    "location": "📍 Location",
    "contact": "👤 Contact",
    "poll": "📊 Poll",
    "dice": "🎲 Dice",
}

CAPTIONED = {"photo", "video", "audio", "document", "animation", "voice"}


def _file(prefix: str, size: int) -> dict[str, Any]:
    # Real ids are long url-safe base64 strings; the prefix keeps them readable in logs.
    raw = secrets.token_bytes(30)
    return {
        "file_id": prefix + base64.urlsafe_b64encode(raw).decode().rstrip("="),
        "file_unique_id": "AQAD" + base64.urlsafe_b64encode(raw[:9]).decode().rstrip("="),
        "file_size": size,
    }


def _photo_sizes() -> list[dict[str, Any]]:
    sizes = [(90, 67, 1_300), (320, 240, 18_500), (800, 600, 71_200), (1280, 960, 148_000)]
    return [_file("AgACAgIAAxkBAAI", size) | {"width": w, "height": h} for w, h, size in sizes]


def payload(kind: str, *, user: dict[str, Any], caption: str | None = None) -> dict[str, Any]:
    """The message fields for `kind` (to merge into a Message object)."""
    fields: dict[str, Any]
    if kind == "sticker":
        fields = {
            "sticker": _file("CAACAgIAAxkBAAI", 23_456)
            | {
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "👍",
                "set_name": "HotCherry",
                "thumbnail": _file("AAMCAgADGQEAAI", 5_120) | {"width": 128, "height": 128},
            }
        }
    elif kind == "photo":
        fields = {"photo": _photo_sizes()}
    elif kind == "voice":
        fields = {
            "voice": _file("AwACAgIAAxkBAAI", 9_876)
            | {"duration": random.randint(2, 40), "mime_type": "audio/ogg"}
        }
    elif kind == "video":
        fields = {
            "video": _file("BAACAgIAAxkBAAI", 1_234_567)
            | {
                "width": 1280,
                "height": 720,
                "duration": random.randint(3, 60),
                "mime_type": "video/mp4",
                "file_name": "video.mp4",
                "thumbnail": _file("AAMCAgADGQEAAI", 8_000) | {"width": 320, "height": 180},
            }
        }
    elif kind == "video_note":
        fields = {
            "video_note": _file("DQACAgIAAxkBAAI", 456_789)
            | {"length": 384, "duration": random.randint(2, 30)}
        }
    elif kind == "audio":
        fields = {
            "audio": _file("CQACAgIAAxkBAAI", 3_456_789)
            | {
                "duration": 185,
                "performer": "Unknown artist",
                "title": "Track 1",
                "file_name": "track1.mp3",
                "mime_type": "audio/mpeg",
            }
        }
    elif kind == "document":
        fields = {
            "document": _file("BQACAgIAAxkBAAI", 52_341)
            | {"file_name": "letter.pdf", "mime_type": "application/pdf"}
        }
    elif kind == "animation":
        animation = _file("CgACAgIAAxkBAAI", 345_678) | {
            "width": 480,
            "height": 270,
            "duration": 3,
            "file_name": "funny.mp4",
            "mime_type": "video/mp4",
        }
        # Telegram sends an animation in both fields, for old clients.
        document = {k: v for k, v in animation.items() if k not in {"width", "height", "duration"}}
        fields = {"animation": animation, "document": document}
    elif kind == "location":
        fields = {"location": {"latitude": 51.507351, "longitude": -0.127758}}
    elif kind == "contact":
        fields = {
            "contact": {
                "phone_number": "447700900123",
                "first_name": user.get("first_name", "Alex"),
                "user_id": user["id"],
            }
        }
    elif kind == "poll":
        fields = {
            "poll": {
                "id": str(random.randint(10**17, 10**18)),
                "question": "Which day suits you?",
                "options": [
                    {"text": "Monday", "voter_count": 0, "persistent_id": "0"},
                    {"text": "Friday", "voter_count": 0, "persistent_id": "1"},
                ],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,  # required since Bot API 9.6
                "members_only": False,  # required since Bot API 10.0
            }
        }
    elif kind == "dice":
        fields = {"dice": {"emoji": "🎲", "value": random.randint(1, 6)}}
    else:
        raise ValueError(f"unknown kind {kind!r}")
    if caption and kind in CAPTIONED:
        fields["caption"] = caption
    return fields
