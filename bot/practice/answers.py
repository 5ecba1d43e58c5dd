"""One path for every answer, daily or quiz, on every platform: checked, graded a few at a time (a
09:00 burst queues here, so new requests are still acknowledged promptly), stored once."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime
from typing import overload

from sqlalchemy.ext.asyncio import AsyncSession

from bot.bank.model import Question
from bot.errors import UserError
from bot.grading import Grade, grade_question
from bot.grading.judge import Judge, grade_question_with_judge
from bot.practice import directory, questions
from bot.practice.deps import Deps
from bot.rules.inbound import clean
from bot.rules.review import review
from bot.store.tables import Answer, Channel, DailyPost, Review
from bot.surface.cards import GradeCard, ReferenceView
from bot.surface.context import Actor
from bot.surface.limits import ANSWER_CHARS


def check_answer_text(text: str) -> str:
    """The answer as stored (control and bidi characters removed), or a UserError saying what is wrong."""
    cleaned = clean(text).strip()
    if not cleaned:
        raise UserError("Your answer is empty. Write a sentence or two in your own words.")
    if len(cleaned) > ANSWER_CHARS:
        raise UserError(f"That answer is {len(cleaned):,} characters; please keep it under {ANSWER_CHARS:,}.")
    if len(cleaned.split()) < 2:
        raise UserError("One word is not enough to grade. Explain it in a sentence or two.")
    return cleaned


def is_closed(post: DailyPost, now: datetime) -> bool:
    return post.closed_at is not None or now >= post.closes_at


class Answers:
    def __init__(self, deps: Deps, judge: Judge | None, concurrency: int) -> None:
        self.deps = deps
        self.judge = judge  # an optional LLM judge (GRADER_JUDGE_URL); the built-in grader otherwise
        self.slots = asyncio.Semaphore(concurrency)

    def grade_here(self, question: Question, text: str, extra_aliases: tuple[str, ...]) -> Grade:
        """The built-in grade against the bank's references plus the answers accepted on appeal."""
        return grade_question(
            self._with(question, extra_aliases), text, distractors=self._distractors(question)
        )

    async def grade(self, question: Question, text: str, extra_aliases: tuple[str, ...]) -> Grade:
        """The LLM judge's grade when there is one (it falls back to the built-in grader by itself)."""
        if self.judge is None:
            return self.grade_here(question, text, extra_aliases)
        return await grade_question_with_judge(
            self._with(question, extra_aliases),
            text,
            distractors=self._distractors(question),
            judge=self.judge,
        )

    @staticmethod
    def _with(question: Question, extra_aliases: tuple[str, ...]) -> Question:
        if extra_aliases:
            question = dataclasses.replace(question, aliases=question.aliases + extra_aliases)
        return question

    def _distractors(self, question: Question, limit: int = 12) -> list[str]:
        """References of other questions on the same topic, so an answer to a neighbour is recognised."""
        return [
            q.answer for q in self.deps.bank.questions if q.topic == question.topic and q.id != question.id
        ][:limit]


@overload
async def store(
    session: AsyncSession,
    question: Question,
    grade: Grade,
    text: str,
    now: datetime,
    *,
    count_key: None,
    points: int,
    **where: object,
) -> Answer: ...


@overload
async def store(
    session: AsyncSession,
    question: Question,
    grade: Grade,
    text: str,
    now: datetime,
    *,
    count_key: str,
    points: int,
    **where: object,
) -> Answer | None: ...


async def store(
    session: AsyncSession,
    question: Question,
    grade: Grade,
    text: str,
    now: datetime,
    *,
    count_key: str | None,
    points: int,
    **where: object,
) -> Answer | None:
    """INSERT ... ON CONFLICT (count_key) DO NOTHING, one statement on SQLite and PostgreSQL alike: the
    answer, counted under `count_key` (uncounted without one), or None when that key already counts one.
    Without a key nothing can conflict (NULLs are distinct), so the overloads promise an Answer."""
    answer = Answer(
        question_id=question.id,
        text=text,
        counted=count_key is not None,
        count_key=count_key,
        created_at=now,
        points=points,
        **_grade_columns(grade),
        **where,
    )
    columns = {c.key: getattr(answer, c.key) for c in Answer.__table__.columns if c.key != "id"}
    stmt = directory.insert_for(session, Answer).values(columns)
    answer.id = await session.scalar(
        stmt.on_conflict_do_nothing(index_elements=["count_key"]).returning(Answer.id)
    )
    return answer if answer.id is not None else None


async def schedule_review(
    session: AsyncSession, member_id: int, question_id: str, score: int, now: datetime
) -> None:
    row = await session.get(Review, (member_id, question_id))
    card, due = review(row.card if row else None, score, now)
    if row is None:
        session.add(
            Review(
                member_id=member_id,
                question_id=question_id,
                card=card,
                due_at=due,
                last_score=score,
                reviewed_at=now,
            )
        )
    else:
        row.card, row.due_at, row.last_score, row.reviewed_at = card, due, score, now


def grade_card(
    question: Question,
    grade: Grade,
    answer: Answer,
    *,
    reference: str | None,
    practice: int = 0,
    channel: int = 0,
) -> GradeCard:
    return GradeCard(
        question_id=question.id,
        prompt=question.prompt,
        score=grade.score,
        verdict=grade.verdict,
        covered=grade.covered,
        missed=grade.missed,
        contradicted=grade.contradicted,
        feedback=grade.feedback,
        points=answer.points,
        counted=answer.counted,
        reference=reference,
        tips=question.tips if reference else (),
        practice_streak=practice,
        channel_streak=channel,
        answer_id=answer.id,
    )


async def full_reference(deps: Deps, actor: Actor, answer_id: int) -> ReferenceView:
    """The whole reference behind one of the member's grades, once it has been revealed to them."""
    now = deps.clock()

    async def work(session: AsyncSession) -> ReferenceView:
        _, member = await deps.context(session, actor)
        answer = await session.get(Answer, answer_id)
        if answer is None or answer.member_id != member.id:
            raise UserError("That answer is not yours.")
        if answer.post_id is not None:
            post = await session.get(DailyPost, answer.post_id)
            assert post is not None, "answers.post_id is a foreign key, set to NULL if the post goes"
            channel = await session.get(Channel, post.channel_id)
            assert channel is not None, "daily_posts.channel_id is a foreign key; the post goes with it"
            if channel.reveal_policy != "immediate" and not is_closed(post, now):
                raise UserError("The reference answer comes when the question closes.")
        question = questions.lookup(deps.bank, answer.question_id)
        return ReferenceView(question.id, question.prompt, question.answer, question.tips)

    return await deps.transaction(work)


def _grade_columns(grade: Grade) -> dict:
    return {
        "score": grade.score,
        "verdict": grade.verdict,
        "covered": list(grade.covered),
        "missed": list(grade.missed),
        "contradicted": list(grade.contradicted),
        "feedback": grade.feedback,
        "grader_version": grade.version,
        "rubric_score": grade.rubric_score,
        "judge_score": grade.judge_score,
        "disputed": grade.disputed,
    }
