"""The webhook route: the secret header is checked, and 200 is answered only after the
update's effects are committed (any other answer makes Telegram send it again)."""

from __future__ import annotations

import hmac
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from telegram import Bot, Update

from bot.conversations.service import TransientError
from bot.telegram.dispatch import Dispatcher

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


def webhook_router(path: str, secret: str, dispatcher: Dispatcher, bot: Bot) -> APIRouter:
    router = APIRouter()

    @router.post(path, include_in_schema=False)
    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return JSONResponse({"ok": False, "error": "forbidden"}, status_code=403)
        try:
            data = await request.json()
            update = Update.de_json(data, bot)
        except Exception:
            # Not an update we can read: refusing it would only make Telegram retry forever.
            log.warning("unreadable webhook body ignored")
            return JSONResponse({"ok": True})
        if update is None:
            return JSONResponse({"ok": True})
        try:
            await dispatcher.process(update, data)
        except TransientError:
            return JSONResponse({"ok": False, "error": "try again"}, status_code=503)
        return JSONResponse({"ok": True})

    return router
