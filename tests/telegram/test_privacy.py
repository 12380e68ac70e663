"""What a person is told about their privacy, before they write anything and whenever they ask
(/privacy), in English and Welsh and in plain words; the Welsh welcome after switching
language; joining by typing the invite code; and the bot's own description on Telegram."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.conversations.privacy import privacy_text
from bot.conversations.texts import PASSED_ON, PASSED_ON_CY, say
from bot.engine import readability
from bot.engine.checker import DEFAULT_READING_GRADE
from bot.telegram.client import DESCRIPTION, SHORT_DESCRIPTION
from storage.models import Organisation, ServiceUser
from tests.support.tandem import Harness

ALWAYS = {"en": PASSED_ON, "cy": PASSED_ON_CY}
# What /privacy must cover (issue 11), by the heading each part has, in each language.
PARTS = {
    "en": (
        "What is kept:",
        "Who reads it:",
        "What is always passed on:",
        "Your order or licence:",
        "How long it is kept:",
        "How to stop or leave:",
    ),
    "cy": (
        "Beth sy'n cael ei gadw:",
        "Pwy sy'n ei ddarllen:",
        "Beth sydd bob amser yn cael ei rannu:",
        "Eich gorchymyn neu'ch trwydded:",
        "Am ba hyd mae'n cael ei gadw:",
        "Sut i stopio neu adael:",
    ),
}
MANAGER = {"en": "Their manager can see them too.", "cy": "Gall eu rheolwr eu gweld hefyd."}


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_privacy_says_every_part_and_what_is_always_passed_on(lang: str) -> None:
    text = privacy_text(lang)
    for part in PARTS[lang]:
        assert part in text, part
    assert ALWAYS[lang] in text
    assert MANAGER[lang] in text
    assert say("privacy_order", lang) in text
    assert "/menu" in text and "/pause" in text and "/stop_reminders" in text
    # The first contact says the same about what is always passed on, and points here.
    welcome = say("welcome_2", lang, privacy_button=say("privacy_button", lang))
    assert ALWAYS[lang] in welcome and "/privacy" in welcome
    assert say("privacy_button", lang) in welcome


# Plain words: each part of what people read about their privacy, on its own, and the whole.
PLAIN = {
    "privacy": privacy_text("en"),
    "privacy_order": say("privacy_order"),
    "welcome_2": say("welcome_2", privacy_button=say("privacy_button")),
    "finished_private": say("finished_private", title="it", kept_button=say("kept_button")),
    "kept_list": say("kept_list"),
    "kept_shared": say("kept_shared", title="it"),
    "kept_still": say("kept_still"),
    "unknown": say("unknown"),
    "description": DESCRIPTION["en"],
    "short_description": SHORT_DESCRIPTION["en"],
}


@pytest.mark.parametrize("key", list(PLAIN))
def test_what_people_read_about_privacy_is_plain(key: str) -> None:
    graded = readability.grade(PLAIN[key])
    assert graded is None or graded.grade <= DEFAULT_READING_GRADE, (key, graded)
    if key == "privacy":
        for paragraph in PLAIN[key].split("\n\n"):
            part = readability.grade(paragraph)
            assert part is None or part.grade <= DEFAULT_READING_GRADE, (paragraph, part)


def test_the_bot_description_fits_telegrams_limits() -> None:
    for lang in ("en", "cy"):
        assert 0 < len(DESCRIPTION[lang]) <= 512
        assert 0 < len(SHORT_DESCRIPTION[lang]) <= 120


async def test_privacy_in_english_then_welsh(tandem: Harness) -> None:
    chat, _ = await tandem.joined_chat("Bo")
    await chat.send("/privacy")
    english = await chat.wait_for("What is kept:")
    assert english.text == privacy_text("en")
    assert "Your probation officer reads what you share. They must act on risks" in english.text
    await chat.send("/language")
    await chat.wait_for(lambda m: "Cymraeg" in m.labels)
    await chat.click("Cymraeg")
    await chat.wait_for("Beth hoffech chi ei wneud?")
    await chat.send("/privacy")
    welsh = await chat.wait_for("Beth sy'n cael ei gadw:")
    assert welsh.text == privacy_text("cy")
    assert PASSED_ON_CY in welsh.text


async def test_privacy_gives_the_organisations_own_words(tandem: Harness) -> None:
    chat, person_id = await tandem.joined_chat("Cai")
    own_en = "Your officer reads what you share. Breaking your licence can mean a warning."
    own_cy = "Mae eich swyddog yn darllen beth rydych chi'n ei rannu."
    async with tandem.db.transaction() as session:
        person = await session.get(ServiceUser, person_id)
        assert person is not None
        org = await session.get(Organisation, person.organisation_id)
        assert org is not None
        org.order_text_en, org.order_text_cy = own_en, own_cy
        session.add(org)
    await chat.send("/privacy")
    english = await chat.wait_for("What is kept:")
    assert f"Your order or licence:\n{own_en}\n" in english.text
    assert say("privacy_order") not in english.text
    await chat.send("/language")
    await chat.wait_for(lambda m: "Cymraeg" in m.labels)
    await chat.click("Cymraeg")
    await chat.wait_for("Beth hoffech chi ei wneud?")
    await chat.send("/privacy")
    welsh = await chat.wait_for("Beth sy'n cael ei gadw:")
    assert f"Eich gorchymyn neu'ch trwydded:\n{own_cy}\n" in welsh.text


async def test_first_contact_is_short_and_its_button_shows_the_detail(tandem: Harness) -> None:
    invitation = await tandem.invite("Dee Example")
    chat = await tandem.chat("Dee")
    await chat.start(invitation.code)
    prompt = await chat.wait_for(lambda m: "OK, let's start" in m.labels)
    assert prompt.labels == ["OK, let's start", "What happens to what I write"]
    first_contact = await chat.bot_messages()
    assert len(first_contact) == 3
    said = "\n".join(m.text or "" for m in first_contact)
    assert PASSED_ON in said and "/privacy" in said and "Their manager" in said
    assert "What is kept:" not in said  # the detail is one tap away, not in the welcome
    await chat.click("What happens to what I write")
    detail = await chat.wait_for("What is kept:")
    assert detail.text == privacy_text("en")
    again = await chat.wait_for(lambda m: "OK, let's start" in m.labels and m.id > detail.id)
    await chat.click("OK, let's start", message_id=again.id)
    await chat.wait_for("What would you like to do?")


async def test_switching_to_welsh_at_first_contact_says_it_all_again_in_welsh(
    tandem: Harness,
) -> None:
    invitation = await tandem.invite("Dafydd Example")
    chat = await tandem.chat("Dafydd")
    await chat.start(invitation.code)
    await chat.wait_for(lambda m: "OK, let's start" in m.labels)
    await chat.send("/language")
    await chat.wait_for(lambda m: "Cymraeg" in m.labels)
    await chat.click("Cymraeg")
    hello = await chat.wait_for("Helo Dafydd. Tandem ydw i.")
    who = await chat.wait_for(lambda m: PASSED_ON_CY in m.text and m.id > hello.id)
    assert "Chi sy'n dewis beth mae eich swyddog prawf yn ei weld" in who.text
    prompt = await chat.wait_for(
        lambda m: "Iawn, gadewch i ni ddechrau" in m.labels and m.id > who.id
    )
    assert "Does neb yn gwylio'r sgwrs hon" in prompt.text
    assert prompt.labels == [
        "Iawn, gadewch i ni ddechrau",
        "Beth sy'n digwydd i'r hyn rydw i'n ei ysgrifennu",
    ]
    await chat.click("Iawn, gadewch i ni ddechrau", message_id=prompt.id)
    await chat.wait_for("Beth hoffech chi ei wneud?")


async def _linked(tandem: Harness, person_id: int) -> ServiceUser:
    async with tandem.db.transaction() as session:
        person = (await session.exec(select(ServiceUser).where(ServiceUser.id == person_id))).one()
    return person


async def test_the_invite_code_typed_as_a_message_links_the_person(tandem: Harness) -> None:
    invitation = await tandem.invite("Eli Example")
    chat = await tandem.chat("Eli")
    await chat.send("hello")
    await chat.wait_for("If you have a code from them, you can type it here.")
    await chat.send("my code is Xy7-not-the-real-one-at-all")
    await chat.wait_for("I don't recognise that code")
    await chat.send(f" {invitation.code} ")
    await chat.wait_for("Hello Eli. I'm Tandem")
    await chat.wait_for(lambda m: "OK, let's start" in m.labels)
    person = await _linked(tandem, invitation.person_id)
    assert person.telegram_user_id == chat.user_id and person.linked_at is not None


async def test_the_whole_link_pasted_as_a_message_links_the_person(tandem: Harness) -> None:
    invitation = await tandem.invite("Fox Example")
    chat = await tandem.chat("Fox")
    await chat.send(invitation.link)
    await chat.wait_for("Hello Fox. I'm Tandem")
    person = await _linked(tandem, invitation.person_id)
    assert person.telegram_user_id == chat.user_id


async def test_the_bot_describes_itself_in_english_and_welsh(tandem: Harness) -> None:
    """Set at start-up; read back from the sandbox, as Telegram's "What can this bot do?"
    panel and the bot's profile would show them."""
    bot = tandem.running.bot
    assert (await bot.get_my_description()).description == DESCRIPTION["en"]
    assert (await bot.get_my_description(language_code="cy")).description == DESCRIPTION["cy"]
    assert (await bot.get_my_short_description()).short_description == SHORT_DESCRIPTION["en"]
    welsh = await bot.get_my_short_description(language_code="cy")
    assert welsh.short_description == SHORT_DESCRIPTION["cy"]
    stored = tandem.sandbox.state.bots[bot.id].settings
    assert stored[("description", "")] == DESCRIPTION["en"]
    assert stored[("short_description", "cy")] == SHORT_DESCRIPTION["cy"]
    # The sandbox's chat page shows it before START, in the person's own language.
    for lang in ("en", "cy"):
        chat = await tandem.chat("Gwyn", language_code=lang)
        shown = await tandem.client.request("GET", f"/chats/{chat.user_id}")
        assert shown["description"] == DESCRIPTION[lang]


async def test_the_description_is_set_only_when_it_differs(sandbox, tmp_path) -> None:
    """Telegram limits how often a bot's profile changes: a restart with the same words sets
    nothing again."""
    from tests.support.tandem import new_token, running_tandem

    token = new_token()
    async with running_tandem(sandbox, tmp_path, telegram_token=token) as first:
        first_calls = [c["method"] for c in await first.client.calls()]
    async with running_tandem(sandbox, tmp_path, telegram_token=token) as again:
        calls = [c["method"] for c in await again.client.calls()]
    assert first_calls.count("setMyDescription") == 2
    assert first_calls.count("setMyShortDescription") == 2
    restarted = calls[len(first_calls) :]
    assert restarted.count("getMyDescription") == 2
    assert "setMyDescription" not in restarted and "setMyShortDescription" not in restarted
