"""Everything Tandem itself says (the tools' own words live in dialogues/).

Plain words, short sentences, what happened and what to do next. Keep these readable by someone
who finds reading hard, and never use staff language ("service user", "compliance"...).
Each entry is keyed by language so Welsh slots in beside English.
"""

from __future__ import annotations

CRISIS = (
    "If you feel unsafe or in crisis, call Samaritans free on 116 123, any time, day or night. "
    "In an emergency, call 999."
)

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "unknown": (
            "Hello. This is Tandem. It is used by people working with a probation team.\n\n"
            "To use it, you need a personal link from your probation officer. "
            "If you think you should have one, please ask them."
        ),
        "group_chat": "Tandem only works in a private chat. Please message me directly.",
        "invite_wrong": (
            "I don't recognise that link. Please check it, or ask your probation officer "
            "for a new one."
        ),
        "invite_used": (
            "That link has already been used. If it is yours, ask your probation officer "
            "for a new one."
        ),
        "invite_expired": "That link has run out. Please ask your probation officer for a new one.",
        "already_linked": (
            "This Telegram account is already set up with Tandem, so I didn't use that link."
        ),
        "welcome_1": (
            "Hello {name}. I'm Tandem.\n\n"
            "Between your probation appointments, I'll ask you some questions about your life. "
            "You answer in your own words, when it suits you."
        ),
        "welcome_2": (
            "Your probation officer reads your answers before your next appointment. "
            "You'll plan the next steps together.\n\n"
            "You can skip any question, and stop whenever you like."
        ),
        "welcome_3": (
            "Nobody watches this chat all the time, so it can't help in an emergency.\n\n" + CRISIS
        ),
        "consent_button": "OK, let's start",
        "consent_needed": "Before we start, please read the messages above and press the button.",
        "finished_shared": (
            "That's it for {title}. Thank you.\n\n"
            "Your probation officer will read your answers before your next appointment."
        ),
        "finished_private": (
            "That's it for {title}. Your answers are kept just for you: "
            "your probation officer won't see them."
        ),
        "welcome_back": "Welcome back, {name}.",
        "preview_menu": (
            "Script preview. Pick a script to try it as a person would. Each press starts it "
            "again from the top, with the files as they are now. Send /preview for this list."
        ),
        "menu": "What would you like to do? Pick one.",
        "menu_resume": "Carry on: {title}",
        "menu_empty": "There's nothing for you to do right now. Thank you for checking in.",
        "menu_button": "Show me the menu",
        "pick_from_menu": "To start, pick one of these.",
        "paused": (
            "OK, let's stop here. Everything you've said so far is saved.\n\n"
            "When you're ready, send any message and we'll carry on where you left off."
        ),
        "nothing_to_pause": "You're not in the middle of anything, so there's nothing to pause.",
        "resuming": "Let's carry on with {title}. Here's where you were:",
        "finished": (
            "That's it for {title}. Your answers are saved.\n\n"
            "Your probation officer will read them before your next appointment."
        ),
        "help": (
            "Here's what you can do:\n"
            "/menu - see the things you can do\n"
            "/pause - stop for now and carry on later\n"
            "/help - this message\n\n"
            "Your probation officer reads your answers. Nobody watches this chat all the time.\n\n"
            + CRISIS
        ),
        "unknown_command": "I don't know that command. Send /help to see what you can do.",
        "not_text": (
            "Thanks. I can only keep typed words for this question. "
            "Please type your answer, or use the buttons."
        ),
        "need_choice": "Please pick one of the buttons below.",
        "too_long": (
            "That's a lot to say, thank you. I can only keep {limit} characters for one answer. "
            "Could you make it a bit shorter?"
        ),
        "too_short": "Could you tell me a little more?",
        "empty": "I didn't get any words there. Please type your answer.",
        "stale_button": "That question has moved on.",
        "invalid_button": "That button doesn't work any more.",
        "stale_intro": "That button was for an earlier question. Here's where we are now:",
        "edited": (
            "I can't pick up changes to a message you've already sent, so I kept the first "
            "version. If you want to add something, just send a new message."
        ),
        "tool_missing": "Sorry, that isn't available any more. Here's what you can do now.",
        "error": (
            "Sorry, something went wrong on our side. What you sent is saved, and the team "
            "will look into it. Please try again in a little while."
        ),
        "chosen": "✔ {label}",
        "skipped": "Skipped",
    },
}


def say(key: str, lang: str = "en", **values: object) -> str:
    table = TEXTS.get(lang) or TEXTS["en"]
    text = table.get(key) or TEXTS["en"][key]
    return text.format(**values) if values else text
