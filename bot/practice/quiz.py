"""Personal quizzes: a question picked for the member, answered once, counted once per local day."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.practice import answers, appeals, boards, directory, picking, questions, streak_rows
from bot.practice.answers import Answers, check_answer_text
from bot.practice.deps import Deps
from bot.rules.calendar import local_day
from bot.rules.streaks import extend_practice
from bot.store.tables import PracticeStreak, QuizAttempt
from bot.surface.cards import GradeCard, QuestionCard
from bot.surface.context import Actor

NOT_YOURS = "That quiz question is not yours to answer; start one with /quiz."
ANSWERED = "You already answered that quiz question; /quiz gives you another."


async def start(deps: Deps, actor: Actor, topic: str | None, difficulty: str | None) -> QuestionCard:
    candidates = picking.pool(deps.bank, [topic] if topic else [], difficulty)
    now = deps.clock()

    async def work(session: AsyncSession) -> QuestionCard:
        _, member = await deps.context(session, actor)
        question = await picking.next_quiz(session, member.id, candidates, now)
        attempt = QuizAttempt(member_id=member.id, question_id=question.id, started_at=now)
        session.add(attempt)
        await session.flush()
        return questions.card(question, attempt_id=attempt.id)

    return await deps.transaction(work)


async def card(deps: Deps, actor: Actor, attempt_id: int) -> QuestionCard:
    """The member's quiz question again, for the box they answer it in."""

    async def work(session: AsyncSession) -> QuestionCard:
        _, member = await deps.context(session, actor)
        attempt = await session.get(QuizAttempt, attempt_id)
        if attempt is None or attempt.member_id != member.id:
            raise UserError(NOT_YOURS)
        return questions.card(questions.lookup(deps.bank, attempt.question_id), attempt_id=attempt.id)

    return await deps.transaction(work)


async def answer(grading: Answers, actor: Actor, attempt_id: int, text: str) -> GradeCard:
    """Grade a quiz answer; it counts for the leaderboard once per question and local day."""
    deps = grading.deps
    cleaned = check_answer_text(text)
    now = deps.clock()

    async def load(session: AsyncSession) -> tuple[QuizAttempt, tuple[str, ...]]:
        ws, member = await deps.context(session, actor)
        attempt = await session.get(QuizAttempt, attempt_id)
        if attempt is None or attempt.member_id != member.id:
            raise UserError(NOT_YOURS)
        if attempt.answered_at is not None:
            raise UserError(ANSWERED)
        return attempt, await appeals.aliases(session, ws.id, attempt.question_id)

    attempt, extra = await deps.transaction(load)
    question = questions.lookup(deps.bank, attempt.question_id)
    grade = await grading.grade(question, cleaned, extra)

    async def store(session: AsyncSession) -> GradeCard:
        ws, member = await deps.context(session, actor)
        today = local_day(now, directory.member_tz(member, ws))
        claimed = cast(
            "CursorResult[Any]",  # an UPDATE's result, which counts its rows
            await session.execute(
                update(QuizAttempt)
                .where(QuizAttempt.id == attempt_id, QuizAttempt.answered_at.is_(None))
                .values(answered_at=now)
            ),
        )
        if claimed.rowcount != 1:
            raise UserError(ANSWERED)
        where = {"workspace_id": ws.id, "member_id": member.id, "attempt_id": attempt_id}
        key = f"quiz:{member.id}:{question.id}:{today}"
        stored = await answers.store(
            session, question, grade, cleaned, now, count_key=key, points=grade.score, **where
        )
        if stored is not None:
            await boards.credit(session, stored, ws.timezone)
        else:  # same question already counted today: keep the answer, without points
            stored = await answers.store(
                session, question, grade, cleaned, now, count_key=None, points=0, **where
            )
        row = await streak_rows.row(session, PracticeStreak, member_id=member.id)
        streak = extend_practice(streak_rows.read(row), today) if grade.attempted else streak_rows.read(row)
        streak_rows.save(row, streak)
        await answers.schedule_review(session, member.id, question.id, grade.score, now)
        await session.flush()
        return answers.grade_card(question, grade, stored, reference=question.answer, practice=streak.current)

    return await deps.transaction(store)
