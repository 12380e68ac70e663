"""Invite codes: random, single-use, expiring, and stored only as a hash."""

from __future__ import annotations

import hashlib
import re
import secrets

# Telegram deep-link payloads allow 1-64 characters of A-Z, a-z, 0-9, _ and -.
_CODE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def new_code() -> str:
    # 128 random bits: far too many to guess, which is also why an unsalted hash is enough.
    return secrets.token_urlsafe(16)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def looks_like_code(text: str) -> bool:
    return bool(_CODE.match(text))


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"
