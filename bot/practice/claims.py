"""Claiming channels' posts of a local day: the unique (channel, local date) key decides every race."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bank import Bank
from bot.practice import directory, picking
from bot.rules.calendar import closes_at
from bot.store.tables import Channel, DailyPost


async def existing(session: AsyncSession, channel_id: int, day: date) -> DailyPost | None:
    return (await _posts(session, [(channel_id, day)])).get(channel_id)


async def claim(
    session: AsyncSession, bank: Bank, channel: Channel, tz: str, day: date, now: datetime
) -> DailyPost:
    return (await claim_many(session, bank, [(channel, tz, day)], now))[channel.id]


async def claim_many(
    session: AsyncSession, bank: Bank, wanted: Sequence[tuple[Channel, str, date]], now: datetime
) -> dict[int, DailyPost]:
    """Each channel's post of its day, created (state `claimed`) by whoever gets there first.

    A handful of statements for any number of channels. The question is seeded by channel and date,
    so two processes racing here pick the same one and the loser simply reads the winner's row.
    """
    if not wanted:
        return {}
    keys = [(channel.id, day) for channel, _, day in wanted]
    found = await _posts(session, keys)
    missing = [(channel, tz, day) for channel, tz, day in wanted if channel.id not in found]
    if missing:
        used = await _used_questions(session, [channel.id for channel, _, _ in missing])
        rows = []
        for channel, tz, day in missing:
            candidates = picking.pool(bank, channel.topics, channel.difficulty)
            question = least_used(candidates, used[channel.id], f"{channel.id}:{day}")
            rows.append(
                {
                    "channel_id": channel.id,
                    "question_id": question.id,
                    "local_date": day,
                    "state": "claimed",
                    "claimed_at": now,
                    "closes_at": closes_at(day, channel.post_time, channel.weekdays, channel.close_time, tz),
                }
            )
        await session.execute(directory.insert_for(session, DailyPost).values(rows).on_conflict_do_nothing())
        found = await _posts(session, keys)
    return found


def least_used(candidates, used: Counter, seed: str):
    """Least-posted first: nothing repeats until the whole pool has been used, then the cycle restarts."""
    least = min(used.get(q.id, 0) for q in candidates)
    fresh = sorted((q for q in candidates if used.get(q.id, 0) == least), key=lambda q: q.id)
    return random.Random(seed).choice(fresh)


async def _posts(session: AsyncSession, keys: list[tuple[int, date]]) -> dict[int, DailyPost]:
    rows = await session.scalars(
        select(DailyPost)
        .where(tuple_(DailyPost.channel_id, DailyPost.local_date).in_(keys))
        .execution_options(populate_existing=True)
    )
    return {post.channel_id: post for post in rows.all()}


async def _used_questions(session: AsyncSession, channel_ids: list[int]) -> dict[int, Counter]:
    rows = await session.execute(
        select(DailyPost.channel_id, DailyPost.question_id, func.count())
        .where(DailyPost.channel_id.in_(channel_ids))
        .group_by(DailyPost.channel_id, DailyPost.question_id)
    )
    used: dict[int, Counter] = defaultdict(Counter)
    for channel_id, question_id, count in rows.all():
        used[channel_id][question_id] = count
    return used
