"""Which questions a filter allows, and which quiz question comes next: the unseen first, then reviews."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bank import Bank
from bot.bank.model import Question
from bot.errors import UserError
from bot.store.tables import Review
from bot.topics import DIFFICULTIES, match


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
    """Unseen questions first; then the review that is most overdue (or due soonest)."""
    rows = await session.execute(
        select(Review.question_id, Review.due_at).where(Review.member_id == member_id)
    )
    due = dict(rows.all())
    unseen = [q for q in candidates if q.id not in due]
    if unseen:
        return random.Random(f"{member_id}:{now.isoformat()}").choice(unseen)
    return min(candidates, key=lambda q: (due[q.id], q.id))
