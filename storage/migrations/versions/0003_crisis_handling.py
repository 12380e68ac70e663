"""Crisis handling: what the person chose after a crisis reply, whether a call is safe and when,
worrying messages added to a flag, and flags escalated to seniors when left too long.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 14:51:31.966206
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import storage.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "flag_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("service_user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "categories",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("media_kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("file_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("update_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["flag_id"], ["flag.id"]),
        sa.ForeignKeyConstraint(["service_user_id"], ["service_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("flag_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flag_message_flag_id"), ["flag_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_flag_message_service_user_id"), ["service_user_id"], unique=False
        )

    with op.batch_alter_table("flag", schema=None) as batch_op:
        for name, kind in (
            ("media_kind", sqlmodel.sql.sqltypes.AutoString(length=20)),
            ("file_id", sqlmodel.sql.sqltypes.AutoString(length=255)),
            ("last_message_at", storage.types.UTCDateTime(timezone=True)),
            ("person_choice", sqlmodel.sql.sqltypes.AutoString(length=20)),
            ("person_choice_at", storage.types.UTCDateTime(timezone=True)),
            ("choice_outbox_id", sa.BigInteger()),
            ("contact", sqlmodel.sql.sqltypes.AutoString(length=20)),
            ("contact_times", sa.Text()),
            ("awaiting_times_since", storage.types.UTCDateTime(timezone=True)),
            ("escalate_at", storage.types.UTCDateTime(timezone=True)),
            ("escalated_at", storage.types.UTCDateTime(timezone=True)),
        ):
            batch_op.add_column(sa.Column(name, kind, nullable=True))

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("escalation_hours", sa.Integer(), nullable=False, server_default="4")
        )

    _follow_up_open_flags()


def _follow_up_open_flags() -> None:
    """Flags raised before this release and still open have waited longer than any follow-up
    time: they go to the seniors at the first scheduler pass after the upgrade (the same job
    every new flag gets, `flag_escalation`, due now)."""
    now = datetime.now(UTC)
    when = storage.types.UTCDateTime(timezone=True)
    flag = sa.table(
        "flag",
        sa.column("id", sa.Integer()),
        sa.column("service_user_id", sa.Integer()),
        sa.column("resolved_at", when),
        sa.column("escalate_at", when),
    )
    due_job = sa.table(
        "due_job",
        sa.column("kind", sa.String()),
        sa.column("ref_id", sa.BigInteger()),
        sa.column("service_user_id", sa.Integer()),
        sa.column("due_at", when),
        sa.column("attempts", sa.Integer()),
        sa.column("created_at", when),
    )
    bind = op.get_bind()
    open_flags = bind.execute(
        sa.select(flag.c.id, flag.c.service_user_id).where(
            flag.c.resolved_at.is_(None), flag.c.escalate_at.is_(None)
        )
    ).all()
    if not open_flags:
        return
    bind.execute(
        flag.update()
        .where(flag.c.id.in_([row.id for row in open_flags]))
        .values(escalate_at=now)
    )
    bind.execute(
        due_job.insert(),
        [
            {
                "kind": "flag_escalation",
                "ref_id": row.id,
                "service_user_id": row.service_user_id,
                "due_at": now,
                "attempts": 0,
                "created_at": now,
            }
            for row in open_flags
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("escalation_hours")

    with op.batch_alter_table("flag", schema=None) as batch_op:
        for name in (
            "escalated_at",
            "escalate_at",
            "awaiting_times_since",
            "contact_times",
            "contact",
            "choice_outbox_id",
            "person_choice_at",
            "person_choice",
            "last_message_at",
            "file_id",
            "media_kind",
        ):
            batch_op.drop_column(name)

    with op.batch_alter_table("flag_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flag_message_service_user_id"))
        batch_op.drop_index(batch_op.f("ix_flag_message_flag_id"))

    op.drop_table("flag_message")
