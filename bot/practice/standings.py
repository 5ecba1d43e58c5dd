"""Where a member stands: leaderboards, streaks and stats, each read on the right local calendar."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.practice import boards, directory, streak_rows
from bot.practice.deps import Deps
from bot.rules.calendar import local_day
from bot.rules.periods import PERIODS, week_start
from bot.rules.streaks import practice_current
from bot.store.tables import Answer, ChannelStreak, PracticeStreak, QuestionRow
from bot.surface.cards import Leaderboard, StatsView, StreakView, TopicLine
from bot.surface.charts import StatsPicture, TopicMastery, render_stats_png
from bot.surface.context import Actor

SCOPES = ("workspace", "channel")


async def leaderboard(deps: Deps, actor: Actor, period: str, scope: str) -> Leaderboard:
    if period not in PERIODS:
        raise UserError(f"Period must be one of: {', '.join(PERIODS)}.")
    if scope not in SCOPES:
        raise UserError(f"Scope must be one of: {', '.join(SCOPES)}.")
    if scope == "channel" and actor.place.channel is None:
        raise UserError("A channel leaderboard needs a channel; use the workspace scope here.")
    now = deps.clock()

    async def work(session: AsyncSession) -> Leaderboard:
        ws, member = await deps.context(session, actor)
        channel_id = None
        if scope == "channel":
            channel = await directory.find_channel(session, ws, actor.place)
            if channel is None:  # nobody set this channel up: no daily answers, an empty board
                return Leaderboard(period=period, scope=scope, rows=())
            channel_id = channel.id
        rows = await boards.top(session, ws.id, period, now, ws.timezone, channel_id)
        me = await boards.rank_of(session, ws.id, member.id, period, now, ws.timezone, channel_id)
        return Leaderboard(period=period, scope=scope, rows=tuple(rows), me=me)

    return await deps.transaction(work)


async def streak(deps: Deps, actor: Actor) -> StreakView:
    now = deps.clock()

    async def work(session: AsyncSession) -> StreakView:
        ws, member = await deps.context(session, actor)
        row = await streak_rows.row(session, PracticeStreak, create=False, member_id=member.id)
        practice = streak_rows.read(row)
        view = StreakView(
            practice_current=practice_current(practice, local_day(now, directory.member_tz(member, ws))),
            practice_best=practice.best,
        )
        channel = None
        if actor.place.channel is not None:
            channel = await directory.find_channel(session, ws, actor.place)
        if channel is not None:
            here = await streak_rows.row(
                session, ChannelStreak, create=False, member_id=member.id, channel_id=channel.id
            )
            view = StreakView(view.practice_current, view.practice_best, here.current, here.best)
        return view

    return await deps.transaction(work)


async def stats(deps: Deps, actor: Actor, picture: bool) -> StatsView:
    async def work(session: AsyncSession) -> tuple[str, str, Sequence[tuple[datetime, int, str]]]:
        ws, member = await deps.context(session, actor)
        rows = await session.execute(
            select(Answer.created_at, Answer.score, QuestionRow.topic)
            .join(QuestionRow, QuestionRow.id == Answer.question_id)
            .where(Answer.member_id == member.id)
            .order_by(Answer.created_at)
        )
        return member.display_name or member.external_id, directory.member_tz(member, ws), rows.all()

    name, tz, rows = await deps.transaction(work)
    return _stats_view(name, tz, rows, picture)


def _stats_view(name: str, tz: str, rows: Sequence[tuple[datetime, int, str]], picture: bool) -> StatsView:
    by_topic: dict[str, list[int]] = defaultdict(list)
    by_week: dict[date, list[int]] = defaultdict(list)
    for created, score, topic in rows:
        by_topic[topic].append(score)
        by_week[week_start(local_day(created, tz))].append(score)
    topics = tuple(
        TopicLine(topic, len(scores), round(sum(scores) / len(scores), 1))
        for topic, scores in sorted(by_topic.items())
    )
    weakest = tuple(t.topic for t in sorted(topics, key=lambda t: (t.average, t.topic)) if t.average < 70)[:3]
    scores = [score for _, score, _ in rows]
    png = b""
    if picture:
        png = render_stats_png(
            StatsPicture(
                member=name,
                weekly=[(week, sum(s) / len(s)) for week, s in sorted(by_week.items())],
                topics=[TopicMastery(t.topic, t.answers, t.average) for t in topics],
            )
        )
    return StatsView(
        member=name,
        answers=len(scores),
        average=round(sum(scores) / len(scores), 1) if scores else 0.0,
        topics=topics,
        weakest=weakest,
        picture_png=png,
    )
