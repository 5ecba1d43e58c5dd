"""Leaderboard queries: totals per member, ties to whoever reached the total first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.tables import Answer, Member
from bot.views import BoardRow


def _totals(workspace_id: int, since: datetime | None, channel_id: int | None):
    conditions = [Answer.workspace_id == workspace_id, Answer.counted.is_(True)]
    if since is not None:
        conditions.append(Answer.created_at >= since)
    if channel_id is not None:
        conditions.append(Answer.channel_id == channel_id)
    return (
        select(
            Answer.member_id.label("member_id"),
            func.sum(Answer.points).label("points"),
            func.count().label("answers"),
            func.max(Answer.created_at).label("reached"),
        )
        .where(*conditions)
        .group_by(Answer.member_id)
        .subquery()
    )


async def top(
    session: AsyncSession,
    workspace_id: int,
    since: datetime | None,
    channel_id: int | None = None,
    limit: int = 10,
) -> list[BoardRow]:
    totals = _totals(workspace_id, since, channel_id)
    rows = await session.execute(
        select(Member.display_name, Member.external_id, totals.c.points, totals.c.answers)
        .join(totals, totals.c.member_id == Member.id)
        .order_by(totals.c.points.desc(), totals.c.reached.asc(), Member.id.asc())
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
    since: datetime | None,
    channel_id: int | None = None,
) -> BoardRow | None:
    """The member's own row, even far outside the top ten; None when they have no points yet."""
    totals = _totals(workspace_id, since, channel_id)
    mine = (
        await session.execute(
            select(totals.c.points, totals.c.answers, totals.c.reached).where(totals.c.member_id == member_id)
        )
    ).first()
    if mine is None:
        return None
    points, answers, reached = mine
    ahead = await session.scalar(
        select(func.count())
        .select_from(totals)
        .where(
            or_(
                totals.c.points > points,
                and_(totals.c.points == points, totals.c.reached < reached),
                and_(totals.c.points == points, totals.c.reached == reached, totals.c.member_id < member_id),
            )
        )
    )
    member = await session.get(Member, member_id)
    name = member.display_name or member.external_id if member else "?"
    return BoardRow(rank=int(ahead or 0) + 1, member=name, points=int(points), answers=int(answers))
