"""Helpers for the staff tools' tests: small scripts written inline, and the CLI as staff run it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from bot.engine import checker

ROOT = Path(__file__).absolute().parents[2]
DIALOGUES = ROOT / "dialogues"

HEADER = """\
tool: t
title: Test
about: A test script.
"""

WELSH_HEADER = """\
tool: t
title:
  en: Test
  cy: Prawf
about:
  en: A test script.
  cy: Sgript prawf.
languages: [en, cy]
"""


def make(body: str, header: str = HEADER) -> str:
    return header + textwrap.dedent(body).lstrip("\n")


def check(body: str, header: str = HEADER) -> checker.Report:
    return checker.check_text(make(body, header), "t.yaml")


def lines(report: checker.Report) -> list[str]:
    return [checker.format_problem(p) for p in report.problems]


def messages(report: checker.Report, severity: str | None = None) -> list[str]:
    return [p.message for p in report.problems if severity in (None, p.severity)]


def tandem(
    *args: str, cwd: Path | None = None, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PYTHONIOENCODING": "utf-8",
            "TANDEM_DIALOGUES_DIR": str(DIALOGUES),
            **(env or {}),
        },
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        input=stdin,
    )
