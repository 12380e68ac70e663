"""Emails case managers their notifications through the configured SMTP server.

An email says only "something new for CRN X" and links to the person's page: no name, no
answers, no flag text. Whatever is new is read in Tandem, after signing in. To a senior, a flag
nobody dealt with in time is "a flag for CRN X has not been dealt with", with how long it has
waited and the link, and nothing else either; it is not sent once the flag has been resolved.

Each round takes the notifications waiting for an email. On PostgreSQL it locks them
(`FOR UPDATE SKIP LOCKED`) for the whole round, sends, and records the results before it
commits, so two servers never email the same notification; if a server dies mid-round its
locks go with its connection and another server sends them. SQLite has one server only, and
one writer at a time, so there the round reads, sends outside any transaction (sending must
not hold up people's messages), then records.

A failed email is tried again later, with the wait doubling each time; after `max_attempts`
the failure is recorded and no more is tried. Staff who switched emails off, and accounts that
are switched off, are skipped (the caseload shows them everything all the same).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.notifications import ESCALATED, RETRY_PREFIX, pending
from bot.scheduling.escalation import waiting_words
from storage.db import Database
from storage.escalations import waiting_since
from storage.models import ServiceUser, Staff, StaffNotification
from storage.types import utcnow

log = logging.getLogger(__name__)

BATCH = 20
IDLE_POLL = 5.0  # other processes' commits cannot wake this one, so it looks this often
MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)
# A notification older than this is not emailed any more (e.g. SMTP configured long after):
# an email days late helps no one, and the caseload has shown it all along.
TOO_OLD = timedelta(days=2)
SMTP_TIMEOUT = 20.0


def subject_for(crn: str | None) -> str:
    crn = printable(crn)
    if crn:
        return f"Tandem: something new for CRN {crn}"
    return "Tandem: something new for someone on your caseload"


def escalated_subject(crn: str | None) -> str:
    crn = printable(crn)
    if crn:
        return f"Tandem: a flag for CRN {crn} has not been dealt with"
    return "Tandem: a flag has not been dealt with"


def message_for(
    settings: Settings,
    *,
    to: str,
    crn: str | None,
    person_id: int,
    now: datetime,
    kind: str = "shared",
    waiting: timedelta | None = None,
) -> EmailMessage:
    """The whole email: the CRN line (and for an escalation, how long the flag has waited) and
    the link, nothing else about the person."""
    crn = printable(crn)
    if kind == ESCALATED:
        subject = escalated_subject(crn)
        who = f"CRN {crn}" if crn else "someone in your organisation"
        first = f"A flag for {who} in Tandem has not been marked as dealt with"
        first += f" after {waiting_words(waiting)}." if waiting is not None else "."
        why = "you are a senior in their organisation"
    else:
        subject = subject_for(crn)
        first = f"Something new for CRN {crn} in Tandem." if crn else subject_for(None) + "."
        why = "you are their case manager"
    if settings.public_url:
        link = f"{settings.public_url}/people/{person_id}"
        where = f"Open it here (you will be asked to sign in): {link}"
    else:
        where = "Sign in to Tandem to see it."
    body = (
        f"{first}\n\n{where}\n\n"
        f"You get these emails because {why}. You can switch them off "
        "on your account page in Tandem.\n"
    )
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.smtp_from or ""
    message["To"] = to
    message["Date"] = formatdate(now.timestamp(), usegmt=True)
    message["Message-ID"] = make_msgid(domain=_domain(settings.smtp_from))
    message.set_content(body)
    return message


def printable(text: str | None) -> str | None:
    """A CRN as typed, without anything that could break a header line."""
    kept = "".join(ch for ch in (text or "") if ch.isprintable()).strip()
    return kept or None


def _domain(sender: str | None) -> str:
    address = (sender or "").rsplit("<", 1)[-1].rstrip(">")
    return address.rpartition("@")[2] or "tandem.invalid"


def _due(now: datetime) -> ColumnElement[bool]:
    """Waiting for a first try, or for a retry whose time has come."""
    waiting = col(StaffNotification.next_attempt_at)
    return and_(pending(), or_(waiting.is_(None), waiting <= now))


@dataclass
class Letter:
    """One notification in this round: an email to send, or why not."""

    notification: StaffNotification
    message: EmailMessage | None = None
    skip: str | None = None
    error: str | None = None


@dataclass
class Round:
    taken: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.skipped + self.failed


class Mailer:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
        *,
        interval: float = IDLE_POLL,
        max_attempts: int = MAX_ATTEMPTS,
        first_retry: timedelta = FIRST_RETRY,
        batch: int = BATCH,
    ) -> None:
        if not 1 <= max_attempts <= 9:
            raise ValueError("max_attempts must be 1 to 9")  # one digit in the retry outcome
        self.db = db
        self.settings = settings
        self.clock = clock
        self.interval = interval
        self.max_attempts = max_attempts
        self.first_retry = first_retry
        self.batch = batch
        self._wake: asyncio.Event | None = None

    def wake(self) -> None:
        """Look now rather than at the next poll (e.g. a test that moved the clock)."""
        if self._wake is not None:
            self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        self._wake = asyncio.Event()
        while not stop.is_set():
            busy = False
            try:
                busy = (await self.run_once()).taken >= self.batch
            except Exception:  # the database or the network: the next round tries again
                log.exception("staff emails: a round failed; trying again shortly")
            if busy:
                continue
            self._wake.clear()
            stopping = asyncio.ensure_future(stop.wait())
            waking = asyncio.ensure_future(self._wake.wait())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.wait({stopping, waking}, return_when=asyncio.FIRST_COMPLETED),
                    timeout=self.interval,
                )
            stopping.cancel()
            waking.cancel()

    async def run_once(self) -> Round:
        """One round: the notifications due now, emailed (or skipped), and the results kept."""
        if self.db.dialect == "postgresql":
            async with self.db.transaction() as session:
                letters = await self._take(session, lock=True)
                await self._send(letters)
                return self._record(session, letters)
        async with self.db.transaction() as session:
            letters = await self._take(session, lock=False)
        await self._send(letters)
        async with self.db.transaction() as session:
            for letter in letters:
                # Fresh from this transaction, so the results are written onto current rows.
                fresh = await session.get(StaffNotification, letter.notification.id)
                if fresh is not None:
                    letter.notification = fresh
            return self._record(session, letters)

    async def _take(self, session: AsyncSession, *, lock: bool) -> list[Letter]:
        now = self.clock()
        stmt = (
            select(StaffNotification, Staff, ServiceUser.crn)
            .join(Staff, col(Staff.id) == col(StaffNotification.staff_id))
            .join(ServiceUser, col(ServiceUser.id) == col(StaffNotification.service_user_id))
            .where(_due(now))
            .order_by(col(StaffNotification.id))
            .limit(self.batch)
        )
        if lock:
            stmt = stmt.with_for_update(skip_locked=True, of=StaffNotification)
        rows = (await session.exec(stmt)).all()
        # For escalations: when the flag still waiting was raised (none: resolved since).
        since = await waiting_since(
            session, (note.service_user_id for note, _, _ in rows if note.kind == ESCALATED)
        )
        letters = []
        for note, staff, crn in rows:
            letter = Letter(note)
            escalated = note.kind == ESCALATED
            if not staff.active:
                letter.skip = "inactive"
            elif not staff.notify_by_email:
                letter.skip = "opted_out"
            elif now - note.created_at > TOO_OLD:
                letter.skip = "too_old"
            elif not staff.email:
                letter.skip = "no_email"
            elif escalated and note.service_user_id not in since:
                letter.skip = "resolved"
            else:
                raised = since.get(note.service_user_id)
                try:
                    letter.message = message_for(
                        self.settings,
                        to=staff.email,
                        crn=crn,
                        person_id=note.service_user_id,
                        now=now,
                        kind=note.kind,
                        waiting=now - raised if escalated and raised else None,
                    )
                except ValueError:  # an address the email library refuses
                    letter.skip = "bad_address"
            letters.append(letter)
        return letters

    async def _send(self, letters: list[Letter]) -> None:
        outgoing = [letter for letter in letters if letter.message is not None]
        if outgoing:
            # smtplib blocks: a thread keeps the bot and the web app answering meanwhile.
            await asyncio.to_thread(self._deliver, outgoing)

    def _deliver(self, letters: list[Letter]) -> None:
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            for letter in letters:
                letter.error = type(exc).__name__
            return
        try:
            for i, letter in enumerate(letters):
                assert letter.message is not None
                try:
                    smtp.send_message(letter.message)
                except smtplib.SMTPServerDisconnected as exc:
                    for rest in letters[i:]:
                        rest.error = type(exc).__name__
                    return
                except (OSError, smtplib.SMTPException) as exc:
                    letter.error = type(exc).__name__
        finally:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        assert s.smtp_host is not None
        smtp: smtplib.SMTP
        if s.smtp_port == 465:  # TLS from the first byte ("SMTPS")
            smtp = smtplib.SMTP_SSL(
                s.smtp_host,
                s.smtp_port,
                timeout=SMTP_TIMEOUT,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT)
            if s.smtp_starttls:
                try:
                    smtp.starttls(context=ssl.create_default_context())
                except BaseException:
                    smtp.close()
                    raise
        if s.smtp_user:
            try:
                smtp.login(s.smtp_user, s.smtp_password or "")
            except BaseException:
                smtp.close()
                raise
        return smtp

    def _record(self, session: AsyncSession, letters: list[Letter]) -> Round:
        now = self.clock()
        done = Round(taken=len(letters))
        for letter in letters:
            note = letter.notification
            if letter.skip:
                note.email_outcome = f"skipped:{letter.skip}"
                done.skipped += 1
            elif letter.error is None:
                note.emailed_at = now
                note.email_outcome = "sent"
                done.sent += 1
            else:
                attempts = note.attempts = note.attempts + 1
                if attempts >= self.max_attempts:
                    note.email_outcome = f"failed:{letter.error}"[:60]
                    done.failed += 1
                else:
                    wait = self.first_retry * 2 ** (attempts - 1)
                    note.next_attempt_at = now + wait
                    note.email_outcome = f"{RETRY_PREFIX}{letter.error}"[:60]
            session.add(note)
        if letters:
            log.info(
                "staff emails: %d sent, %d skipped, %d failed, %d to try again",
                done.sent,
                done.skipped,
                done.failed,
                len(letters) - done.handled,
            )
        return done
