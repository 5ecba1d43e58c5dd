"""Answering a channel's daily question: one counted answer per member and post, streak bonus included.

One transaction and few round trips: at 09:00 hundreds of these arrive together.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bank.model import Question
from bot.errors import UserError
from bot.practice import answers, appeals, boards, directory, questions, streak_rows
from bot.practice.answers import Answers, check_answer_text, is_closed
from bot.rules.calendar import local_day
from bot.rules.streaks import extend_channel, practice_current
from bot.store.tables import Answer, Channel, ChannelStreak, DailyPost, Member, PracticeStreak, Workspace
from bot.surface.cards import GradeCard
from bot.surface.context import Actor

ALREADY_ANSWERED = "You already answered this daily question; only your first answer counts."


async def answer(grading: Answers, actor: Actor, post_id: int, text: str) -> GradeCard:
    """Grade and store a daily answer; a second submission by the same member is refused, not counted."""
    deps = grading.deps
    cleaned = check_answer_text(text)
    now = deps.clock()

    judged = None
    if grading.judge is not None:  # a remote call: made before, not inside, the transaction

        async def peek(session: AsyncSession) -> tuple[Question, tuple[str, ...]]:
            post, _, ws = await _open_post(session, actor, post_id, now)
            member = await directory.member(session, ws, actor, now)
            key = _count_key(post, member)
            if await session.scalar(select(Answer.id).where(Answer.count_key == key)):
                raise UserError(ALREADY_ANSWERED)  # a redelivery or double click costs no judge call
            return questions.lookup(deps.bank, post.question_id), await appeals.aliases(
                session, ws.id, post.question_id
            )

        question, extra = await deps.transaction(peek)
        judged = await grading.grade(question, cleaned, extra)

    async def work(session: AsyncSession) -> GradeCard:
        post, channel, ws = await _open_post(session, actor, post_id, now)
        question = questions.lookup(deps.bank, post.question_id)
        grade = judged or grading.grade_here(
            question, cleaned, await appeals.aliases(session, ws.id, question.id)
        )
        member = await directory.member(session, ws, actor, now)
        previous = await session.scalar(
            select(func.max(DailyPost.local_date)).where(
                DailyPost.channel_id == channel.id, DailyPost.local_date < post.local_date
            )
        )
        row = await streak_rows.row(session, ChannelStreak, member_id=member.id, channel_id=channel.id)
        streak = extend_channel(streak_rows.read(row), post.local_date, previous)
        bonus = streak_rows.streak_bonus(streak.current)  # kept, so an accepted appeal can give it back
        earns_bonus = grade.attempted and grade.verdict != "incorrect"
        stored = await answers.store(
            session,
            question,
            grade,
            cleaned,
            now,
            count_key=_count_key(post, member),
            points=grade.score + (bonus if earns_bonus else 0),
            workspace_id=ws.id,
            member_id=member.id,
            channel_id=channel.id,
            post_id=post.id,
            streak_bonus=bonus,
        )
        if stored is None:  # the unique key says this member already answered this post
            raise UserError(ALREADY_ANSWERED)
        if grade.attempted:  # "I do not know" or emoji alone keep no streak alive
            streak_rows.save(row, streak)
        await boards.credit(session, stored, ws.timezone)
        await answers.schedule_review(session, member.id, question.id, grade.score, now)
        practice = await streak_rows.row(session, PracticeStreak, create=False, member_id=member.id)
        today = local_day(now, directory.member_tz(member, ws))
        reveal = channel.reveal_policy == "immediate"
        return answers.grade_card(
            question,
            grade,
            stored,
            reference=question.answer if reveal else None,
            practice=practice_current(streak_rows.read(practice), today),
            channel=streak_rows.read(row).current,
        )

    return await deps.transaction(work)


async def _open_post(
    session: AsyncSession, actor: Actor, post_id: int, now: datetime
) -> tuple[DailyPost, Channel, Workspace]:
    """The post, if it belongs to the actor's workspace and is still open; a friendly refusal otherwise."""
    post = await session.get(DailyPost, post_id)
    channel = await session.get(Channel, post.channel_id) if post else None
    ws = await session.get(Workspace, channel.workspace_id) if channel else None
    if (
        post is None
        or channel is None
        or ws is None
        or (ws.platform, ws.external_id) != (actor.place.platform, actor.place.workspace)
    ):
        raise UserError("That daily question does not exist here.")
    if is_closed(post, now):
        raise UserError("That daily question has closed. Try /quiz to keep practising.")
    return post, channel, ws


def _count_key(post: DailyPost, member: Member) -> str:
    """One counted answer per member and daily post, whatever the platform redelivers."""
    return f"post:{post.id}:{member.id}"
