"""Members' history follows a question whose id changed: two guide entries curated into one question.

The bank says which ids joined which (`Bank.renamed`). Answers, daily posts, quiz attempts and accepted
alternatives move to the surviving id as they are; a member's two review cards become the more recent one,
so the next review falls where the member's latest grade put it. Board totals hold no question ids, so
points and ranks are untouched. Running it again finds nothing left to move.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, case, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.tables import Answer, DailyPost, QuestionAlias, QuizAttempt, Review

FOLLOWERS = (Answer, DailyPost, QuizAttempt, QuestionAlias)


async def follow_renames(session: AsyncSession, renamed: dict[str, str]) -> int:
    """Move every row under an old id to its new one; the number of rows moved."""
    if not renamed:
        return 0
    moved = await _merge_reviews(session, renamed)
    for table in FOLLOWERS:
        result = cast(
            "CursorResult[Any]",  # an UPDATE's result, which counts its rows
            await session.execute(
                update(table)
                .where(table.question_id.in_(renamed))
                .values(question_id=case(renamed, value=table.question_id))
                .execution_options(synchronize_session=False)
            ),
        )
        moved += result.rowcount or 0
    return moved


async def _merge_reviews(session: AsyncSession, renamed: dict[str, str]) -> int:
    """One card per member and surviving question: the most recently reviewed one wins."""
    ids = set(renamed) | set(renamed.values())
    columns = (Review.member_id, Review.question_id, Review.reviewed_at)
    rows = (await session.execute(select(*columns).where(Review.question_id.in_(ids)))).all()
    latest: dict[tuple[int, str], tuple[str, datetime]] = {}
    for member, qid, reviewed in rows:
        key = (member, renamed.get(qid, qid))
        if key not in latest or reviewed > latest[key][1]:
            latest[key] = (qid, reviewed)
    kept = {(member, qid) for (member, _), (qid, _) in latest.items()}
    for member, qid, _ in rows:  # the older cards go first, so a kept one can take the surviving id
        if (member, qid) not in kept:
            await session.execute(delete(Review).where(Review.member_id == member, Review.question_id == qid))
    moved = 0
    for (member, target), (qid, _) in latest.items():
        if qid != target:
            await session.execute(
                update(Review)
                .where(Review.member_id == member, Review.question_id == qid)
                .values(question_id=target)
            )
            moved += 1
    return moved
