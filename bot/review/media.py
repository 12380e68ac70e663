"""Voice notes and photos in the page: /people/{id}/media/{answer_id} plays the answer's file,
and /people/{id}/flags/{flag_id}/media (or .../messages/{message_id}/media) the voice note or
photo a flagged message came with.

Tandem keeps only Telegram's file id; the bytes are fetched through the bot
(`ReviewConfig.fetch_media`, see bot/telegram/media.py) each time, so nothing a person sent is
copied to this server's disk, and the bot's token never reaches the page. Only an answer of a
shared conversation of a person this member of staff may see is served (or the media of one
of that person's flags: flagged messages are always passed on); every play is audited.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import select

from bot.review.access import NotFound, audited, person_for, staff_of
from bot.review.web import config, render
from storage.escalations import flag_message_for
from storage.flags import flag_for
from storage.models import Answer, Conversation

log = logging.getLogger(__name__)
router = APIRouter()

# What the page may show or play as it is; anything else is only offered as a download.
PLAYABLE = ("audio/", "video/", "image/jpeg", "image/png", "image/gif", "image/webp")
NAMES = {
    "voice": "voice note",
    "audio": "voice note",
    "photo": "photo",
    "video": "video",
    "video_note": "video",
}


@router.get("/people/{person_id:int}/media/{answer_id:int}")
async def play_media(request: Request, person_id: int, answer_id: int) -> Response:
    cfg = config(request)
    staff = staff_of(request)
    async with cfg.db.transaction() as session:
        await person_for(session, staff, person_id)
        found = (
            await session.exec(
                select(Answer.value, Answer.conversation_id)
                .join(Conversation, Conversation.id == Answer.conversation_id)  # type: ignore[arg-type]
                .where(
                    Answer.id == answer_id,
                    Answer.service_user_id == person_id,
                    Conversation.service_user_id == person_id,
                    Conversation.sharing == "shared",
                )
            )
        ).first()
        value = found[0] if found else None
        if not isinstance(value, dict) or not isinstance(value.get("file_id"), str):
            raise NotFound()
        audited(
            session,
            staff,
            "play_media",
            person_id,
            answer_id=answer_id,
            conversation_id=found[1] if found else None,
        )
    name = NAMES.get(str(value.get("media")), "file")
    return await _serve(request, value["file_id"], name)


@router.get("/people/{person_id:int}/flags/{flag_id:int}/media")
async def play_flag_media(request: Request, person_id: int, flag_id: int) -> Response:
    """The voice note or photo whose caption raised the flag."""
    cfg = config(request)
    staff = staff_of(request)
    async with cfg.db.transaction() as session:
        await person_for(session, staff, person_id)
        flag = await flag_for(session, person_id, flag_id)
        if flag is None or not flag.file_id:
            raise NotFound()
        file_id, kind = flag.file_id, flag.media_kind
        audited(session, staff, "play_media", person_id, flag_id=flag_id)
    return await _serve(request, file_id, NAMES.get(kind or "", "file"))


@router.get("/people/{person_id:int}/flags/{flag_id:int}/messages/{message_id:int}/media")
async def play_flag_message_media(
    request: Request, person_id: int, flag_id: int, message_id: int
) -> Response:
    """The voice note or photo of a message added to a flag."""
    cfg = config(request)
    staff = staff_of(request)
    async with cfg.db.transaction() as session:
        await person_for(session, staff, person_id)
        message = await flag_message_for(session, person_id, flag_id, message_id)
        if message is None or not message.file_id:
            raise NotFound()
        file_id, kind = message.file_id, message.media_kind
        audited(session, staff, "play_media", person_id, flag_id=flag_id, message_id=message_id)
    return await _serve(request, file_id, NAMES.get(kind or "", "file"))


async def _serve(request: Request, file_id: str, name: str) -> Response:
    """The file from Telegram, through the bot; a page saying so when it cannot be had."""
    cfg = config(request)
    if cfg.fetch_media is None:
        return _unavailable(request, name)
    try:
        data, content_type = await cfg.fetch_media(file_id)
    except Exception as error:
        # Only the kind of failure: a message could hold the download URL, and so the token.
        log.warning("could not fetch a %s from Telegram: %s", name, type(error).__name__)
        return _unavailable(request, name)
    headers = {"Content-Disposition": "inline"}
    if not str(content_type).startswith(PLAYABLE):
        content_type = "application/octet-stream"
        headers["Content-Disposition"] = "attachment"
    return Response(bytes(data), media_type=str(content_type), headers=headers)


def _unavailable(request: Request, name: str) -> Response:
    return render(
        request,
        "problem.html",
        {
            "title": f"The {name} cannot be opened just now",
            "message": f"Tandem could not fetch the {name} from Telegram. Nothing has been lost: "
            "it is kept by Telegram. Try again in a few minutes.",
        },
        status=503,
    )
