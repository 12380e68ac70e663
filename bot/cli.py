"""The `tandem` command. Later tools and automation depend on these names and flags.

Every failure a person can cause (a wrong argument, an unknown id, a bad setting) ends in one
line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC
from typing import Any, NoReturn

from bot.config import ConfigError, Settings, load_settings


class CommandError(Exception):
    """Ends the command with its message and exit code 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints the whole usage; one line is easier to read in a script's output.
        self.exit(2, f"tandem: {message} (see `tandem --help`)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tandem", description="Tandem: person-centred tools between probation appointments."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("serve", help="run the bot and the web app (settings from the environment)")
    demo = sub.add_parser(
        "demo", help="run Tandem on SQLite against the local Telegram sandbox, with demo data"
    )
    demo.add_argument(
        "--port", type=int, default=None, help="web app port (default TANDEM_HTTP_PORT or 8000)"
    )
    demo.add_argument("--sandbox-port", type=int, default=8081, help="sandbox port (default 8081)")
    sandbox = sub.add_parser("sandbox", help="run only the local Telegram sandbox")
    sandbox.add_argument("--port", type=int, default=8081)
    sandbox.add_argument("--host", default="127.0.0.1")
    sub.add_parser("migrate", help="apply database migrations and exit")

    people = sub.add_parser("people", help="people on probation").add_subparsers(
        dest="people_command", required=True, parser_class=_Parser
    )
    add = people.add_parser("add", help="add a person and print their invite link")
    add.add_argument("--name", required=True)
    add.add_argument("--crn", default=None, help="case reference number")
    add.add_argument("--org", default=None, help="organisation name (created if new)")
    add.add_argument("--json", action="store_true", help="print one JSON object")
    invite = people.add_parser("invite", help="issue a new invite link (the old one stops working)")
    invite.add_argument("person_id", type=int)
    invite.add_argument("--json", action="store_true")

    staff = sub.add_parser("staff", help="staff accounts for the review app").add_subparsers(
        dest="staff_command", required=True, parser_class=_Parser
    )
    staff_add = staff.add_parser(
        "add",
        help="add a member of staff; prints a one-time password, or reads one from stdin",
    )
    staff_add.add_argument("--email", required=True)
    staff_add.add_argument("--name", required=True)
    staff_add.add_argument("--role", required=True, choices=["case_manager", "senior", "admin"])
    staff_add.add_argument(
        "--org", default=None, help="organisation name (created if new; default: Tandem)"
    )
    staff_add.add_argument(
        "--partner", action="store_true", help="a new --org is a partner organisation"
    )
    staff_add.add_argument(
        "--password-stdin", action="store_true", help="read their password from stdin"
    )

    appointments = sub.add_parser(
        "appointments", help="a person's appointments (reminders follow them)"
    ).add_subparsers(dest="appointments_command", required=True, parser_class=_Parser)
    booking = appointments.add_parser(
        "add", help="record a person's next appointment (replaces the one booked)"
    )
    booking.add_argument("person_id", type=int)
    booking.add_argument(
        "when", help='UK time, like "2026-12-02 10:30", or with an offset (+01:00, Z)'
    )
    booking.add_argument("--place", default="", help="the office, or the number to ring")
    how = booking.add_mutually_exclusive_group()
    how.add_argument("--phone", action="store_true", help="a phone call (default: in person)")
    how.add_argument("--video", action="store_true", help="a video call")
    booking.add_argument("--json", action="store_true", help="print one JSON object")
    listing = appointments.add_parser("list", help="a person's appointments, oldest first")
    listing.add_argument("person_id", type=int)
    listing.add_argument("--json", action="store_true", help="print a JSON list")

    export = sub.add_parser("export", help="everything stored about a person")
    export.add_argument("person_id", type=int)
    export.add_argument(
        "--json", action="store_true", help="JSON on stdout (the only format for now)"
    )

    dialogues = sub.add_parser("dialogues", help="the conversation scripts").add_subparsers(
        dest="dialogues_command", required=True, parser_class=_Parser
    )
    dialogues.add_parser("list", help="list the scripts and any that are refused")
    dialogues.add_parser(
        "reload", help="check the scripts, then have running servers load them (no restart)"
    )
    from bot.staff.cli import add_parsers as add_staff_parsers

    add_staff_parsers(dialogues)  # check, try, graph, schema (in bot/staff)
    return parser


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


async def _people_add(settings: Settings, args: argparse.Namespace) -> None:
    from bot.conversations.enrolment import DEFAULT_ORGANISATION, enrol
    from storage.db import Database, migrate_async

    name = args.name.strip()
    if not name or len(name) > 200:
        raise CommandError("--name must be 1 to 200 characters")
    if args.crn is not None and not (1 <= len(args.crn.strip()) <= 20):
        raise CommandError("--crn must be 1 to 20 characters")
    await migrate_async(settings.database_url)
    db = Database(settings.database_url)
    try:
        invitation = await enrol(
            db,
            name=name,
            crn=args.crn.strip() if args.crn else None,
            organisation=args.org or DEFAULT_ORGANISATION,
            invite_days=settings.invite_days,
            username=settings.bot_username,
        )
    finally:
        await db.dispose()
    _show_invitation(invitation, args.json, settings.invite_days)


def _show_invitation(invitation: Any, as_json: bool, days: int) -> None:
    if as_json:
        _print_json(
            {"id": invitation.person_id, "invite_code": invitation.code, "link": invitation.link}
        )
    else:
        print(f"Person {invitation.person_id} added.")
        print(f"Invite link (single use, valid for {days} days): {invitation.link}")


async def _people_invite(settings: Settings, args: argparse.Namespace) -> None:
    from bot.conversations.enrolment import UnknownPerson, reissue_invite
    from storage.db import Database, migrate_async

    await migrate_async(settings.database_url)
    db = Database(settings.database_url)
    try:
        invitation = await reissue_invite(
            db, args.person_id, invite_days=settings.invite_days, username=settings.bot_username
        )
    except UnknownPerson:
        raise CommandError(f"no person with id {args.person_id}") from None
    finally:
        await db.dispose()
    _show_invitation(invitation, args.json, settings.invite_days)


async def _staff_add(settings: Settings, args: argparse.Namespace) -> None:
    from bot.conversations.enrolment import DEFAULT_ORGANISATION
    from bot.review.accounts import AccountError, add_staff, organisation_named
    from storage.audit import record
    from storage.db import Database, migrate_async

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    await migrate_async(settings.database_url)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            org = await organisation_named(
                session,
                args.org or DEFAULT_ORGANISATION,
                kind="partner" if args.partner else "probation",
            )
            account = await add_staff(
                session,
                email=args.email,
                name=args.name,
                role=args.role,
                organisation=org,
                password=password,
            )
            record(
                session,
                actor=f"cli:{getpass.getuser()}",
                action="staff_added",
                person_id=None,
                detail={"staff_id": account.staff.id, "role": args.role},
            )
    except AccountError as exc:
        raise CommandError(str(exc)) from None
    finally:
        await db.dispose()
    print(f"Staff {account.staff.id} added: {account.staff.email} ({args.role}, {org.name}).")
    if account.one_time_password:
        print(f"One-time password: {account.one_time_password}")
        print("Give it to them in person; they choose their own when they first sign in.")


async def _export(settings: Settings, args: argparse.Namespace) -> None:
    from storage.audit import record
    from storage.db import Database, migrate_async
    from storage.export import person_export
    from storage.types import utcnow

    await migrate_async(settings.database_url)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            data = await person_export(session, args.person_id)
            if data is None:
                raise CommandError(f"no person with id {args.person_id}")
            record(
                session,
                actor=f"cli:{getpass.getuser()}",
                action="export",
                person_id=args.person_id,
                detail={"format": "json"},
            )
    finally:
        await db.dispose()
    data["exported_at"] = utcnow().isoformat()
    _print_json(data)


async def _appointments(settings: Settings, args: argparse.Namespace) -> None:
    from bot.appointment_commands import (
        BadAppointment,
        add_appointment,
        as_json,
        describe,
        list_appointments,
        status_of,
    )
    from storage.db import Database, migrate_async
    from storage.types import utcnow

    now = utcnow()
    await migrate_async(settings.database_url)
    db = Database(settings.database_url)
    try:
        if args.appointments_command == "add":
            kind = "phone" if args.phone else "video" if args.video else "in_person"
            booked = await add_appointment(
                db, person_id=args.person_id, when=args.when, place=args.place, kind=kind, now=now
            )
        else:
            found = await list_appointments(db, args.person_id, now)
    except BadAppointment as exc:
        raise CommandError(str(exc)) from None
    finally:
        await db.dispose()
    if args.appointments_command == "add":
        a = booked.appointment
        if args.json:
            _print_json(
                {**as_json(a, now), "replaced": booked.replaced.id if booked.replaced else None}
            )
            return
        print(f"Appointment {a.id} for person {a.service_user_id}: {describe(a)}.")
        if booked.replaced is not None:
            print(f"It replaces the one on {describe(booked.replaced)}.")
        print("Reminders on Telegram follow it, as the organisation has them set.")
    elif args.json:
        _print_json([as_json(a, now) for a in found])
    elif not found:
        print(f"No appointments for person {args.person_id}.")
    else:
        for a in found:
            print(f"{a.id}\t{a.at.astimezone(UTC).isoformat()}\t{status_of(a, now)}\t{describe(a)}")


def _dialogues_list(settings: Settings) -> None:
    from bot.conversations.catalogue import Catalogue, in_lang

    if not settings.dialogues_dir.is_dir():
        raise CommandError(f"no dialogues folder at {settings.dialogues_dir}")
    catalogue = Catalogue(settings.dialogues_dir)
    for script in catalogue.tools():
        questions = sum(1 for s in script.steps if s.is_question)
        print(
            f"{script.id}\t{in_lang(script.title, 'en')}\t{script.version[:12]}\t{questions} questions"
        )
    for problem in catalogue.problems:
        print(f"refused: {problem}", file=sys.stderr)
    if catalogue.problems:
        raise CommandError(f"{len(catalogue.problems)} problem(s) in the scripts")


async def _dialogues_reload(settings: Settings) -> None:
    from bot.conversations.reloading import request_reload
    from bot.engine import load_dialogues
    from storage.db import Database, migrate_async

    if not settings.dialogues_dir.is_dir():
        raise CommandError(f"no dialogues folder at {settings.dialogues_dir}")
    registry = load_dialogues(settings.dialogues_dir)
    for problem in registry.problems:
        print(problem, file=sys.stderr)
    await migrate_async(settings.database_url)
    db = Database(settings.database_url)
    try:
        await request_reload(db)
    finally:
        await db.dispose()
    print(f"Reload requested: {', '.join(sorted(registry.scripts)) or 'no scripts'}.")
    print("Running Tandem servers pick it up within a few seconds.")
    refused = {p.file for p in registry.problems if p.severity == "error"}
    if refused:
        raise CommandError(
            f"{len(refused)} script(s) refused; their last good version keeps serving"
        )


def _run(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.command == "serve":
        from telegram.error import InvalidToken, NetworkError

        from bot.runtime import run_forever

        settings.require_token()
        try:
            run_forever(settings)
        except InvalidToken:
            raise CommandError(
                "Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather"
            ) from None
        except NetworkError as exc:
            raise CommandError(
                f"cannot reach the Telegram Bot API at {settings.telegram_api_url} ({exc.message}); "
                "check TELEGRAM_API_URL and the network"
            ) from None
    elif args.command == "demo":
        from bot.demo import run_demo

        run_demo(settings, port=args.port, sandbox_port=args.sandbox_port)
    elif args.command == "sandbox":
        from bot.sandbox.server import serve_sandbox

        def ready(url: str) -> None:
            print(f"Sandbox running. Chat page: {url}/chat   Bot API: {url}/bot<token>", flush=True)

        asyncio.run(serve_sandbox(args.host, args.port, ready=ready))
    elif args.command == "migrate":
        from storage.db import migrate

        migrate(settings.database_url)
        print("Database is up to date.")
    elif args.command == "people" and args.people_command == "add":
        asyncio.run(_people_add(settings, args))
    elif args.command == "people" and args.people_command == "invite":
        asyncio.run(_people_invite(settings, args))
    elif args.command == "staff" and args.staff_command == "add":
        asyncio.run(_staff_add(settings, args))
    elif args.command == "export":
        asyncio.run(_export(settings, args))
    elif args.command == "appointments":
        asyncio.run(_appointments(settings, args))
    elif args.command == "dialogues" and args.dialogues_command == "list":
        _dialogues_list(settings)
    elif args.command == "dialogues" and args.dialogues_command == "reload":
        asyncio.run(_dialogues_reload(settings))
    elif args.command == "dialogues":  # check, try, graph, schema: bot/staff
        from bot.staff.cli import StaffError
        from bot.staff.cli import run as run_staff_command

        try:
            return run_staff_command(args, settings.dialogues_dir)
        except StaffError as exc:
            raise CommandError(str(exc)) from None
    return 0


def _logging(command: str) -> None:
    # Long-running commands report what they do; one-shot commands keep stderr for errors.
    default = "INFO" if command in ("serve", "demo", "sandbox") else "WARNING"
    level = os.environ.get("TANDEM_LOG_LEVEL", default).upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from bot.logs import quiet_logs

    quiet_logs()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _logging(args.command)
    from storage.db import DatabaseInUse

    try:
        code = _run(args)
    except (CommandError, ConfigError, DatabaseInUse) as exc:
        print(f"tandem: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(f"tandem: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the last guard: a one-line message, details only in the log
        if os.environ.get("TANDEM_DEBUG"):
            raise
        print(
            f"tandem: unexpected error ({type(exc).__name__}); run with TANDEM_DEBUG=1 for details",
            file=sys.stderr,
        )
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
