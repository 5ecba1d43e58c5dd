"""daily posts: who holds the lease, and how many sends were started

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:00:00.000000
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

    with op.batch_alter_table("daily_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
    # A post caught mid-send by the upgrade may have reached the platform: count that send.
    op.execute("UPDATE daily_posts SET attempts = 1 WHERE state = 'sending'")


def downgrade() -> None:

    with op.batch_alter_table("daily_posts", schema=None) as batch_op:
        batch_op.drop_column("attempts")
        batch_op.drop_column("lease_owner")
