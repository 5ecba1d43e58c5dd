"""Leaderboards from totals kept as answers count: top 10 and any member's rank are index scans.

Ties go to whoever reached the total first (`reached`: the time of the last answer that added points; an
answer worth nothing does not move it).
"""

from __future__ import annotations

import functools
from datetime import date, datetime

from sqlalchemy import and_, case, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.rules.periods import PERIODS, bucket
from bot.store.tables import Answer, BoardTotal, Member, table_of
from bot.surface.cards import BoardRow

WORKSPACE_SCOPE = 0  # channel_id of the whole-workspace rows


def _buckets(answer: Answer, tz: str) -> list[tuple[int, str, date]]:
    scopes = {WORKSPACE_SCOPE, answer.channel_id or WORKSPACE_SCOPE}
    return [(scope, p, bucket(p, answer.created_at, tz)) for scope in scopes for p in PERIODS]


async def credit(session: AsyncSession, answer: Answer, tz: str) -> None:
    """Add a counted answer's points to every board it belongs to (both scopes, every period)."""
    await _add(session, answer, tz, answer.points, 1)


async def adjust(session: AsyncSession, answer: Answer, tz: str, delta: int) -> None:
    """A rescored answer (an accepted appeal) moves its boards by the difference."""
    await _add(session, answer, tz, delta, 0)


async def rebuild(session: AsyncSession, workspace_id: int, tz: str) -> None:
    """Every board of a workspace again from its counted answers: its timezone changed, so did its weeks."""
    await session.execute(delete(BoardTotal).where(BoardTotal.workspace_id == workspace_id))
    answers = await session.scalars(
        select(Answer)
        .where(Answer.workspace_id == workspace_id, Answer.counted.is_(True))
        .order_by(Answer.created_at, Answer.id)
    )
    totals: dict[tuple, dict] = {}
    for answer in answers.all():
        for scope, period, starts in _buckets(answer, tz):
            row = totals.setdefault(
                (scope, period, starts, answer.member_id),
                {"points": 0, "answers": 0, "reached": answer.created_at},
            )
            row["points"] += answer.points
            row["answers"] += 1
            if answer.points > 0:
                row["reached"] = answer.created_at
    if totals:
        await session.execute(
            table_of(BoardTotal).insert(),
            [
                {
                    "workspace_id": workspace_id,
                    "channel_id": c,
                    "period": p,
                    "starts": s,
                    "member_id": m,
                    **row,
                }
                for (c, p, s, m), row in totals.items()
            ],
        )


async def _add(session: AsyncSession, answer: Answer, tz: str, points: int, answers: int) -> None:
    rows = [
        {
            "workspace_id": answer.workspace_id,
            "channel_id": scope,
            "period": period,
            "starts": starts,
            "member_id": answer.member_id,
            "points": points,
            "answers": answers,
            "reached": answer.created_at,
        }
        for scope, period, starts in _buckets(answer, tz)
    ]
    await session.execute(_upsert(session.get_bind().dialect.name), rows)


@functools.cache
def _upsert(dialect: str):
    """One statement for every dialect, built once: SQLAlchemy then reuses its compiled form."""
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(BoardTotal)
    latest = func.greatest if dialect == "postgresql" else func.max
    return stmt.on_conflict_do_update(
        index_elements=["workspace_id", "channel_id", "period", "starts", "member_id"],
        set_={
            "points": BoardTotal.points + stmt.excluded.points,
            "answers": BoardTotal.answers + stmt.excluded.answers,
            "reached": case(
                (stmt.excluded.points > 0, latest(BoardTotal.reached, stmt.excluded.reached)),
                else_=BoardTotal.reached,
            ),
        },
    )


def _board(workspace_id: int, channel_id: int | None, period: str, now: datetime, tz: str):
    return (
        BoardTotal.workspace_id == workspace_id,
        BoardTotal.channel_id == (channel_id or WORKSPACE_SCOPE),
        BoardTotal.period == period,
        BoardTotal.starts == bucket(period, now, tz),
    )


async def top(
    session: AsyncSession,
    workspace_id: int,
    period: str,
    now: datetime,
    tz: str,
    channel_id: int | None = None,
    limit: int = 10,
) -> list[BoardRow]:
    rows = await session.execute(
        select(Member.display_name, Member.external_id, BoardTotal.points, BoardTotal.answers)
        .join(Member, Member.id == BoardTotal.member_id)
        .where(*_board(workspace_id, channel_id, period, now, tz))
        .order_by(BoardTotal.points.desc(), BoardTotal.reached.asc(), BoardTotal.member_id.asc())
        .limit(limit)
    )
    return [
        BoardRow(rank=i, member=name or ext, points=int(points), answers=int(count))
        for i, (name, ext, points, count) in enumerate(rows.all(), start=1)
    ]


async def rank_of(
    session: AsyncSession,
    workspace_id: int,
    member_id: int,
    period: str,
    now: datetime,
    tz: str,
    channel_id: int | None = None,
) -> BoardRow | None:
    """The member's own row, even far outside the top ten; None when they have no points yet."""
    board = _board(workspace_id, channel_id, period, now, tz)
    mine = await session.get(
        BoardTotal,
        (workspace_id, channel_id or WORKSPACE_SCOPE, period, bucket(period, now, tz), member_id),
    )
    if mine is None:
        return None
    ahead = await session.scalar(
        select(func.count())
        .select_from(BoardTotal)
        .where(
            *board,
            or_(
                BoardTotal.points > mine.points,
                and_(BoardTotal.points == mine.points, BoardTotal.reached < mine.reached),
                and_(
                    BoardTotal.points == mine.points,
                    BoardTotal.reached == mine.reached,
                    BoardTotal.member_id < member_id,
                ),
            ),
        )
    )
    member = await session.get(Member, member_id)
    name = (member.display_name or member.external_id) if member else "?"
    return BoardRow(rank=int(ahead or 0) + 1, member=name, points=mine.points, answers=mine.answers)
