"""Which question comes next: daily posts cycle through a channel's pool, quizzes prefer the unseen."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bank import Bank
from bot.bank.model import Question
from bot.errors import UserError
from bot.store.tables import DailyPost, Review


def pool(bank: Bank, topics: Sequence[str] = (), difficulty: str | None = None) -> list[Question]:
    """The questions a filter allows, or a friendly error naming what exists."""
    known = bank.topics()
    unknown = [t for t in topics if t not in known]
    if unknown:
        raise UserError(f"Unknown topic {unknown[0]!r}. Topics: {', '.join(sorted(known))}.")
    if difficulty and difficulty not in ("easy", "medium", "hard"):
        raise UserError("Difficulty must be easy, medium or hard.")
    chosen = [
        q
        for q in bank.questions
        if (not topics or q.topic in topics) and (not difficulty or q.difficulty == difficulty)
    ]
    if not chosen:
        raise UserError("No question matches that topic and difficulty; try another combination.")
    return chosen


async def next_daily(
    session: AsyncSession, channel_id: int, candidates: list[Question], seed: str
) -> Question:
    """Least-posted first: nothing repeats until the whole pool has been used, then the cycle restarts.

    The choice among equals is seeded by channel and date, so two processes racing for the same post
    pick the same question.
    """
    rows = await session.execute(
        select(DailyPost.question_id, func.count())
        .where(DailyPost.channel_id == channel_id)
        .group_by(DailyPost.question_id)
    )
    counts = dict(rows.all())
    least = min(counts.get(q.id, 0) for q in candidates)
    fresh = sorted((q for q in candidates if counts.get(q.id, 0) == least), key=lambda q: q.id)
    return random.Random(seed).choice(fresh)


async def next_quiz(
    session: AsyncSession, member_id: int, candidates: list[Question], now: datetime
) -> Question:
    """Unseen questions first; then the review that is most overdue (or due soonest)."""
    rows = await session.execute(
        select(Review.question_id, Review.due_at).where(Review.member_id == member_id)
    )
    due = dict(rows.all())
    unseen = [q for q in candidates if q.id not in due]
    if unseen:
        return random.Random(f"{member_id}:{now.isoformat()}").choice(unseen)
    return min(candidates, key=lambda q: (due[q.id], q.id))
