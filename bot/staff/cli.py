"""The staff subcommands of ``tandem dialogues``: check, try, graph and schema.

`add_parsers` adds them to the CLI's ``dialogues`` subparsers and `run` carries one out, so
bot/cli.py only wires them in. Nothing heavy is imported until a command runs.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

COMMANDS = ("check", "try", "graph", "schema")


class StaffError(Exception):
    """Ends the command with its message (one line) and exit code 1."""


def add_parsers(dialogues: argparse._SubParsersAction[Any]) -> None:
    check = dialogues.add_parser(
        "check",
        help="check scripts: every error and warning as file:line:col (exit 1 on errors)",
        description="Check scripts for mistakes. Prints each problem as "
        "file:line:col: error|warning: message, then a summary line.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="script files or folders (default: TANDEM_DIALOGUES_DIR or ./dialogues)",
    )
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")

    trial = dialogues.add_parser(
        "try",
        help="talk through a script in the terminal, as the person would",
        description="Talk through a script as the person would. Type a number to press a "
        "button, or type an answer. /back goes back, /quit stops.",
    )
    trial.add_argument("tool", metavar="TOOL", help="a tool id (like good_day_bad_day) or a file")
    trial.add_argument("--lang", default="en", choices=("en", "cy"), help="en (default) or cy")

    graph = dialogues.add_parser(
        "graph",
        help="the flow of a script as a Mermaid diagram (or --html, --text)",
        description="Print the flow of a script as a Mermaid flowchart, a web page that "
        "draws it (--html), or numbered steps in plain words (--text).",
    )
    graph.add_argument("tool", metavar="TOOL", help="a tool id (like good_day_bad_day) or a file")
    shape = graph.add_mutually_exclusive_group()
    shape.add_argument("--html", action="store_true", help="a web page that draws the flow")
    shape.add_argument("--text", action="store_true", help="the steps in plain words")
    graph.add_argument("--lang", default="en", choices=("en", "cy"), help="en (default) or cy")
    graph.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of the screen (best for --html)",
    )

    dialogues.add_parser(
        "schema",
        help="print the JSON Schema of the script format (for dialogues/schema.json)",
        description="Print the JSON Schema of the script format. "
        "Update the shipped one with: tandem dialogues schema > dialogues/schema.json",
    )


def run(args: argparse.Namespace, dialogues_dir: Path) -> int:
    """Carry out one staff command; the exit code."""
    command = args.dialogues_command
    if not os.environ.get("TANDEM_DEBUG"):
        # An engine bug is reported as a located problem; its traceback stays out of the way.
        logging.getLogger("bot.engine").setLevel(logging.CRITICAL)
    from bot.staff.commands import check, graph, load_tool

    if command == "check":
        return check([Path(p) for p in args.paths] or [dialogues_dir], args.strict)
    if command == "schema":
        from bot.staff.schema import render

        sys.stdout.write(render())
        return 0
    script = load_tool(args.tool, dialogues_dir)
    if command == "try":
        from bot.staff.trial import run_trial

        return run_trial(script, args.lang, sys.stdin, sys.stdout)
    if command == "graph":
        return graph(script, args.lang, html=args.html, text=args.text, output=args.output)
    raise StaffError(f"unknown command {command!r}")
