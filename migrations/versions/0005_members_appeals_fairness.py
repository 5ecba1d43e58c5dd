"""members' chosen timezones and admin sightings, self-decided appeals, daily streak bonuses, board ties

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 06:10:00.000000

Two backfills, with frozen logic (no imports from the bot):
- `answers.streak_bonus` of every daily answer, replayed from the channel's posts: the run of consecutive
  posts the member answered, ending at this one (+5 per post after the first, at most +20), so an appeal
  accepted later can give an answer graded incorrect the bonus it would have earned.
- `board_totals.reached`: the time of the member's last answer that earned points in that board (a later
  0-point answer no longer moves it), or of their first answer when none did.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chosen_timezone", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("admin_seen_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("self_decided", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("streak_bonus", sa.Integer(), nullable=True))
    _backfill_streak_bonus()
    _recompute_reached()


def _as_datetime(value) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _backfill_streak_bonus() -> None:
    bind = op.get_bind()
    posts = bind.execute(sa.text("SELECT id, channel_id, local_date FROM daily_posts")).all()
    order: dict[int, tuple[int, int]] = {}  # post id -> (channel, position among the channel's posts)
    by_channel: dict[int, list[tuple[date, int]]] = {}
    for post_id, channel_id, local_date in posts:
        by_channel.setdefault(channel_id, []).append((_as_date(local_date), post_id))
    for channel_id, dated in by_channel.items():
        for position, (_, post_id) in enumerate(sorted(dated)):
            order[post_id] = (channel_id, position)
    answers = bind.execute(
        sa.text("SELECT id, member_id, post_id FROM answers WHERE post_id IS NOT NULL AND counted")
    ).all()
    answered: dict[tuple[int, int], set[int]] = {}
    for _, member_id, post_id in answers:
        channel_id, position = order[post_id]
        answered.setdefault((member_id, channel_id), set()).add(position)
    updates = []
    for answer_id, member_id, post_id in answers:
        channel_id, position = order[post_id]
        mine, run = answered[(member_id, channel_id)], 1
        while position - run in mine:
            run += 1
        updates.append({"aid": answer_id, "bonus": min(5 * (run - 1), 20)})
    if updates:
        bind.execute(sa.text("UPDATE answers SET streak_bonus = :bonus WHERE id = :aid"), updates)


def _recompute_reached() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT a.workspace_id, a.channel_id, a.member_id, a.points, a.created_at, w.timezone"
            " FROM answers a JOIN workspaces w ON w.id = a.workspace_id WHERE a.counted"
        )
    ).all()
    first: dict[tuple, datetime] = {}
    scored: dict[tuple, datetime] = {}
    for workspace_id, channel_id, member_id, points, created, tz in rows:
        created = _as_datetime(created)
        local = created.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).date()
        starts = {
            "week": local - timedelta(days=local.weekday()),
            "month": local.replace(day=1),
            "all": date(1970, 1, 1),
        }
        for scope in {0, channel_id or 0}:
            for period, begins in starts.items():
                key = (workspace_id, scope, period, begins, member_id)
                first[key] = min(first.get(key, created), created)
                if points > 0:
                    scored[key] = max(scored.get(key, created), created)
    updates = [
        {"ws": k[0], "ch": k[1], "period": k[2], "starts": k[3], "member": k[4], "reached": scored.get(k, at)}
        for k, at in first.items()
    ]
    if updates:
        bind.execute(
            sa.text(
                "UPDATE board_totals SET reached = :reached WHERE workspace_id = :ws AND channel_id = :ch"
                " AND period = :period AND starts = :starts AND member_id = :member"
            ).bindparams(
                sa.bindparam("reached", type_=sa.DateTime()), sa.bindparam("starts", type_=sa.Date())
            ),
            updates,
        )


def downgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("streak_bonus")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_column("self_decided")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("admin_seen_at")
        batch_op.drop_column("chosen_timezone")
