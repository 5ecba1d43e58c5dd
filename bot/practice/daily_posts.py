"""A channel's post of a day as members see it: claimed on first request, counted, closed once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.practice import channels, claims, directory, questions
from bot.practice.answers import is_closed
from bot.practice.deps import Deps
from bot.rules.calendar import local_day
from bot.store.tables import Answer, ChannelStreak, DailyPost, Member
from bot.surface.cards import BoardRow, PostSummary, QuestionCard
from bot.surface.context import Place

MILESTONES = (3, 5, 10, 20, 30, 50, 100)


async def today(deps: Deps, place: Place, local_date: date | None = None) -> QuestionCard:
    """Today's post of a channel, claimed once: the unique (channel, local date) key decides races.

    A channel nobody set up, a paused one, a skipped day or a day off the schedule gets a plain
    refusal, and no post is created or counted.
    """
    now = deps.clock()

    async def work(session: AsyncSession) -> QuestionCard:
        ws = await directory.workspace(session, place, now, deps.default_timezone)
        channel = await directory.find_channel(session, ws, place)
        if channel is None:
            raise UserError(channels.NOT_SET_UP + channels.NOW)
        tz = directory.channel_tz(channel, ws)
        day = local_date or local_day(now, tz)
        post = await claims.existing(session, channel.id, day)
        if post is None:
            channels.refuse_unscheduled(channel, day)
            post = await claims.claim(session, deps.bank, channel, tz, day, now)
        return await _card(deps, session, post, now)

    return await deps.transaction(work)


async def card(deps: Deps, post_id: int) -> QuestionCard:
    """A daily post as it stands: its prompt for the Answer modal, its count for "N answered"."""
    now = deps.clock()

    async def work(session: AsyncSession) -> QuestionCard:
        post = await session.get(DailyPost, post_id)
        if post is None:
            raise UserError("No such daily question.")
        return await _card(deps, session, post, now)

    return await deps.transaction(work)


async def _card(deps: Deps, session: AsyncSession, post: DailyPost, now: datetime) -> QuestionCard:
    question = questions.lookup(deps.bank, post.question_id)
    answered = await session.scalar(
        select(func.count()).where(Answer.post_id == post.id, Answer.counted.is_(True))
    )
    return questions.card(
        question,
        post_id=post.id,
        local_date=post.local_date.isoformat(),
        answered=int(answered or 0),
        closed=is_closed(post, now),
    )


async def close(deps: Deps, post_id: int) -> PostSummary:
    """Close a post: settle channel streaks (no answer, no streak) and summarise. Safe to repeat."""
    now = deps.clock()

    async def work(session: AsyncSession) -> PostSummary:
        post = await session.get(DailyPost, post_id)
        if post is None:
            raise UserError("No such daily question.")
        if post.closed_at is None:
            post.closed_at = now
            post.state = "closed"
            await session.execute(
                update(ChannelStreak)
                .where(
                    ChannelStreak.channel_id == post.channel_id,
                    (ChannelStreak.last_date.is_(None)) | (ChannelStreak.last_date < post.local_date),
                )
                .values(current=0)
            )
        question = questions.lookup(deps.bank, post.question_id)
        rows = await session.execute(
            select(Member.display_name, Member.external_id, Answer.score)
            .join(Member, Member.id == Answer.member_id)
            .where(Answer.post_id == post.id, Answer.counted.is_(True))
            .order_by(Answer.score.desc(), Answer.created_at.asc())
        )
        answers = rows.all()
        streaks = await session.execute(
            select(Member.display_name, Member.external_id, ChannelStreak.current)
            .join(Member, Member.id == ChannelStreak.member_id)
            .where(
                ChannelStreak.channel_id == post.channel_id,
                ChannelStreak.last_date == post.local_date,
                ChannelStreak.current.in_(MILESTONES),
            )
        )
        return PostSummary(
            post_id=post.id,
            question_id=question.id,
            prompt=question.prompt,
            reference=question.answer,
            answered=len(answers),
            top=tuple(
                BoardRow(rank=i, member=name or ext, points=score, answers=1)
                for i, (name, ext, score) in enumerate(answers[:5], start=1)
            ),
            milestones=tuple((name or ext, current) for name, ext, current in streaks.all()),
            tips=question.tips,
            card=await _card(deps, session, post, now),
        )

    return await deps.transaction(work)
