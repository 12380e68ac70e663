"""An appointment the person said they can't make: a flag of kind "cant_attend" names it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 18:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.add_column(sa.Column("appointment_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_flag_appointment_id_appointment", "appointment", ["appointment_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.drop_constraint("fk_flag_appointment_id_appointment", type_="foreignkey")
        batch_op.drop_column("appointment_id")
