"""Webhook pushes: secret header, delivery only on 2xx, retries, per-chat order, redelivery."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import telegram
import uvicorn
from starlette.requests import Request
from starlette.responses import Response

from bot.sandbox.client import SandboxClient
from bot.sandbox.server import bind_socket


class Receiver:
    """A tiny webhook endpoint in the test's own loop; answers with `status`."""

    def __init__(self) -> None:
        self.status = 200
        self.fail_next = 0  # answer 500 to this many pushes first
        self.received: list[tuple[dict[str, Any], str | None, int]] = []  # body, secret, status
        self.changed = asyncio.Event()
        self.url = ""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        body = json.loads(await request.body())
        status = self.status
        if self.fail_next > 0:
            self.fail_next -= 1
            status = 500
        self.received.append((body, request.headers.get("x-telegram-bot-api-secret-token"), status))
        self.changed.set()
        await Response(status_code=status)(scope, receive, send)

    def accepted(self) -> list[dict[str, Any]]:
        return [body for body, _, status in self.received if status == 200]

    async def wait_accepted(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        async with asyncio.timeout(timeout):
            while len(self.accepted()) < count:
                self.changed.clear()
                await self.changed.wait()
        return self.accepted()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    target = Receiver()
    sock = bind_socket("127.0.0.1", 0)
    target.url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    config = uvicorn.Config(target, log_config=None, log_level="warning", lifespan="off", ws="none")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    yield target
    server.should_exit = True
    await task


def texts(updates: list[dict[str, Any]]) -> list[str]:
    return [u["message"]["text"] for u in updates if "message" in u]


async def test_push_with_secret_header(
    bot: telegram.Bot, client: SandboxClient, receiver: Receiver
) -> None:
    assert await bot.set_webhook(receiver.url, secret_token="Tandem-secret_1")
    chat = await client.chat("Webb")
    await chat.send("/start hello")
    [update] = await receiver.wait_accepted(1)
    assert receiver.received[0][1] == "Tandem-secret_1"
    parsed = telegram.Update.de_json(update, bot)
    assert parsed is not None and parsed.message is not None
    assert parsed.message.text == "/start hello"
    # The sandbox counts the update delivered once the receiver's 200 has reached it, which
    # can be a moment after the receiver saw the body.
    for _ in range(100):
        info = await bot.get_webhook_info()
        if info.pending_update_count == 0:
            break
        await asyncio.sleep(0.02)
    assert info.url == receiver.url and info.pending_update_count == 0
    assert await bot.delete_webhook()


async def test_failed_pushes_are_retried_in_order(
    bot: telegram.Bot, client: SandboxClient, receiver: Receiver
) -> None:
    receiver.fail_next = 2
    assert await bot.set_webhook(receiver.url)
    chat = await client.chat()
    for text in ("one", "two", "three"):
        await chat.send(text)
    accepted = await receiver.wait_accepted(3)
    assert texts(accepted) == ["one", "two", "three"]
    # The two failures were both "one": nothing overtook it.
    assert [texts([body])[0] for body, _, status in receiver.received if status == 500] == [
        "one",
        "one",
    ]
    assert receiver.received[0][1] is None  # no secret set, no header
    info = await bot.get_webhook_info()
    assert info.last_error_message and "500" in info.last_error_message
    await bot.delete_webhook()


async def test_updates_wait_while_the_bot_is_down(
    bot: telegram.Bot, client: SandboxClient, receiver: Receiver
) -> None:
    # Port 9 (discard) refuses connections: the bot is "restarting".
    assert await bot.set_webhook("http://127.0.0.1:9/hook")
    chat = await client.chat()
    await chat.send("while you were out")
    await asyncio.sleep(0.3)  # a failed push or two
    assert (await bot.get_webhook_info()).pending_update_count == 1
    assert await bot.set_webhook(receiver.url)  # back up
    assert texts(await receiver.wait_accepted(1)) == ["while you were out"]
    await bot.delete_webhook()


async def test_chats_are_pushed_concurrently(
    bot: telegram.Bot, client: SandboxClient, receiver: Receiver
) -> None:
    assert await bot.set_webhook(receiver.url, max_connections=10)
    people = [await client.chat(f"P{n}") for n in range(5)]
    for round_ in range(3):
        for person in people:
            await person.send(f"{person.user_id}:{round_}")
    accepted = await receiver.wait_accepted(15)
    for person in people:
        mine = [t for t in texts(accepted) if t.startswith(f"{person.user_id}:")]
        assert mine == [f"{person.user_id}:{r}" for r in range(3)]
    await bot.delete_webhook()


async def test_redelivery_pushes_the_same_update_again(
    bot: telegram.Bot, client: SandboxClient, receiver: Receiver
) -> None:
    assert await bot.set_webhook(receiver.url)
    chat = await client.chat()
    await chat.send("once")
    [first] = await receiver.wait_accepted(1)
    await client.redeliver(first["update_id"])
    accepted = await receiver.wait_accepted(2)
    assert accepted[1] == first
    await bot.delete_webhook()


async def test_drop_pending_updates(bot: telegram.Bot, client: SandboxClient) -> None:
    chat = await client.chat()
    await chat.send("stale")
    assert await bot.set_webhook("http://127.0.0.1:9/hook", drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0
    await chat.send("fresh")
    assert await bot.delete_webhook()
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["fresh"]
