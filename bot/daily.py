"""Claiming a channel's post of a local day: the unique (channel, local date) key decides every race."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import directory, picking
from bot.bank import Bank
from bot.calendar import closes_at
from bot.store.tables import Channel, DailyPost


async def post_of(session: AsyncSession, channel_id: int, day: date) -> DailyPost | None:
    return await session.scalar(
        select(DailyPost).where(DailyPost.channel_id == channel_id, DailyPost.local_date == day)
    )


async def claim(
    session: AsyncSession, bank: Bank, channel: Channel, tz: str, day: date, now: datetime
) -> DailyPost:
    """The day's post, created (state `claimed`) by whoever gets there first.

    The question choice is seeded by channel and date, so two processes racing here pick the same one
    and the loser simply reads the winner's row.
    """
    post = await post_of(session, channel.id, day)
    if post is not None:
        return post
    candidates = picking.pool(bank, channel.topics, channel.difficulty)
    question = await picking.next_daily(session, channel.id, candidates, f"{channel.id}:{day}")
    await session.execute(
        directory.insert_for(session, DailyPost)
        .values(
            channel_id=channel.id,
            question_id=question.id,
            local_date=day,
            state="claimed",
            claimed_at=now,
            closes_at=closes_at(day, channel.post_time, channel.weekdays, channel.close_time, tz),
        )
        .on_conflict_do_nothing()
    )
    post = await post_of(session, channel.id, day)
    assert post is not None
    return post
