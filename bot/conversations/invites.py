"""Invite codes: random, single-use, expiring, and stored only as a hash."""

from __future__ import annotations

import hashlib
import re
import secrets

# Telegram deep-link payloads allow 1-64 characters of A-Z, a-z, 0-9, _ and -.
_CODE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# A code typed or pasted as a message: the whole link (t.me/<bot>?start=<code>), or the code
# alone. Ours are 22 characters; a typed one must be at least 16 and look random, so an
# ordinary word from someone without a code still gets the welcome for strangers.
_LINK = re.compile(r"(?:https?://)?(?:www\.)?t(?:elegram)?\.me/\w+\?start=([A-Za-z0-9_-]{1,64})")
TYPED_MIN = 16


def new_code() -> str:
    # 128 random bits: far too many to guess, which is also why an unsalted hash is enough.
    return secrets.token_urlsafe(16)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def looks_like_code(text: str) -> bool:
    return bool(_CODE.match(text))


def typed_code(text: str) -> str | None:
    """The invite code in a message a person typed or pasted ("my code is …" too), if there
    is one that looks like a code."""
    for word in text.split():
        word = word.strip("\"'“”‘’<>()[].,:;!?")
        if link := _LINK.fullmatch(word):
            return link.group(1)
        if _random_looking(word):
            return word
    return None


def _random_looking(word: str) -> bool:
    """A code is random: digits, - or _, or several capitals among small letters. One long
    ordinary word ("Supercalifragilistic") is not a code."""
    if not (looks_like_code(word) and len(word) >= TYPED_MIN):
        return False
    if any(c.isdigit() or c in "-_" for c in word):
        return True
    capitals = sum(c.isupper() for c in word)
    return 2 <= capitals < len(word) - 1


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"
