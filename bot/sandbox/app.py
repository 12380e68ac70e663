"""The sandbox as one ASGI app: Bot API, control API and pages over one in-memory state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette

from bot.sandbox import botapi, control, pages
from bot.sandbox.state import SandboxState


def create_app(
    *,
    bot_username: str = "TandemSandboxBot",
    bot_name: str = "Tandem",
    bot_token: str | None = None,
    insecure_webhooks: bool = False,
    rate_limit: float | None = None,
) -> Starlette:
    """Build the sandbox.

    bot_token: register this bot up front, so people can write to it before it first connects.
    insecure_webhooks: accept http:// webhooks on any host (say, another container), not only
    on loopback.
    rate_limit: enforce Telegram's limit for every bot: more than this many messages a second
    (Telegram: 30) are refused with 429 and retry_after. The control API changes it per bot.
    """
    state = SandboxState(
        bot_username=bot_username,
        bot_name=bot_name,
        bot_token=bot_token,
        insecure_webhooks=insecure_webhooks,
        rate_limit=rate_limit,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await state.aclose()

    app = Starlette(routes=[*botapi.routes, *control.routes, *pages.routes], lifespan=lifespan)
    app.state.sandbox = state
    return app
