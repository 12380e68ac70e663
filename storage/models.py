"""The tables. One class per table; relationships are kept as plain foreign keys.

Sensitive columns (names, answers, raw updates) live only here and are never logged.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import JSONType, UTCDateTime, utcnow


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    # "probation" or "partner" (e.g. a women's centre delivering the service for some people).
    kind: str = Field(default="probation", max_length=20)
    # Appointment reminders on Telegram: the day before (at `reminder_hour`, the person's
    # local time) and on the morning of the appointment.
    remind_day_before: bool = Field(default=True)
    remind_on_the_day: bool = Field(default=True)
    reminder_hour: int = Field(default=9)
    # A flag nobody has marked as dealt with after this many office hours goes to the
    # organisation's seniors too (their caseload, and an email).
    escalation_hours: int = Field(default=4)
    # What the organisation tells people in /privacy about their order or licence, in its own
    # words (set by an administrator). None: Tandem's honest default (bot/conversations/privacy.py).
    order_text_en: str | None = Field(default=None, sa_type=Text)
    order_text_cy: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = _created()


class Staff(SQLModel, table=True):
    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    email: str = Field(max_length=320, unique=True)
    name: str = Field(max_length=200)
    # case_manager | senior | admin
    role: str = Field(default="case_manager", max_length=20)
    password_hash: str | None = Field(default=None, max_length=255)
    # A password given out by someone else (`tandem staff add`) is changed at first sign-in.
    must_change_password: bool = Field(default=False)
    # Wrong passwords in a row, and the lockout they led to.
    failed_sign_ins: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_sign_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # An email (no personal details) when someone on their caseload shares, raises a flag or
    # asks for a call — when the server has an SMTP server configured.
    notify_by_email: bool = Field(default=True)
    active: bool = Field(default=True)
    created_at: datetime = _created()


class StaffSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its hash is kept here, so
    a copy of the database signs no one in. Signing out deletes the row."""

    __tablename__ = "staff_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    # The synchroniser token every form of this session carries.
    csrf_token: str = Field(max_length=64)
    created_at: datetime = _created()
    last_seen_at: datetime = _created()
    expires_at: datetime = Field(sa_type=UTCDateTime)


class ServiceUser(SQLModel, table=True):
    """A person on probation. Never called this in anything they see."""

    __tablename__ = "service_user"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    case_manager_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    name: str = Field(max_length=200)
    crn: str | None = Field(default=None, max_length=20, index=True)
    telegram_user_id: int | None = Field(default=None, sa_type=BigInteger, unique=True)
    telegram_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    language: str = Field(default="en", max_length=8)
    # For the person's own "today" (typed dates) and, later, quiet hours for reminders.
    timezone: str = Field(default="Europe/London", max_length=64)
    linked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consented_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # /stop_reminders: no nudges or appointment reminders until /start_reminders.
    reminders_stopped_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Telegram refused a message (they blocked the bot or deleted their account): nothing more
    # is sent until they write again.
    unreachable_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    unreachable_reason: str | None = Field(default=None, max_length=200)
    created_at: datetime = _created()


class Invite(SQLModel, table=True):
    """A single-use invite. Only a hash of the code is kept, so a database leak reveals none."""

    __tablename__ = "invite"

    id: int | None = Field(default=None, primary_key=True)
    service_user_id: int = Field(foreign_key="service_user.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _created()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by_telegram_user_id: int | None = Field(default=None, sa_type=BigInteger)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ScriptVersion(SQLModel, table=True):
    """A published version of a dialogue script, kept by content hash so old conversations can
    continue on exactly the version they started on."""

    __tablename__ = "script_version"

    id: int | None = Field(default=None, primary_key=True)
    script_id: str = Field(max_length=64, index=True)
    content_hash: str = Field(max_length=64, unique=True)
    title: str = Field(max_length=200)
    source: str = Field(sa_column=Column(Text, nullable=False))
    published_at: datetime = _created()


class Conversation(SQLModel, table=True):
    __tablename__ = "conversation"
    __table_args__ = (
        Index("ix_conversation_person_status", "service_user_id", "status"),
        # The latest shared conversation of each tool, for a person's page and the caseload.
        Index("ix_conversation_person_tool", "service_user_id", "script_id", "shared_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    service_user_id: int = Field(foreign_key="service_user.id")
    script_version_id: int = Field(foreign_key="script_version.id", index=True)
    script_id: str = Field(max_length=64)
    # The transitions state (current step id), kept beside the full engine state for queries.
    step: str = Field(max_length=64)
    state: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    # active | paused | finished | abandoned (started over in a preview)
    status: str = Field(default="active", max_length=20)
    # undecided | shared | private — staff only ever see answers of shared conversations.
    sharing: str = Field(default="undecided", max_length=20)
    shared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    started_at: datetime = _created()
    updated_at: datetime = _created()
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Why these answers need a case manager's attention first (the script's `attention`
    # rules that held when they were shared), e.g. ["Said they are struggling"].
    attention: list[str] = Field(default_factory=list, sa_type=JSONType)
    # The case manager's review.
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_by: int | None = Field(default=None, foreign_key="staff.id")
    # Holds sensitive information (e.g. health, other people): shown behind a warning, left
    # out of the printed brief.
    sensitive: bool = Field(default=False)


class Answer(SQLModel, table=True):
    """The current answer to one step of one conversation. Changing an answer replaces it,
    and going back down another path deletes the answers of the path left behind: staff
    see what the person chose to say, not what they took back."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("conversation_id", "step_id"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", index=True)
    service_user_id: int = Field(foreign_key="service_user.id", index=True)
    script_version_id: int = Field(foreign_key="script_version.id")
    step_id: str = Field(max_length=64)
    # The question exactly as the person saw it, in their language.
    question: str = Field(sa_column=Column(Text, nullable=False))
    value: Any = Field(default=None, sa_type=JSONType)
    display: str = Field(sa_column=Column(Text, nullable=False))
    skipped: bool = Field(default=False)
    # "I'd rather not say": a choice the person made, not a question passed over.
    declined: bool = Field(default=False)
    # The Telegram update that carried it: lets the crash test prove exactly-once storage.
    update_id: int | None = Field(default=None, sa_type=BigInteger)
    answered_at: datetime = _created()


class ProcessedUpdate(SQLModel, table=True):
    """Every update handled, keyed by bot and update id: a redelivery is recognised and skipped."""

    __tablename__ = "processed_update"

    bot_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    update_id: int = Field(
        sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    # handled | ignored | failed
    outcome: str = Field(default="handled", max_length=20)
    processed_at: datetime = _created()


class FailedUpdate(SQLModel, table=True):
    """An update our code could not handle. Kept whole so nothing the person sent is lost."""

    __tablename__ = "failed_update"

    id: int | None = Field(default=None, primary_key=True)
    bot_id: int = Field(sa_type=BigInteger)
    update_id: int = Field(sa_type=BigInteger)
    raw: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    error: str = Field(max_length=200)
    created_at: datetime = _created()


class OutboxMessage(SQLModel, table=True):
    """A message waiting to go out, committed in the same transaction as what caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        # Only the unsent rows matter to the sender; keeping them in a partial index makes its
        # "first pending message of each chat" query independent of history size.
        Index(
            "ix_outbox_pending",
            "chat_id",
            "id",
            sqlite_where=text("sent_at IS NULL AND failed_at IS NULL"),
            postgresql_where=text("sent_at IS NULL AND failed_at IS NULL"),
        ),
        Index(
            "ix_outbox_open_buttons",
            "chat_id",
            sqlite_where=text("buttons_open"),
            postgresql_where=text("buttons_open"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger)
    service_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("service_user.id"), nullable=True)
    )
    # Channel-free message (text, buttons, or an edit of an earlier message).
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    created_at: datetime = _created()
    not_before: datetime = _created()
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = Field(default=0)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Error class or Telegram's description only, never message content.
    last_error: str | None = Field(default=None, max_length=300)
    telegram_message_id: int | None = Field(default=None, sa_type=BigInteger)
    # Sent with buttons that are still pressable in the chat.
    buttons_open: bool = Field(default=False)


class Flag(SQLModel, table=True):
    """Something a case manager must see first: a message that may mean the person is at risk,
    or their request for a call. Kept with the message that raised it."""

    __tablename__ = "flag"
    __table_args__ = (Index("ix_flag_open", "service_user_id", "resolved_at"),)

    id: int | None = Field(default=None, primary_key=True)
    service_user_id: int = Field(foreign_key="service_user.id")
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    # safeguarding | callback | cant_attend (the person said they can't make an appointment)
    kind: str = Field(max_length=20)
    # For cant_attend: the appointment they can't make.
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    # For safeguarding: the most urgent category that matched, all of them, and the rule.
    category: str | None = Field(default=None, max_length=40)
    categories: list[str] = Field(default_factory=list, sa_type=JSONType)
    rule: str | None = Field(default=None, max_length=300)
    rules_digest: str | None = Field(default=None, max_length=64)
    message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    update_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = _created()
    callback_requested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # A voice note or photo whose caption raised the flag: Telegram's reference to it.
    media_kind: str | None = Field(default=None, max_length=20)
    file_id: str | None = Field(default=None, max_length=255)
    # The newest message added to this flag (the first, or a repeat): worrying messages soon
    # after it are added to it rather than raising new flags.
    last_message_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # What the person chose after the crisis reply: later (carry on with the tool later) |
    # call | ok. "ok" never closes a flag; only staff do.
    person_choice: str | None = Field(default=None, max_length=20)
    person_choice_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The outbox row of the newest choice message, so a newer one can take its buttons away.
    choice_outbox_id: int | None = Field(default=None, sa_type=BigInteger)
    # Whether a call is safe (asked when someone may be hurting them): safe | not_safe | times,
    # with the times they typed; awaiting_times_since while their next message is those times.
    contact: str | None = Field(default=None, max_length=20)
    contact_times: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    awaiting_times_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Follow-up: not dealt with by `escalate_at` (office hours), it goes to the seniors.
    escalate_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_by: int | None = Field(default=None, foreign_key="staff.id")
    resolution: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class FlagMessage(SQLModel, table=True):
    """A message added to a flag after the one that raised it: another worrying message soon
    after (repeat), or what the person wrote while the crisis reply waited for their choice
    (after). Never an answer to a tool."""

    __tablename__ = "flag_message"

    id: int | None = Field(default=None, primary_key=True)
    flag_id: int = Field(foreign_key="flag.id", index=True)
    service_user_id: int = Field(foreign_key="service_user.id", index=True)
    # repeat | after
    kind: str = Field(max_length=20)
    text: str = Field(sa_column=Column(Text, nullable=False))
    categories: list[str] = Field(default_factory=list, sa_type=JSONType)
    rule: str | None = Field(default=None, max_length=300)
    media_kind: str | None = Field(default=None, max_length=20)
    file_id: str | None = Field(default=None, max_length=255)
    update_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = _created()


class Note(SQLModel, table=True):
    """A case manager's note on a person, or on one conversation of theirs."""

    __tablename__ = "note"

    id: int | None = Field(default=None, primary_key=True)
    service_user_id: int = Field(foreign_key="service_user.id", index=True)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    staff_id: int = Field(foreign_key="staff.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _created()


class PlanItem(SQLModel, table=True):
    """One step of the plan made with the person: what, who, by when, and the answers it came
    from. It is sent to the person to agree, change or talk about; their reply is kept here."""

    __tablename__ = "plan_item"
    __table_args__ = (Index("ix_plan_item_person", "service_user_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    service_user_id: int = Field(foreign_key="service_user.id")
    what: str = Field(sa_column=Column(Text, nullable=False))
    who: str = Field(default="", max_length=200)
    by_when: date | None = Field(default=None)
    # Where it came from, copied when the item was made so the link survives later changes:
    # [{"answer_id", "conversation_id", "tool", "question", "display"}].
    sources: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    # open | done | dropped — the staff side; the person's side is `response`.
    status: str = Field(default="open", max_length=20)
    # Bumped on every edit: buttons of an older wording are refused.
    revision: int = Field(default=1)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_revision: int | None = Field(default=None)
    # agree | change | talk, in the person's own press; `response_text` holds their words.
    response: str | None = Field(default=None, max_length=20)
    response_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set after "I'd change something": the person's next message is their words for it.
    awaiting_words_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: int = Field(foreign_key="staff.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Appointment(SQLModel, table=True):
    """A supervision appointment with the person."""

    __tablename__ = "appointment"
    __table_args__ = (Index("ix_appointment_person_at", "service_user_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    service_user_id: int = Field(foreign_key="service_user.id")
    at: datetime = Field(sa_type=UTCDateTime)
    # in_person | phone | video
    kind: str = Field(default="in_person", max_length=20)
    # The office or the number to be rung on, as the person should read it.
    place: str = Field(default="", max_length=200)
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = _created()
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Assignment(SQLModel, table=True):
    """A tool set for the person to do before an appointment (or as a regular check-in)."""

    __tablename__ = "assignment"
    __table_args__ = (Index("ix_assignment_person_status", "service_user_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    service_user_id: int = Field(foreign_key="service_user.id")
    tool: str = Field(max_length=64)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id")
    checkin_schedule_id: int | None = Field(default=None, foreign_key="checkin_schedule.id")
    # The case manager's own words to the person, e.g. "Have a think about who helps you".
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # When it stops being asked for: the appointment, or the end of a check-in's window.
    due_at: datetime = Field(sa_type=UTCDateTime)
    # set | started | shared | reviewed | expired | cancelled
    status: str = Field(default="set", max_length=20)
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    invited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_nudged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    nudges: int = Field(default=0)
    set_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = _created()
    updated_at: datetime = _created()


class CheckinSchedule(SQLModel, table=True):
    """A repeating check-in (weekly, fortnightly, four-weekly), as the probation service's own
    online check-ins do: each one open for `window_days`."""

    __tablename__ = "checkin_schedule"

    id: int | None = Field(default=None, primary_key=True)
    service_user_id: int = Field(foreign_key="service_user.id", index=True)
    tool: str = Field(default="check_in", max_length=64)
    every_days: int = Field(default=7)
    window_days: int = Field(default=3)
    next_at: datetime = Field(sa_type=UTCDateTime)
    active: bool = Field(default=True)
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = _created()


class DueJob(SQLModel, table=True):
    """Something to do at a time: invite to an assignment, nudge, remind of an appointment,
    expire, open the next check-in, email a case manager. Kept here, never only in memory, so
    a restart loses and duplicates nothing; several Tandem processes share them with
    SKIP LOCKED (PostgreSQL) or a short claim (SQLite)."""

    __tablename__ = "due_job"
    __table_args__ = (
        Index(
            "ix_due_job_pending",
            "due_at",
            sqlite_where=text("done_at IS NULL"),
            postgresql_where=text("done_at IS NULL"),
        ),
        # One job of a kind for the same thing at the same time: scheduling twice is harmless.
        UniqueConstraint("kind", "ref_id", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # invite | nudge | expire | appointment_day_before | appointment_morning | checkin | notify
    kind: str = Field(max_length=40)
    ref_id: int = Field(sa_type=BigInteger)
    service_user_id: int | None = Field(default=None, foreign_key="service_user.id")
    due_at: datetime = Field(sa_type=UTCDateTime)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = Field(default=0)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # What happened: sent | skipped:<why> | deferred | failed:<error class>
    outcome: str | None = Field(default=None, max_length=60)
    created_at: datetime = _created()


class StaffNotification(SQLModel, table=True):
    """Something new for a case manager: shown on the caseload at once, and emailed when the
    server has SMTP. The email says only "something new for CRN X"."""

    __tablename__ = "staff_notification"
    __table_args__ = (Index("ix_staff_notification_staff", "staff_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id")
    service_user_id: int = Field(foreign_key="service_user.id")
    # shared | flag | callback | escalated (a flag left too long, to a senior)
    kind: str = Field(max_length=20)
    created_at: datetime = _created()
    emailed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Failed sends so far, and when to try again (None: at once).
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # None while waiting | sent | skipped:<why> | retry:<error class> | failed:<error class>
    email_outcome: str | None = Field(default=None, max_length=60)


class PersonSeen(SQLModel, table=True):
    """When a member of staff last opened a person's page: "new since I last looked"."""

    __tablename__ = "person_seen"

    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    service_user_id: int = Field(foreign_key="service_user.id", primary_key=True)
    seen_at: datetime = _created()


class AuditEvent(SQLModel, table=True):
    """Every staff view and export of a person's data."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _created()
    # "staff:<id>" or "cli:<os user>"
    actor: str = Field(max_length=120, index=True)
    action: str = Field(max_length=60)
    service_user_id: int | None = Field(default=None, foreign_key="service_user.id", index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)


class Setting(SQLModel, table=True):
    """Small facts learned at run time, e.g. the bot's username for invite links."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=500)


metadata = SQLModel.metadata
