"""The python-telegram-bot Bot Tandem talks through, and what it registers with Telegram."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot.config import Settings

log = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("menu", "See the things you can do"),
    BotCommand("pause", "Stop for now, carry on later"),
    BotCommand("back", "Go back to the last question"),
    BotCommand("next", "When is my next appointment?"),
    BotCommand("stop_reminders", "Stop reminders"),
    BotCommand("start_reminders", "Turn reminders back on"),
    BotCommand("language", "English or Cymraeg"),
    BotCommand("safety", "My safety plan"),
    BotCommand("privacy", "Who sees what I write"),
    BotCommand("help", "How Tandem works, and who to call"),
]
# Shown to people whose Telegram app is in Welsh (draft, for review by a Welsh speaker).
COMMANDS_CY = [
    BotCommand("menu", "Gweld y pethau y gallwch chi eu gwneud"),
    BotCommand("pause", "Stopio am nawr, parhau wedyn"),
    BotCommand("back", "Mynd yn ôl i'r cwestiwn diwethaf"),
    BotCommand("next", "Pryd mae fy apwyntiad nesaf?"),
    BotCommand("stop_reminders", "Stopio nodiadau atgoffa"),
    BotCommand("start_reminders", "Troi nodiadau atgoffa ymlaen eto"),
    BotCommand("language", "Cymraeg neu English"),
    BotCommand("safety", "Fy nghynllun diogelwch"),
    BotCommand("privacy", "Pwy sy'n gweld beth rydw i'n ei ysgrifennu"),
    BotCommand("help", "Sut mae Tandem yn gweithio, a phwy i'w ffonio"),
]

# Telegram's "What can this bot do?" panel (before START) and the short text on the bot's
# profile and in shares: what Tandem is, that a link from the probation officer is needed, and
# that nobody watches the chat. Limits: 512 and 120 characters.
DESCRIPTION = {
    "en": (
        "Tandem is for people working with a probation team. Between appointments, it asks "
        "you about your life, and you answer in your own words. You choose what your "
        "probation officer sees.\n\n"
        "To start, you need a personal link from your probation officer.\n\n"
        "Nobody watches this chat all the time. In an emergency, call 999. Samaritans are "
        "there any time on 116 123, free."
    ),
    # Draft, for review by a Welsh speaker.
    "cy": (
        "Mae Tandem ar gyfer pobl sy'n gweithio gyda thîm prawf. Rhwng apwyntiadau, mae'n "
        "gofyn i chi am eich bywyd, ac rydych chi'n ateb yn eich geiriau eich hun. Chi sy'n "
        "dewis beth mae eich swyddog prawf yn ei weld.\n\n"
        "I ddechrau, mae angen dolen bersonol arnoch chi gan eich swyddog prawf.\n\n"
        "Does neb yn gwylio'r sgwrs hon drwy'r amser. Mewn argyfwng, ffoniwch 999. Mae'r "
        "Samariaid yno unrhyw bryd ar 116 123, am ddim."
    ),
}
SHORT_DESCRIPTION = {
    "en": "Between probation appointments: questions about your life, in your own words.",
    "cy": "Rhwng apwyntiadau prawf: cwestiynau am eich bywyd, yn eich geiriau eich hun.",
}


async def describe(bot: Bot) -> None:
    """Set the bot's description and short description, in English (the default) and Welsh
    (people whose Telegram app is in Welsh). Only what differs is set: Telegram limits how often
    a bot's profile changes, and a refusal here must not stop Tandem starting."""
    for lang in ("en", "cy"):
        code = None if lang == "en" else lang
        try:
            current = await bot.get_my_description(language_code=code)
            if current.description != DESCRIPTION[lang]:
                await bot.set_my_description(DESCRIPTION[lang], language_code=code)
            short = await bot.get_my_short_description(language_code=code)
            if short.short_description != SHORT_DESCRIPTION[lang]:
                await bot.set_my_short_description(SHORT_DESCRIPTION[lang], language_code=code)
        except TelegramError as exc:
            log.warning("could not set the bot's description (%s): %s", lang, type(exc).__name__)


def file_api_url(api_url: str) -> str:
    """Telegram serves files at <root>/file/bot<token>, beside the Bot API at <root>/bot<token>."""
    root, _, _ = api_url.rstrip("/").rpartition("/bot")
    return f"{root}/file/bot" if root else api_url.rstrip("/") + "/file/bot"


def make_bot(settings: Settings) -> Bot:
    token = settings.require_token()
    return Bot(
        token,
        base_url=settings.telegram_api_url,
        # Files (voice notes played in the review app) come from beside the API, wherever it
        # is; left to its default, a bot pointed at a stand-in would fetch from Telegram.
        base_file_url=file_api_url(settings.telegram_api_url),
        # The default pool of one connection would serialise the outbox's concurrent sends.
        request=HTTPXRequest(connection_pool_size=64, read_timeout=10, write_timeout=10),
        get_updates_request=HTTPXRequest(
            connection_pool_size=2, read_timeout=settings.poll_timeout + 10
        ),
    )
