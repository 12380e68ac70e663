"""English and Welsh: the person picks with /language; a Welsh phone starts in Welsh."""

from __future__ import annotations

from bot.conversations.texts import TEXTS
from tests.support.tandem import Harness

STAFF_ONLY = {"preview_menu"}


def test_every_text_a_person_sees_has_welsh() -> None:
    assert set(TEXTS["en"]) - set(TEXTS["cy"]) == STAFF_ONLY
    for key, english in TEXTS["en"].items():
        if key in TEXTS["cy"]:
            # Same placeholders, so a Welsh text never fails to format.
            assert sorted(_fields(english)) == sorted(_fields(TEXTS["cy"][key])), key


def _fields(text: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


async def test_language_command_switches_everything_after_it(tandem: Harness) -> None:
    chat, _ = await tandem.joined_chat("Dai")
    await chat.send("/language")
    await chat.wait_for(lambda m: "Cymraeg" in m.labels)
    await chat.click("Cymraeg")
    await chat.wait_for("bydda i'n defnyddio Cymraeg")
    await chat.wait_for("Beth hoffech chi ei wneud?")
    await chat.send("/help")
    await chat.wait_for("Samariaid")
    await chat.send("/language")
    await chat.wait_for(lambda m: "English" in m.labels)
    await chat.click("English")
    await chat.wait_for("I'll use English")


async def test_welsh_phone_gets_welsh_from_the_first_message(tandem: Harness) -> None:
    invitation = await tandem.invite("Nia Example")
    chat = await tandem.chat("Nia", language_code="cy")
    await chat.start(invitation.code)
    await chat.wait_for("Helo Nia. Tandem ydw i.")
    await chat.wait_for(lambda m: "Iawn, gadewch i ni ddechrau" in m.labels)
    # Before agreeing, they can still switch.
    await chat.send("/language")
    await chat.wait_for(lambda m: "English" in m.labels)
    await chat.click("English")
    await chat.wait_for(lambda m: "OK, let's start" in m.labels)
    stranger = await tandem.chat("Gwen", language_code="cy")
    await stranger.send("helo")
    await stranger.wait_for("mae angen dolen bersonol arnoch chi")
