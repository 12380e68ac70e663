"""The `tandem` command as automation uses it: names, flags, JSON, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def tandem(
    *args: str, env: dict[str, str], cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "TANDEM_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "TANDEM_DIALOGUES_DIR": str(ROOT / "dialogues"),
        "TANDEM_BOT_USERNAME": "ExampleTandemBot",
    }


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_people_add_json_then_export(env: dict[str, str]) -> None:
    added = tandem(
        "people", "add", "--name", "Jordan Example", "--crn", "A123456", "--json", env=env
    )
    assert added.returncode == 0, added.stderr
    data = json.loads(added.stdout)
    assert set(data) == {"id", "invite_code", "link"}
    assert isinstance(data["id"], int)
    assert data["link"] == f"https://t.me/ExampleTandemBot?start={data['invite_code']}"

    exported = tandem("export", str(data["id"]), "--json", env=env)
    assert exported.returncode == 0, exported.stderr
    record = json.loads(exported.stdout)
    assert record["person"]["name"] == "Jordan Example"
    assert record["person"]["crn"] == "A123456"
    assert record["conversations"] == []

    plain = tandem("people", "add", "--name", "Casey", env=env)
    assert plain.returncode == 0
    assert "Invite link" in plain.stdout and "?start=" in plain.stdout


def test_export_is_audited(env: dict[str, str], tmp_path: Path) -> None:
    import sqlite3

    person = json.loads(tandem("people", "add", "--name", "Audit Me", "--json", env=env).stdout)
    assert tandem("export", str(person["id"]), "--json", env=env).returncode == 0
    rows = (
        sqlite3.connect(tmp_path / "cli.db")
        .execute("SELECT actor, action, service_user_id FROM audit_event")
        .fetchall()
    )
    assert len(rows) == 1
    actor, action, person_id = rows[0]
    assert actor.startswith("cli:") and action == "export" and person_id == person["id"]


def test_reissued_invite_replaces_the_old_one(env: dict[str, str]) -> None:
    person = json.loads(tandem("people", "add", "--name", "Lost Phone", "--json", env=env).stdout)
    again = json.loads(tandem("people", "invite", str(person["id"]), "--json", env=env).stdout)
    assert again["id"] == person["id"] and again["invite_code"] != person["invite_code"]


def test_unknown_ids_and_bad_arguments(env: dict[str, str]) -> None:
    assert "no person with id 999" in one_line_error(tandem("export", "999", "--json", env=env))
    assert "no person with id 999" in one_line_error(tandem("people", "invite", "999", env=env))
    bad = tandem("export", "not-a-number", env=env)
    assert bad.returncode == 2 and "invalid int value" in one_line_error(bad)
    assert tandem("people", "add", env=env).returncode == 2
    assert tandem("frobnicate", env=env).returncode == 2
    assert "--name" in one_line_error(tandem("people", "add", "--name", " ", env=env))


def test_serve_without_a_token_says_how_to_get_one(env: dict[str, str]) -> None:
    line = one_line_error(tandem("serve", env={**env, "TELEGRAM_BOT_TOKEN": ""}))
    assert "TELEGRAM_BOT_TOKEN" in line


def test_bad_settings_are_one_line(env: dict[str, str]) -> None:
    line = one_line_error(tandem("serve", env={**env, "TANDEM_HTTP_PORT": "eighty"}))
    assert "TANDEM_HTTP_PORT" in line


def test_dialogues_list(env: dict[str, str], tmp_path: Path) -> None:
    listed = tandem("dialogues", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert ["good_day_bad_day", "Good day, bad day"] in [row[:2] for row in rows]
    assert all(row[3].endswith("questions") for row in rows)

    broken = tmp_path / "dialogues"
    broken.mkdir()
    (broken / "good_day_bad_day.yaml").write_text(
        (ROOT / "dialogues" / "good_day_bad_day.yaml").read_text()
    )
    (broken / "oops.yaml").write_text("tool: oops\nsteps:\n  - id: a\n    ask: [unclosed\n")
    result = tandem("dialogues", "list", env={**env, "TANDEM_DIALOGUES_DIR": str(broken)})
    assert result.returncode == 1
    assert "good_day_bad_day" in result.stdout  # the good one still listed
    assert "oops.yaml:" in result.stderr and "Traceback" not in result.stderr


def test_serve_with_an_unreachable_api_says_so(env: dict[str, str]) -> None:
    line = one_line_error(
        tandem(
            "serve",
            env={
                **env,
                "TELEGRAM_BOT_TOKEN": "123:abcdefghijklmnop",
                "TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
            },
        )
    )
    assert "cannot reach the Telegram Bot API at http://127.0.0.1:9/bot" in line
    assert "abcdefghijklmnop" not in line  # the token never shows


def test_serve_with_a_refused_token_says_so(env: dict[str, str], sandbox) -> None:
    line = one_line_error(
        tandem(
            "serve",
            env={**env, "TELEGRAM_BOT_TOKEN": "not-a-token", "TELEGRAM_API_URL": sandbox.api_url},
        )
    )
    assert "refused TELEGRAM_BOT_TOKEN" in line
