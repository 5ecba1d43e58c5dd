"""Streak rows as bot.rules.streaks values, so the arithmetic stays pure and the storage in one place."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.rules.streaks import Streak
from bot.store.tables import ChannelStreak, PracticeStreak

STREAK_BONUS_STEP = 5
STREAK_BONUS_CAP = 20

StreakRow = TypeVar("StreakRow", PracticeStreak, ChannelStreak)


def streak_bonus(channel_streak: int) -> int:
    """+5 points per consecutive daily answer after the first, at most +20: showing up matters."""
    return min(STREAK_BONUS_STEP * max(channel_streak - 1, 0), STREAK_BONUS_CAP)


async def row(
    session: AsyncSession, model: type[StreakRow], *, create: bool = True, **keys: int
) -> StreakRow:
    """The member's streak row; a blank one (added to the session only when `create`) if none exists."""
    found = await session.get(model, tuple(keys.values()))
    if found is None:
        found = model(**keys, current=0, best=0, last_date=None)
        if create:
            session.add(found)
    return found


def read(stored: PracticeStreak | ChannelStreak) -> Streak:
    return Streak(current=stored.current or 0, best=stored.best or 0, last=stored.last_date)


def save(stored: PracticeStreak | ChannelStreak, streak: Streak) -> None:
    stored.current, stored.best, stored.last_date = streak.current, streak.best, streak.last
