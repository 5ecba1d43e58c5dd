"""Which questions a filter allows, and which quiz question comes next: due reviews first, new ones beside.

Reviews come from every graded answer, daily or quiz (spaced repetition, `bot.rules.review`). While some are
due, every third quiz question is still a new one, so a long review backlog never stops new material.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bank import Bank
from bot.bank.model import Question
from bot.errors import UserError
from bot.rules.topics import DIFFICULTIES, match
from bot.store.tables import QuizAttempt, Review

NEW_EVERY = 3  # while reviews are due, one quiz question in this many is new


def pool(bank: Bank, topics: Sequence[str] = (), difficulty: str | None = None) -> list[Question]:
    """The questions a filter allows (topics as members type them), or a friendly error naming what exists."""
    topics = [match(bank.topics(), t) for t in topics]
    difficulty = difficulty.strip().lower() if difficulty else None
    if difficulty and difficulty not in DIFFICULTIES:
        raise UserError("Difficulty must be easy, medium or hard.")
    chosen = [
        q
        for q in bank.questions
        if (not topics or q.topic in topics) and (not difficulty or q.difficulty == difficulty)
    ]
    if not chosen:
        raise UserError("No question matches that topic and difficulty; try another combination.")
    return chosen


async def next_quiz(
    session: AsyncSession, member_id: int, candidates: list[Question], now: datetime
) -> Question:
    """The most overdue review, but a new question every NEW_EVERY-th time; new ones when nothing is due;
    once everything has been seen, whatever is due soonest."""
    rows = await session.execute(
        select(Review.question_id, Review.due_at).where(Review.member_id == member_id)
    )
    due = dict(rows.all())
    unseen = [q for q in candidates if q.id not in due]
    overdue = sorted(
        (q for q in candidates if q.id in due and due[q.id] <= now), key=lambda q: (due[q.id], q.id)
    )
    if overdue and unseen:
        served = await session.scalar(
            select(func.count()).select_from(QuizAttempt).where(QuizAttempt.member_id == member_id)
        )
        if (served or 0) % NEW_EVERY != NEW_EVERY - 1:
            return overdue[0]
    elif overdue:
        return overdue[0]
    if unseen:
        return random.Random(f"{member_id}:{now.isoformat()}").choice(unseen)
    return min(candidates, key=lambda q: (due[q.id], q.id))
