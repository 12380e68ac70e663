"""The engine's own words (buttons and short lines it adds to scripts), and button tokens.

Welsh (cy) here is a careful DRAFT that still needs review by a Welsh speaker before it is shown
to people. Scripts can override the words of the sharing buttons and the list buttons.
"""

from __future__ import annotations

from typing import Final

from .texts import Text

# ---- button tokens: short (the caller packs `a:<conversation>:<turn>:<token>` in 64 bytes) ---
SKIP_TOKEN: Final = "s"  # noqa: S105 (a button token, not a password)
DECLINE_TOKEN: Final = "r"  # noqa: S105
BACK_TOKEN: Final = "b"  # noqa: S105
KEEP_TOKEN: Final = "k"  # noqa: S105
TOKEN_LIMIT: Final = 8

# Typed words that mean the same as the buttons, on questions that offer them.
SKIP_WORDS: Final = frozenset(
    {"skip", "skip this", "skip this one", "skip it", "hepgor", "hepgor hwn"}
)
DECLINE_WORDS: Final = frozenset(
    {"i'd rather not say", "id rather not say", "rather not say", "i'd rather not", "no comment"}
    | {"byddai'n well gen i beidio â dweud", "gwell gen i beidio"}
)

# ---- texts ---------------------------------------------------------------------------------
SKIP_LABEL: Final = Text({"en": "Skip this one", "cy": "Hepgor hwn"})
DECLINE_LABEL: Final = Text({"en": "I'd rather not say", "cy": "Gwell gen i beidio â dweud"})
BACK_LABEL: Final = Text({"en": "Back", "cy": "Yn ôl"})
KEEP_LABEL: Final = Text({"en": "Keep my answer", "cy": "Cadw fy ateb"})
DONE_LABEL: Final = Text({"en": "Done", "cy": "Wedi gorffen"})
TODAY_LABEL: Final = Text({"en": "Today", "cy": "Heddiw"})
YESTERDAY_LABEL: Final = Text({"en": "Yesterday", "cy": "Ddoe"})
TOMORROW_LABEL: Final = Text({"en": "Tomorrow", "cy": "Yfory"})
YES_LABEL: Final = Text({"en": "Yes", "cy": "Ie"})
NO_LABEL: Final = Text({"en": "No", "cy": "Na"})
ADD_LABEL: Final = Text({"en": "Add another", "cy": "Ychwanegu un arall"})
ENOUGH_LABEL: Final = Text({"en": "That's everyone", "cy": "Dyna bawb"})
ADD_QUESTION: Final = Text({"en": "Is there anyone else?", "cy": "Oes unrhyw un arall?"})

SKIPPED_DISPLAY: Final = Text({"en": "Skipped", "cy": "Wedi'i hepgor"})
DECLINED_DISPLAY: Final = Text({"en": "I'd rather not say", "cy": "Gwell gen i beidio â dweud"})
YOU_SAID: Final = Text({"en": "You said: {answer}", "cy": "Dywedoch chi: {answer}"})
YOU_SKIPPED: Final = Text({"en": "You skipped this one.", "cy": "Fe wnaethoch chi hepgor hwn."})
YOU_DECLINED: Final = Text(
    {
        "en": "You said you'd rather not say.",
        "cy": "Dywedoch chi y byddai'n well gennych beidio â dweud.",
    }
)
CHOSEN_MARK: Final = "✓ "

# Check your answers
SUMMARY_INTRO: Final = Text({"en": "Here are your answers.", "cy": "Dyma eich atebion."})
SUMMARY_EMPTY: Final = Text(
    {"en": "You have not answered any questions.", "cy": "Dydych chi heb ateb unrhyw gwestiynau."}
)
SHARE_QUESTION: Final = Text(
    {
        "en": "Would you like to share these answers with your probation officer? "
        "You can change an answer first.",
        "cy": "Hoffech chi rannu'r atebion hyn gyda'ch swyddog prawf? "
        "Gallwch newid ateb yn gyntaf.",
    }
)
NOTHING_ANSWERED: Final = Text(
    {"en": "You skipped every question.", "cy": "Fe wnaethoch chi hepgor pob cwestiwn."}
)
SKIPPED_LINE: Final = Text({"en": "Skipped: {questions}", "cy": "Wedi'u hepgor: {questions}"})
DECLINED_LINE: Final = Text(
    {"en": "Rather not say: {questions}", "cy": "Gwell peidio â dweud: {questions}"}
)
QUESTIONS_COUNT: Final = Text({"en": "{count} questions", "cy": "{count} cwestiwn"})
CHANGE_LABEL: Final = Text({"en": "Change an answer", "cy": "Newid ateb"})
SHARE_LABEL: Final = Text(
    {"en": "Share with my probation officer", "cy": "Rhannu gyda fy swyddog prawf"}
)
KEEP_PRIVATE_LABEL: Final = Text(
    {"en": "Keep it to myself for now", "cy": "Ei gadw i mi fy hun am nawr"}
)
WHICH_ANSWER: Final = Text(
    {"en": "Which answer would you like to change?", "cy": "Pa ateb hoffech chi ei newid?"}
)
BACK_TO_SUMMARY: Final = Text({"en": "Back to my answers", "cy": "Yn ôl at fy atebion"})

# Joining several things in a sentence: "Sam, Jo and Ali".
AND: Final = Text({"en": "and", "cy": "a"})

MONTHS: Final = {
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
    "cy": (
        "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst",
        "Medi", "Hydref", "Tachwedd", "Rhagfyr",
    ),
}  # fmt: skip

MEDIA_NAMES: Final = {
    "voice": Text({"en": "Voice note", "cy": "Neges llais"}),
    "photo": Text({"en": "Photo", "cy": "Llun"}),
    "video": Text({"en": "Video", "cy": "Fideo"}),
    "video_note": Text({"en": "Video message", "cy": "Neges fideo"}),
    "audio": Text({"en": "Sound recording", "cy": "Recordiad sain"}),
}
YOUR_MEDIA: Final = Text({"en": "your {media}", "cy": "eich {media}"})


def join_words(items: list[str], lang: str) -> str:
    """'a', 'b', 'c' -> 'a, b and c' (in the person's language)."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {AND.pick(lang)} {items[-1]}"


def said(display: str | None, declined: bool, lang: str) -> str:
    """The line that reminds a person of their earlier answer: "You said: ..."."""
    if declined:
        return YOU_DECLINED.pick(lang)
    if display is None:
        return YOU_SKIPPED.pick(lang)
    return YOU_SAID.pick(lang).replace("{answer}", display)
