"""Privacy: each organisation's own words, in English and Welsh, about what can happen if
something a person writes is about their order or licence (shown in /privacy).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 18:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("order_text_en", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("order_text_cy", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("order_text_cy")
        batch_op.drop_column("order_text_en")
