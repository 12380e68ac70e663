"""Staff try scripts in the sandbox chat (play as you write), and running servers reload
scripts on request without a restart."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from tests.support.tandem import DIALOGUES, ROOT, running_tandem


async def test_preview_lets_staff_try_any_script_from_the_top(sandbox, tmp_path: Path) -> None:
    dialogues = tmp_path / "dialogues"
    shutil.copytree(DIALOGUES, dialogues)
    async with running_tandem(sandbox, tmp_path, dialogues_dir=dialogues, preview=True) as t:
        chat = await t.chat("Tester")
        await chat.start("preview")
        await chat.wait_for("Script preview")
        await chat.click("Good day, bad day")
        await chat.wait_for("Think of a good day")
        await chat.send("first try")
        await chat.wait_for("Where are you on a good day")

        # Edit the script, then try again: the new words, from the top.
        path = dialogues / "good_day_bad_day.yaml"
        path.write_text(path.read_text().replace("Think of a good day.", "Picture a good day."))
        await chat.send("/preview")
        await chat.wait_for(lambda m: "Good day, bad day" in m.labels)
        await chat.click("Good day, bad day")
        await chat.wait_for("Picture a good day")


async def test_without_preview_mode_the_preview_link_is_just_a_wrong_link(tandem) -> None:
    chat = await tandem.chat()
    await chat.start("preview")
    await chat.wait_for("I don't recognise that link")
    await chat.send("/preview")
    await chat.wait_for("personal link")


def test_preview_only_runs_against_a_local_sandbox() -> None:
    with pytest.raises(ConfigError, match="local Telegram sandbox"):
        Settings(preview=True).check_preview()
    Settings(preview=True, telegram_api_url="http://127.0.0.1:8081/bot").check_preview()


async def test_reload_command_reaches_a_running_server(sandbox, tmp_path: Path) -> None:
    dialogues = tmp_path / "dialogues"
    shutil.copytree(DIALOGUES, dialogues)
    async with running_tandem(sandbox, tmp_path, dialogues_dir=dialogues) as t:
        path = dialogues / "good_day_bad_day.yaml"
        path.write_text(path.read_text().replace("Think of a good day.", "Picture a good day."))
        (dialogues / "broken.yaml").write_text("tool: broken\nsteps: [\n")
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TANDEM_DATABASE_URL": t.running.settings.database_url,
            "TANDEM_DIALOGUES_DIR": str(dialogues),
        }
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot.cli", "dialogues", "reload"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1  # one script refused...
        assert "broken.yaml:" in result.stderr and "Traceback" not in result.stderr
        assert "Reload requested: " in result.stdout and "good_day_bad_day" in result.stdout
        for _ in range(60):
            script = t.running.catalogue.get("good_day_bad_day")
            if script is not None and "Picture a good day." in script.source:
                break
            await asyncio.sleep(0.1)
        chat, _ = await t.joined_chat("Rae")
        await chat.click("Good day, bad day")
        await chat.wait_for("Picture a good day")
