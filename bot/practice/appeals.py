"""Appeals: a member contests a grade, an admin accepts or rejects it, and the decision is kept.

Nobody reviews their own answer while another admin is known to the bot (a member who has acted as an
admin here); a sole admin may, and that decision is stored and shown as theirs on their own answer.
Accepting rescores the answer as if it had been graded so: its points (with the daily streak bonus an
answer graded incorrect was denied) and the leaderboards follow, and only an answer accepted as correct
becomes an accepted alternative that grades later answers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.errors import UserError
from bot.grading.score import CORRECT_AT, verdict
from bot.practice import boards
from bot.practice.channels import require_admin
from bot.practice.deps import Deps
from bot.rules.inbound import clean
from bot.store.tables import Answer, Appeal, Member, QuestionAlias, QuestionRow, Workspace
from bot.surface.cards import AppealView, DisputeView
from bot.surface.context import Actor

MAX_REASON_CHARS = 1000
ACCEPTED_SCORE = 90  # an accepted appeal without a score given means "this answer was right"


def accept_scores(current: int) -> list[int]:
    """The scores an admin picks from to accept: above the current one, in fives (20 at most, which fits
    Slack's and Discord's menus)."""
    return list(range(100, current, -5)) or [100]


async def open_appeal(
    session: AsyncSession, ws: Workspace, member: Member, answer_id: int, reason: str, now: datetime
) -> Appeal:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON_CHARS:
        raise UserError(f"Please keep the reason under {MAX_REASON_CHARS:,} characters.")
    answer = await session.get(Answer, answer_id)
    if answer is None or answer.member_id != member.id:
        raise UserError("You can only appeal the grade of one of your own answers.")
    existing = await session.scalar(select(Appeal).where(Appeal.answer_id == answer_id))
    if existing is not None:
        raise UserError(f"You already appealed this grade (appeal #{existing.id}, {existing.state}).")
    appeal = Appeal(
        workspace_id=ws.id,
        answer_id=answer.id,
        member_id=member.id,
        reason=reason,
        state="pending",
        old_score=answer.score,
        note="",
        created_at=now,
    )
    session.add(appeal)
    await session.flush()
    return appeal


async def decide(
    session: AsyncSession,
    ws: Workspace,
    admin: Member,
    appeal_id: int,
    accept: bool,
    score: int | None,
    note: str,
    now: datetime,
) -> Appeal:
    """Accepting rescores the answer (its points follow, so do leaderboards) and keeps it as an alias."""
    appeal = await session.get(Appeal, appeal_id, with_for_update=True)
    if appeal is None or appeal.workspace_id != ws.id:
        raise UserError(f"There is no appeal #{appeal_id} here.")
    if appeal.state != "pending":
        raise UserError(f"Appeal #{appeal_id} was already {appeal.state}.")
    if score is not None and not 0 <= score <= 100:
        raise UserError("A score is a whole number from 0 to 100.")
    answer = await session.get(Answer, appeal.answer_id)
    assert answer is not None, "the appeal locked above holds a foreign key to its answer (cascading delete)"
    new_score = max(answer.score, ACCEPTED_SCORE) if score is None else score
    if accept and new_score < answer.score:
        raise UserError(f"Accepting cannot lower the score (now {answer.score}); reject the appeal instead.")
    own = appeal.member_id == admin.id
    if own and await _other_admins(session, ws, admin):
        raise UserError("That appeal is about your own answer; another admin has to decide it.")
    appeal.state = "accepted" if accept else "rejected"
    appeal.decided_by, appeal.decided_at, appeal.self_decided = admin.id, now, own
    appeal.note = (note or "").strip()[:MAX_REASON_CHARS]
    if accept:
        await _rescore(session, ws, answer, new_score)
        appeal.new_score = new_score
        if new_score >= CORRECT_AT:  # "no idea, pass" accepted at 30 must not grade anyone else's answer
            session.add(
                QuestionAlias(
                    workspace_id=ws.id,
                    question_id=answer.question_id,
                    text=answer.text,
                    appeal_id=appeal.id,
                    created_at=now,
                )
            )
    await session.flush()
    return appeal


async def _other_admins(session: AsyncSession, ws: Workspace, admin: Member) -> int:
    counted = await session.execute(
        select(func.count())
        .select_from(Member)
        .where(Member.workspace_id == ws.id, Member.id != admin.id, Member.admin_seen_at.is_not(None))
    )
    return counted.scalar_one()  # COUNT(*) always returns one row


async def _rescore(session: AsyncSession, ws: Workspace, answer: Answer, score: int) -> None:
    """Points as if graded `score` from the start: a daily answer not graded incorrect gets its bonus."""
    new_verdict = verdict(score)
    if answer.counted:
        bonus = (answer.streak_bonus or 0) if new_verdict != "incorrect" else 0
        points = score + bonus
        await boards.adjust(session, answer, ws.timezone, points - answer.points)
        answer.points = points
    answer.score, answer.verdict, answer.missed = score, new_verdict, []


async def views(session: AsyncSession, ws_id: int, *, state: str | None = None, ids=None) -> list[AppealView]:
    decider = aliased(Member)
    query = (
        select(Appeal, Answer, Member, QuestionRow.prompt, decider.display_name, decider.external_id)
        .join(Answer, Answer.id == Appeal.answer_id)
        .join(Member, Member.id == Appeal.member_id)
        .join(QuestionRow, QuestionRow.id == Answer.question_id)
        .outerjoin(decider, decider.id == Appeal.decided_by)
        .where(Appeal.workspace_id == ws_id)
        .order_by(Appeal.created_at, Appeal.id)
    )
    if state:
        query = query.where(Appeal.state == state)
    if ids is not None:
        query = query.where(Appeal.id.in_(ids))
    rows = await session.execute(query)
    return [
        AppealView(
            appeal_id=appeal.id,
            answer_id=answer.id,
            member=member.display_name or member.external_id,
            question_id=answer.question_id,
            prompt=prompt,
            answer=answer.text,
            score=appeal.old_score,
            reason=appeal.reason,
            state=appeal.state,
            new_score=appeal.new_score,
            decided_by=(by_name or by_ext) if appeal.decided_by else None,
            member_ref=member.external_id,
            self_decided=appeal.self_decided,
            note=appeal.note,
            points=answer.points,
        )
        for appeal, answer, member, prompt, by_name, by_ext in rows.all()
    ]


async def aliases(session: AsyncSession, ws_id: int, question_id: str) -> tuple[str, ...]:
    rows = await session.scalars(
        select(QuestionAlias.text).where(
            QuestionAlias.workspace_id == ws_id, QuestionAlias.question_id == question_id
        )
    )
    return tuple(rows.all())


async def disputes(session: AsyncSession, ws_id: int, limit: int) -> list[DisputeView]:
    rows = await session.execute(
        select(Answer, Member, QuestionRow.prompt)
        .join(Member, Member.id == Answer.member_id)
        .join(QuestionRow, QuestionRow.id == Answer.question_id)
        .where(Answer.workspace_id == ws_id, Answer.disputed.is_(True))
        .order_by(Answer.created_at.desc(), Answer.id.desc())
        .limit(limit)
    )
    return [
        DisputeView(
            answer_id=answer.id,
            member=member.display_name or member.external_id,
            question_id=answer.question_id,
            prompt=prompt,
            answer=answer.text,
            score=answer.score,
            rubric_score=answer.rubric_score or 0,
            judge_score=answer.judge_score or 0,
        )
        for answer, member, prompt in rows.all()
    ]


async def appeal(deps: Deps, actor: Actor, answer_id: int, reason: str) -> AppealView:
    now = deps.clock()

    async def work(session: AsyncSession) -> AppealView:
        ws, member = await deps.context(session, actor)
        row = await open_appeal(session, ws, member, answer_id, clean(reason), now)
        return (await views(session, ws.id, ids=[row.id]))[0]

    return await deps.transaction(work)


async def pending(deps: Deps, actor: Actor) -> list[AppealView]:
    async def work(session: AsyncSession) -> list[AppealView]:
        ws, _ = await deps.context(session, actor)
        require_admin(actor, ws)
        return await views(session, ws.id, state="pending")

    return await deps.transaction(work)


async def disputed(deps: Deps, actor: Actor, limit: int) -> list[DisputeView]:
    """Admins only: the latest grades the LLM judge disagreed with, beside the appeals."""

    async def work(session: AsyncSession) -> list[DisputeView]:
        ws, _ = await deps.context(session, actor)
        require_admin(actor, ws)
        return await disputes(session, ws.id, limit)

    return await deps.transaction(work)


async def decide_as_admin(
    deps: Deps, actor: Actor, appeal_id: int, accept: bool, score: int | None, note: str
) -> AppealView:
    now = deps.clock()

    async def work(session: AsyncSession) -> AppealView:
        ws, member = await deps.context(session, actor)
        require_admin(actor, ws)
        row = await decide(session, ws, member, appeal_id, accept, score, clean(note), now)
        return (await views(session, ws.id, ids=[row.id]))[0]

    return await deps.transaction(work)
