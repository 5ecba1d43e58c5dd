"""The bank as the rest of the core meets it: kept in line with the questions table, looked up, shown."""

from __future__ import annotations

import logging
from typing import TypedDict, Unpack

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bank import Bank
from bot.bank.model import Question
from bot.errors import UserError
from bot.practice import directory
from bot.practice.deps import Deps
from bot.store.renames import follow_renames
from bot.store.tables import QuestionRow
from bot.surface.cards import QuestionCard

log = logging.getLogger(__name__)
SYNCED = ("prompt", "topic", "difficulty", "kind", "retired_at", "synced_at")


class Where(TypedDict, total=False):
    """QuestionCard's optional fields: the post or attempt a card belongs to, and its state."""

    post_id: int | None
    attempt_id: int | None
    local_date: str | None
    answered: int
    closed: bool


def lookup(bank: Bank, qid: str) -> Question:
    question = bank.get(qid)
    if question is None:
        raise UserError("That question has been retired from the bank; try /quiz for a fresh one.")
    return question


def card(question: Question, **where: Unpack[Where]) -> QuestionCard:
    """A question as posted or quizzed; `where` says which post or attempt it belongs to."""
    return QuestionCard(
        question_id=question.id,
        prompt=question.prompt,
        topic=question.topic,
        difficulty=question.difficulty,
        kind=question.kind,
        **where,
    )


async def sync(deps: Deps) -> None:
    """Upsert every question of the bank, retire the ones it no longer has, follow renamed ids."""
    now = deps.clock()
    bank = deps.bank

    async def work(session: AsyncSession) -> None:
        rows = [
            {
                "id": q.id,
                "prompt": q.prompt,
                "topic": q.topic,
                "difficulty": q.difficulty,
                "kind": q.kind,
                "retired_at": None,
                "synced_at": now,
            }
            for q in bank.questions
        ]
        for start in range(0, len(rows), 500):
            stmt = directory.insert_for(session, QuestionRow).values(rows[start : start + 500])
            await session.execute(
                stmt.on_conflict_do_update(
                    index_elements=[QuestionRow.id],
                    set_={
                        c: stmt.excluded[c] for c in ("prompt", "topic", "difficulty", "kind", "retired_at")
                    }
                    | {"synced_at": stmt.excluded.synced_at},
                )
            )
        await session.execute(
            update(QuestionRow)
            .where(QuestionRow.synced_at < now, QuestionRow.retired_at.is_(None))
            .values(retired_at=now)
        )
        moved = await follow_renames(session, bank.renamed)
        if moved:
            log.info("moved %d rows of members' history to the questions their old ids joined", moved)

    await deps.transaction(work)
