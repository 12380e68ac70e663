"""Voice notes and photos: played in the page from /people/{id}/media/{answer_id}, fetched
through the bot (never showing its token), only from shared conversations of people in view,
every play audited; and the bot's fetcher against the sandbox's getFile and file downloads."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from sqlmodel import col, select
from telegram import Bot

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import SandboxServer
from bot.telegram.client import file_api_url
from bot.telegram.media import MediaUnavailable, media_fetcher, sniff
from storage.models import Answer, AuditEvent, Conversation, ServiceUser
from tests.support.review import ReviewHarness
from tests.support.tandem import new_token

TOKEN = "123456:secret-bot-token-never-shown"
OGG = b"OggS\x00\x02" + bytes(range(40))
_user_ids = itertools.count(4_100_000)


class FakeTelegram:
    """Stands in for the bot: what it was asked for, and what it answers."""

    def __init__(self, data: bytes = OGG, content_type: str = "audio/ogg") -> None:
        self.asked: list[str] = []
        self.data = data
        self.content_type = content_type
        self.down = False

    async def __call__(self, file_id: str) -> tuple[bytes, str]:
        self.asked.append(file_id)
        if self.down:
            raise MediaUnavailable(f"https://api.telegram.org/file/bot{TOKEN}/voice/x.oga")
        return self.data, self.content_type


async def media_answer(
    review: ReviewHarness, person: ServiceUser, value: Any, *, sharing: str = "shared"
) -> Answer:
    """A shared conversation holding a voice note (or any value) as one of its answers."""
    conv = await review.conversation(
        person, "aspirations", {"five_years": "A garage"}, sharing=sharing
    )
    async with review.db.transaction() as session:
        answer = Answer(
            conversation_id=conv.id or 0,
            service_user_id=person.id or 0,
            script_version_id=conv.script_version_id,
            step_id="voice",
            question="Send a voice note about <your> week",
            value=value,
            display="Voice message (0:12)" if isinstance(value, dict) else str(value),
            answered_at=review.clock(),
        )
        session.add(answer)
    return answer


def voice(file_id: str = "AwACAgIAAxkBAAI-voice") -> dict[str, Any]:
    return {"media": "voice", "file_id": file_id, "file_unique_id": "AQADu", "duration": 12}


async def test_a_voice_note_plays_in_the_page(review: ReviewHarness) -> None:
    telegram = FakeTelegram()
    review.config.fetch_media = telegram
    sam = await review.staff()
    alex = await review.person(sam)
    answer = await media_answer(review, alex, voice())
    src = f"/people/{alex.id}/media/{answer.id}"
    async with review.signed_in(sam) as web:
        page = await web.get(f"/people/{alex.id}")
        assert f'<audio class="tandem-audio" controls preload="none" src="{src}">' in page.text
        assert "Send a voice note about &lt;your&gt; week" in page.text
        played = await web.get(src)
    assert played.status_code == 200
    assert played.content == OGG and played.headers["content-type"] == "audio/ogg"
    assert played.headers["cache-control"] == "no-store"
    assert telegram.asked == ["AwACAgIAAxkBAAI-voice"]
    async with review.db.transaction() as session:
        plays = list(
            (
                await session.exec(
                    select(AuditEvent.detail).where(AuditEvent.action == "play_media")
                )
            ).all()
        )
    assert plays == [{"answer_id": answer.id, "conversation_id": answer.conversation_id}]


async def test_a_photo_is_shown(review: ReviewHarness) -> None:
    review.config.fetch_media = FakeTelegram(b"\x89PNG\r\n\x1a\n....", "image/png")
    sam = await review.staff()
    alex = await review.person(sam, name="Alex")
    answer = await media_answer(
        review, alex, {"media": "photo", "file_id": "AgAC-photo", "file_unique_id": "AQAD"}
    )
    src = f"/people/{alex.id}/media/{answer.id}"
    async with review.signed_in(sam) as web:
        page = await web.get(f"/people/{alex.id}")
        assert f'<img class="tandem-photo" src="{src}" loading="lazy" alt="A photo Alex sent">' in (
            page.text
        )
        shown = await web.get(src)
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/png"


async def test_only_what_may_be_played_is_played(review: ReviewHarness) -> None:
    telegram = FakeTelegram()
    review.config.fetch_media = telegram
    sam = await review.staff()
    alex = await review.person(sam)
    other = await review.person(sam)
    private = await media_answer(review, alex, voice("private"), sharing="private")
    words = await media_answer(review, alex, "Just words")
    theirs = await media_answer(review, other, voice("theirs"))
    mine = await media_answer(review, alex, voice("mine"))
    colleague = await review.staff()
    elsewhere = await review.staff("senior", org="Women's Centre")
    admin = await review.staff("admin")
    async with review.signed_in(sam) as web:
        for answer in (private, words, theirs):
            assert (await web.get(f"/people/{alex.id}/media/{answer.id}")).status_code == 404
        assert (await web.get(f"/people/{alex.id}/media/999999")).status_code == 404
    for staff in (colleague, elsewhere, admin):
        async with review.signed_in(staff) as web:
            page = await web.get(f"/people/{alex.id}/media/{mine.id}")
            assert page.status_code in (403, 404) and page.content != OGG
    assert telegram.asked == []
    async with review.db.transaction() as session:
        assert not (
            await session.exec(select(AuditEvent).where(AuditEvent.action == "play_media"))
        ).all()


async def test_telegram_out_of_reach_is_a_kind_page(review: ReviewHarness) -> None:
    telegram = FakeTelegram()
    telegram.down = True
    review.config.fetch_media = telegram
    sam = await review.staff()
    alex = await review.person(sam)
    answer = await media_answer(review, alex, voice())
    async with review.signed_in(sam) as web:
        down = await web.get(f"/people/{alex.id}/media/{answer.id}")
        review.config.fetch_media = None
        unset = await web.get(f"/people/{alex.id}/media/{answer.id}")
    for page in (down, unset):
        assert page.status_code == 503
        assert "The voice note cannot be opened just now" in page.text
        assert "Try again in a few minutes" in page.text
        assert TOKEN not in page.text and "api.telegram.org" not in page.text


async def test_a_file_of_an_unexpected_type_is_only_downloaded(review: ReviewHarness) -> None:
    review.config.fetch_media = FakeTelegram(b"<svg onload=alert(1)>", "image/svg+xml")
    sam = await review.staff()
    alex = await review.person(sam)
    answer = await media_answer(review, alex, voice())
    async with review.signed_in(sam) as web:
        page = await web.get(f"/people/{alex.id}/media/{answer.id}")
    assert page.headers["content-type"] == "application/octet-stream"
    assert page.headers["content-disposition"] == "attachment"


# -- the bot's side: getFile and the download, against the sandbox ---------------------------


def test_sniffing_names_what_the_bytes_are() -> None:
    assert sniff(b"OggS....") == "audio/ogg"
    assert sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") == "audio/wav"
    assert sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff(b"<svg>", "photos/x.svg") == "image/svg+xml"
    assert sniff(b"???") == "application/octet-stream"


async def _sent(sandbox: SandboxServer, kind: str) -> tuple[Bot, Any]:
    """A bot, and the message a person sent it (as the bot received it)."""
    bot = Bot(new_token(), base_url=sandbox.api_url, base_file_url=file_api_url(sandbox.api_url))
    await bot.initialize()
    client = SandboxClient(sandbox.url, bot_id=bot.id)
    chat = await client.chat("Kai", user_id=next(_user_ids))
    await chat.send_kind(kind)
    await client.aclose()
    updates = await bot.get_updates(timeout=5)
    return bot, updates[-1].message


async def test_a_voice_note_fetched_through_the_bot(sandbox: SandboxServer) -> None:
    bot, message = await _sent(sandbox, "voice")
    try:
        assert bot.base_file_url == f"{sandbox.url}/file/bot{bot.token}"
        data, content_type = await media_fetcher(bot)(message.voice.file_id)
        assert content_type == "audio/wav"
        assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
        assert len(data) == message.voice.file_size
        again, _ = await media_fetcher(bot)(message.voice.file_id)
        assert again == data  # the same bytes every time
        with pytest.raises(MediaUnavailable, match="too large"):
            await media_fetcher(bot, max_bytes=100)(message.voice.file_id)
        with pytest.raises(MediaUnavailable) as unknown:
            await media_fetcher(bot)("AwACAgIAAxkBAAI-made-up")
        assert bot.token not in str(unknown.value)
    finally:
        await bot.shutdown()


async def test_a_photo_fetched_through_the_bot(sandbox: SandboxServer) -> None:
    bot, message = await _sent(sandbox, "photo")
    try:
        biggest = message.photo[-1]
        data, content_type = await media_fetcher(bot)(biggest.file_id)
        assert content_type == "image/png" and len(data) == biggest.file_size
        assert data[16:24] == biggest.width.to_bytes(4, "big") + biggest.height.to_bytes(4, "big")
    finally:
        await bot.shutdown()


async def test_files_are_only_for_the_bot_they_were_sent_to(sandbox: SandboxServer) -> None:
    import httpx

    bot, message = await _sent(sandbox, "voice")
    stranger = Bot(new_token(), base_url=sandbox.api_url)
    try:
        await stranger.initialize()
        with pytest.raises(MediaUnavailable):
            await media_fetcher(stranger)(message.voice.file_id)
        found = await bot.get_file(message.voice.file_id)
        path = found.file_path.rsplit("/file/bot", 1)[-1].split("/", 1)[1]
        async with httpx.AsyncClient() as http:
            good = await http.get(f"{sandbox.url}/file/bot{bot.token}/{path}")
            wrong = await http.get(f"{sandbox.url}/file/bot{stranger.token}/{path}")
            nothing = await http.get(f"{sandbox.url}/file/bot{bot.token}/voice/nothing.wav")
        assert good.status_code == 200 and good.headers["content-type"] == "audio/wav"
        assert wrong.status_code == 404 and nothing.status_code == 404
    finally:
        await stranger.shutdown()
        await bot.shutdown()


async def test_conversations_of_a_person_are_not_touched(review: ReviewHarness) -> None:
    """Playing is reading: nothing about the conversation changes."""
    review.config.fetch_media = FakeTelegram()
    sam = await review.staff()
    alex = await review.person(sam)
    answer = await media_answer(review, alex, voice())
    async with review.signed_in(sam) as web:
        await web.get(f"/people/{alex.id}/media/{answer.id}")
    async with review.db.transaction() as session:
        conv = await session.get(Conversation, answer.conversation_id)
        kept = (await session.exec(select(Answer).where(col(Answer.id) == answer.id))).one()
    assert conv is not None and conv.reviewed_at is None
    assert kept.value == voice()
