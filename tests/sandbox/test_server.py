"""Running the sandbox: beside other code in one loop, or in its own thread; and its pages."""

from __future__ import annotations

import asyncio
import time

import httpx
import telegram

from bot.sandbox.server import SandboxServer, serve_sandbox


async def test_serve_sandbox_in_the_running_loop() -> None:
    ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        serve_sandbox(
            "127.0.0.1",
            0,
            bot_username="DemoBot",
            bot_token="42:demo-token-123",
            ready=ready.set_result,
        )
    )
    url = await asyncio.wait_for(ready, 5)
    async with httpx.AsyncClient(base_url=url) as http:
        # The bot given at start is known before it ever calls the Bot API.
        bots = (await http.get("/sandbox/api/bots")).json()
        assert bots["default"] == 42 and bots["bots"][0]["username"] == "DemoBot"
        user = (await http.post("/sandbox/api/users", json={"first_name": "Early"})).json()
        await http.post(f"/sandbox/api/chats/{user['id']}/messages", json={"text": "/start x"})
        async with telegram.Bot("42:demo-token-123", base_url=url + "/bot") as bot:
            # A long poll must not hold up shutdown.
            poll = asyncio.create_task(bot.get_updates(offset=-1, timeout=30))
            await asyncio.sleep(0.1)
            started = time.monotonic()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            assert time.monotonic() - started < 2
            await asyncio.gather(poll, return_exceptions=True)


def test_thread_server_starts_and_stops_quickly() -> None:
    started = time.monotonic()
    with SandboxServer() as server:
        assert server.api_url == server.url + "/bot"
        assert httpx.get(server.url + "/sandbox/api/bots").json() == {"default": None, "bots": []}
    assert time.monotonic() - started < 3


async def test_pages_are_served(sandbox: SandboxServer) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as http:
        index = await http.get("/")
        assert index.status_code == 200 and "Open a new chat" in index.text
        chat = await http.get("/chat?user=1&name=A")
        assert chat.status_code == 200 and 'role="log"' in chat.text
        for asset in ("chat.js", "chat.css", "index.js", "index.css"):
            assert (await http.get(f"/sandbox/static/{asset}")).status_code == 200
        link = await http.get("/t.me/TandemSandboxBot?start=ABC-123")
        assert link.status_code == 302 and link.headers["location"] == "/?start=ABC-123"
        short = await http.get("/start/XYZ")
        assert short.headers["location"] == "/?start=XYZ"
        named = await http.get("/t.me/TandemSandboxBot?start=XYZ&name=Robin")
        assert named.headers["location"] == "/chat?name=Robin&start=XYZ"
