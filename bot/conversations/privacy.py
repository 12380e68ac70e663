"""What Tandem tells a person about their privacy (/privacy, and the button at first contact):
what is kept, who reads it, what is always passed on, what it can mean for their order or
licence, how long it is kept, and how to stop and leave.

The part about the order or licence is the organisation's own text, set by an administrator in
the review app (bot/review/admin.py); until it is set, Tandem says the honest default
(`privacy_order` in texts.py).
"""

from __future__ import annotations

from bot.conversations.texts import say
from bot.conversations.turn import Turn
from storage.people import order_texts


def order_words(english: str | None, welsh: str | None, lang: str) -> str:
    """The organisation's words in the person's language. A Welsh reader whose organisation
    wrote only English gets its English: its own words, rather than a default that may say
    something else."""
    own = (welsh or english) if lang == "cy" else english
    own = (own or "").strip()
    return own or say("privacy_order", lang)


def privacy_text(lang: str, english: str | None = None, welsh: str | None = None) -> str:
    return say("privacy", lang, order=order_words(english, welsh, lang))


async def send_privacy(t: Turn) -> None:
    english, welsh = (
        await order_texts(t.session, t.person.organisation_id) if t.person else (None, None)
    )
    t.send_text(privacy_text(t.lang, english, welsh))
