"""leaderboard totals

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 03:57:23.978021
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "board_totals",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("reached", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_board_totals_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_board_totals_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "workspace_id", "channel_id", "period", "starts", "member_id", name=op.f("pk_board_totals")
        ),
    )
    with op.batch_alter_table("board_totals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_board_totals_rank",
            [
                "workspace_id",
                "channel_id",
                "period",
                "starts",
                sa.literal_column("points DESC"),
                "reached",
                "member_id",
            ],
            unique=False,
        )
    _backfill()


def _backfill() -> None:
    """Totals for answers counted before this table existed (frozen logic: no imports from the bot)."""
    rows = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT a.workspace_id, a.channel_id, a.member_id, a.points, a.created_at, w.timezone"
                " FROM answers a JOIN workspaces w ON w.id = a.workspace_id WHERE a.counted"
            )
        )
        .all()
    )
    totals: dict[tuple, list] = {}
    for workspace_id, channel_id, member_id, points, created, tz in rows:
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        local = created.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).date()
        starts = {
            "week": local - timedelta(days=local.weekday()),
            "month": local.replace(day=1),
            "all": date(1970, 1, 1),
        }
        for scope in {0, channel_id or 0}:
            for period, first in starts.items():
                total = totals.setdefault((workspace_id, scope, period, first, member_id), [0, 0, created])
                total[0] += points
                total[1] += 1
                total[2] = max(total[2], created)
    table = sa.table(
        "board_totals",
        *(
            sa.column(c)
            for c in (
                "workspace_id",
                "channel_id",
                "period",
                "starts",
                "member_id",
                "points",
                "answers",
                "reached",
            )
        ),
    )
    op.bulk_insert(
        table,
        [
            {
                "workspace_id": k[0],
                "channel_id": k[1],
                "period": k[2],
                "starts": k[3],
                "member_id": k[4],
                "points": v[0],
                "answers": v[1],
                "reached": v[2],
            }
            for k, v in totals.items()
        ],
    )


def downgrade() -> None:

    with op.batch_alter_table("board_totals", schema=None) as batch_op:
        batch_op.drop_index("ix_board_totals_rank")

    op.drop_table("board_totals")
