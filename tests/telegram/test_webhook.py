"""Webhook mode: Telegram (the sandbox) pushes updates; the secret header is checked and 200 is
answered only after the update's effects are committed."""

from __future__ import annotations

import httpx
from sqlmodel import select

from storage.models import ProcessedUpdate
from tests.support.tandem import free_port, running_tandem


async def test_whole_journey_over_the_webhook(sandbox, tmp_path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/updates"
    async with running_tandem(sandbox, tmp_path, web=True, webhook_url=url, http_port=port) as t:
        info = await t.client.bot_info()
        assert info["webhook"]["url"] == url
        assert info["webhook"]["has_secret_token"] is True
        chat, person_id = await t.joined_chat("Wren")
        await chat.click("Good day, bad day")
        await chat.wait_for("Think of a good day")
        await chat.send("Cooking for friends")
        await chat.wait_for("Where are you on a good day")
        assert await t.answers(person_id) == [("good_day", "Cooking for friends")]
        # getUpdates is refused while a webhook is set, so Tandem must not have polled.
        assert not [c for c in await t.client.calls() if c["method"] == "getUpdates"]


async def test_route_follows_the_public_path_and_checks_the_secret(sandbox, tmp_path) -> None:
    port = free_port()
    # Behind a proxy: the public address differs, only the path reaches Tandem.
    public = "https://tandem.example.org/hooks/tg-7f3a"
    async with running_tandem(sandbox, tmp_path, web=True, webhook_url=public, http_port=port) as t:
        local = f"http://127.0.0.1:{port}/hooks/tg-7f3a"
        update = {
            "update_id": 555,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 42, "type": "private", "first_name": "Q"},
                "from": {"id": 42, "is_bot": False, "first_name": "Q"},
                "text": "hello",
            },
        }
        async with httpx.AsyncClient(trust_env=False) as http:
            missing = await http.post(local, json=update)
            wrong = await http.post(
                local, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
            )
            assert (missing.status_code, wrong.status_code) == (403, 403)
            async with t.db.transaction() as session:
                assert (await session.exec(select(ProcessedUpdate))).all() == []

            secret = t.running.settings.webhook_secret
            ok = await http.post(
                local, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
            )
            assert ok.status_code == 200
            # The 200 means committed: the update is already on record.
            async with t.db.transaction() as session:
                rows = (await session.exec(select(ProcessedUpdate))).all()
            assert [(r.update_id, r.outcome) for r in rows] == [(555, "handled")]

            garbage = await http.post(
                local, content=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": secret}
            )
            assert garbage.status_code == 200  # refusing would only make Telegram retry forever
