"""The practice service: one method per use case, shared by the console, Slack and Discord adapters."""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bank import Bank
from bot.bank.model import Question
from bot.errors import TryAgain, UserError
from bot.grading import Grade, grade_question
from bot.grading.judge import Judge, grade_question_with_judge
from bot.practice import appeals, boards, daily, directory, picking
from bot.practice import channels as admin
from bot.rules.calendar import local_day, zone
from bot.rules.inbound import clean
from bot.rules.periods import PERIODS, week_start
from bot.rules.review import review
from bot.rules.streaks import Streak, extend_channel, extend_practice, practice_current
from bot.store.db import Database
from bot.store.migrate import ensure_migrated
from bot.store.renames import follow_renames
from bot.store.tables import (
    Answer,
    Channel,
    ChannelStreak,
    DailyPost,
    Member,
    PracticeStreak,
    QuestionRow,
    QuizAttempt,
    Review,
    Workspace,
)
from bot.surface.cards import (
    AppealView,
    BoardRow,
    ChannelStatus,
    DisputeView,
    GradeCard,
    Leaderboard,
    PostSummary,
    QuestionCard,
    ReferenceView,
    StatsView,
    StreakView,
    TimezoneView,
    TopicLine,
)
from bot.surface.charts import StatsPicture, TopicMastery, render_stats_png
from bot.surface.context import Actor, Place

log = logging.getLogger(__name__)
ALREADY_ANSWERED = "You already answered this daily question; only your first answer counts."
T = TypeVar("T")

MAX_ANSWER_CHARS = 4000
STREAK_BONUS_STEP = 5
STREAK_BONUS_CAP = 20
MILESTONES = (3, 5, 10, 20, 30, 50, 100)
SCOPES = ("workspace", "channel")


def utcnow() -> datetime:
    return datetime.now(UTC)


def streak_bonus(channel_streak: int) -> int:
    """+5 points per consecutive daily answer after the first, at most +20: showing up matters."""
    return min(STREAK_BONUS_STEP * max(channel_streak - 1, 0), STREAK_BONUS_CAP)


def check_answer_text(text: str) -> str:
    """The answer as stored (control and bidi characters removed), or a UserError saying what is wrong."""
    cleaned = clean(text).strip()
    if not cleaned:
        raise UserError("Your answer is empty. Write a sentence or two in your own words.")
    if len(cleaned) > MAX_ANSWER_CHARS:
        raise UserError(
            f"That answer is {len(cleaned):,} characters; please keep it under {MAX_ANSWER_CHARS:,}."
        )
    if len(cleaned.split()) < 2:
        raise UserError("One word is not enough to grade. Explain it in a sentence or two.")
    return cleaned


class PracticeService:
    def __init__(
        self,
        db: Database,
        bank: Bank,
        *,
        clock: Callable[[], datetime] = utcnow,
        default_timezone: str = "UTC",
        judge: Judge | None = None,
    ) -> None:
        self.db = db
        self.bank = bank
        self.clock = clock
        self.default_timezone = default_timezone
        self.judge = judge  # an optional LLM judge (GRADER_JUDGE_URL); the built-in grader otherwise
        self._schedule_listeners: list[admin.ScheduleListener] = []

    async def close(self) -> None:
        if self.judge is not None:
            await self.judge.close()
        await self.db.dispose()

    async def start(self) -> None:
        """Refuse to run on an un-migrated database, then bring the questions table in line with the bank."""
        await ensure_migrated(self.db.engine)
        await self.sync_questions()

    # -- plumbing ---------------------------------------------------------------------------------

    async def transaction(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """One transaction; a lost connection is retried once, then the member is asked to retry."""
        for attempt in (1, 2):
            try:
                async with self.db.sessions() as session, session.begin():
                    return await work(session)
            except IntegrityError:
                raise
            except (DBAPIError, OSError) as error:
                if isinstance(error, DBAPIError) and not _is_disconnect(error):
                    raise
                log.warning("database unavailable (attempt %d): %s", attempt, type(error).__name__)
        raise TryAgain()

    def _question(self, qid: str) -> Question:
        question = self.bank.get(qid)
        if question is None:
            raise UserError("That question has been retired from the bank; try /quiz for a fresh one.")
        return question

    async def _context(self, session: AsyncSession, actor: Actor) -> tuple[Workspace, Member]:
        now = self.clock()
        ws = await directory.workspace(session, actor.place, now, self.default_timezone)
        return ws, await directory.member(session, ws, actor, now)

    # -- the bank ---------------------------------------------------------------------------------

    async def sync_questions(self) -> None:
        now = self.clock()

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
                for q in self.bank.questions
            ]
            for start in range(0, len(rows), 500):
                stmt = directory.insert_for(session, QuestionRow).values(rows[start : start + 500])
                await session.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[QuestionRow.id],
                        set_={
                            c: stmt.excluded[c]
                            for c in ("prompt", "topic", "difficulty", "kind", "retired_at")
                        }
                        | {"synced_at": stmt.excluded.synced_at},
                    )
                )
            await session.execute(
                update(QuestionRow)
                .where(QuestionRow.synced_at < now, QuestionRow.retired_at.is_(None))
                .values(retired_at=now)
            )
            moved = await follow_renames(session, self.bank.renamed)
            if moved:
                log.info("moved %d rows of members' history to the questions their old ids joined", moved)

        await self.transaction(work)

    def topics(self) -> dict[str, int]:
        return dict(sorted(self.bank.topics().items()))

    # -- daily posts ------------------------------------------------------------------------------

    async def daily_post(self, place: Place, local_date: date | None = None) -> QuestionCard:
        """Today's post of a channel, claimed once: the unique (channel, local date) key decides races.

        A channel nobody set up, a paused one, a skipped day or a day off the schedule gets a plain
        refusal, and no post is created or counted.
        """
        now = self.clock()

        async def work(session: AsyncSession) -> QuestionCard:
            ws = await directory.workspace(session, place, now, self.default_timezone)
            channel = await directory.find_channel(session, ws, place)
            if channel is None:
                raise UserError(admin.NOT_SET_UP + admin.NOW)
            tz = directory.channel_tz(channel, ws)
            day = local_date or local_day(now, tz)
            post = await daily.existing(session, channel.id, day)
            if post is None:
                admin.refuse_unscheduled(channel, day)
                post = await daily.claim(session, self.bank, channel, tz, day, now)
            return await self._post_card(session, post, now)

        return await self.transaction(work)

    async def post_card(self, post_id: int) -> QuestionCard:
        """A daily post as it stands: its prompt for the Answer modal, its count for "N answered"."""
        now = self.clock()

        async def work(session: AsyncSession) -> QuestionCard:
            post = await session.get(DailyPost, post_id)
            if post is None:
                raise UserError("No such daily question.")
            return await self._post_card(session, post, now)

        return await self.transaction(work)

    async def _post_card(self, session: AsyncSession, post: DailyPost, now: datetime) -> QuestionCard:
        question = self._question(post.question_id)
        answered = await session.scalar(
            select(func.count()).where(Answer.post_id == post.id, Answer.counted.is_(True))
        )
        return QuestionCard(
            question_id=question.id,
            prompt=question.prompt,
            topic=question.topic,
            difficulty=question.difficulty,
            kind=question.kind,
            post_id=post.id,
            local_date=post.local_date.isoformat(),
            answered=int(answered or 0),
            closed=_is_closed(post, now),
        )

    async def answer_post(self, actor: Actor, post_id: int, text: str) -> GradeCard:
        """Grade and store a daily answer; a second submission by the same member is refused, not counted.

        One transaction and few round trips: at 09:00 hundreds of these arrive together.
        """
        cleaned = check_answer_text(text)
        now = self.clock()

        judged = None
        if self.judge is not None:  # a remote call: made before, not inside, the transaction

            async def peek(session: AsyncSession) -> tuple[Question, tuple[str, ...]]:
                post, _, ws = await _open_post(session, actor, post_id, now)
                member = await directory.member(session, ws, actor, now)
                key = _count_key(post, member)
                if await session.scalar(select(Answer.id).where(Answer.count_key == key)):
                    raise UserError(ALREADY_ANSWERED)  # a redelivery or double click costs no judge call
                return self._question(post.question_id), await appeals.aliases(
                    session, ws.id, post.question_id
                )

            judged = await self._judge(*await self.transaction(peek), cleaned)

        async def work(session: AsyncSession) -> GradeCard:
            post, channel, ws = await _open_post(session, actor, post_id, now)
            question = self._question(post.question_id)
            grade = judged or self._grade(
                question, cleaned, await appeals.aliases(session, ws.id, question.id)
            )
            member = await directory.member(session, ws, actor, now)
            previous = await session.scalar(
                select(func.max(DailyPost.local_date)).where(
                    DailyPost.channel_id == channel.id, DailyPost.local_date < post.local_date
                )
            )
            row = await _streak_row(session, ChannelStreak, member_id=member.id, channel_id=channel.id)
            streak = extend_channel(_streak(row), post.local_date, previous)
            bonus = streak_bonus(streak.current)  # kept, so an accepted appeal can give it back
            earns_bonus = grade.attempted and grade.verdict != "incorrect"
            answer = Answer(
                workspace_id=ws.id,
                member_id=member.id,
                question_id=question.id,
                channel_id=channel.id,
                post_id=post.id,
                text=cleaned,
                counted=True,
                count_key=_count_key(post, member),
                created_at=now,
                points=grade.score + (bonus if earns_bonus else 0),
                streak_bonus=bonus,
                **_grade_columns(grade),
            )
            answer.id = await _insert_counted(session, answer)
            if answer.id is None:  # the unique key says this member already answered this post
                raise UserError(ALREADY_ANSWERED)
            if grade.attempted:  # "I do not know" or emoji alone keep no streak alive
                _save_streak(row, streak)
            await boards.credit(session, answer, ws.timezone)
            await self._review(session, member.id, question.id, grade.score, now)
            practice = await _streak_row(session, PracticeStreak, create=False, member_id=member.id)
            today = local_day(now, directory.member_tz(member, ws))
            reveal = channel.reveal_policy == "immediate"
            return _grade_card(
                question,
                grade,
                answer,
                reference=question.answer if reveal else None,
                practice=practice_current(_streak(practice), today),
                channel=_streak(row).current,
            )

        return await self.transaction(work)

    async def close_post(self, post_id: int) -> PostSummary:
        """Close a post: settle channel streaks (no answer, no streak) and summarise. Safe to repeat."""
        now = self.clock()

        async def work(session: AsyncSession) -> PostSummary:
            post = await session.get(DailyPost, post_id)
            if post is None:
                raise UserError("No such daily question.")
            if post.closed_at is None:
                post.closed_at = now
                post.state = "closed"
                await session.execute(
                    update(ChannelStreak)
                    .where(
                        ChannelStreak.channel_id == post.channel_id,
                        (ChannelStreak.last_date.is_(None)) | (ChannelStreak.last_date < post.local_date),
                    )
                    .values(current=0)
                )
            question = self._question(post.question_id)
            rows = await session.execute(
                select(Member.display_name, Member.external_id, Answer.score)
                .join(Member, Member.id == Answer.member_id)
                .where(Answer.post_id == post.id, Answer.counted.is_(True))
                .order_by(Answer.score.desc(), Answer.created_at.asc())
            )
            answers = rows.all()
            streaks = await session.execute(
                select(Member.display_name, Member.external_id, ChannelStreak.current)
                .join(Member, Member.id == ChannelStreak.member_id)
                .where(
                    ChannelStreak.channel_id == post.channel_id,
                    ChannelStreak.last_date == post.local_date,
                    ChannelStreak.current.in_(MILESTONES),
                )
            )
            return PostSummary(
                post_id=post.id,
                question_id=question.id,
                prompt=question.prompt,
                reference=question.answer,
                answered=len(answers),
                top=tuple(
                    BoardRow(rank=i, member=name or ext, points=score, answers=1)
                    for i, (name, ext, score) in enumerate(answers[:5], start=1)
                ),
                milestones=tuple((name or ext, current) for name, ext, current in streaks.all()),
                tips=question.tips,
                card=await self._post_card(session, post, now),
            )

        return await self.transaction(work)

    # -- channel admin ----------------------------------------------------------------------------

    def on_schedule_change(self, listener: admin.ScheduleListener) -> None:
        """The scheduler listens here, so a changed schedule takes effect without a restart."""
        self._schedule_listeners.append(listener)

    async def _admin_update(
        self,
        actor: Actor,
        change: Callable[[Channel, Workspace, datetime], None] | None,
        *,
        setup: bool = False,
    ) -> ChannelStatus:
        """Admins only. Setup creates the channel (posting on); the rest need a channel set up."""
        now = self.clock()

        async def work(session: AsyncSession) -> tuple[int | None, ChannelStatus]:
            ws, channel = await admin.admin_channel(session, actor, now, self.default_timezone, setup=setup)
            if channel is None:
                if change is not None:
                    raise UserError(admin.NOT_SET_UP)
                unsaved = directory.unsaved_channel(ws, actor.place, now)
                return None, admin.status(unsaved, ws, now, set_up=False)
            if change is not None:
                change(channel, ws, now)
            await session.flush()
            return channel.id, admin.status(channel, ws, now)

        channel_id, view = await self.transaction(work)
        if channel_id is not None:
            for listener in self._schedule_listeners:
                await listener(channel_id)
        return view

    async def channel_status(self, actor: Actor) -> ChannelStatus:
        """The schedule as it stands, or as setup would start it where nobody has set it up yet."""
        return await self._admin_update(actor, None)

    async def configure_channel(self, actor: Actor, **changes: object) -> ChannelStatus:
        """Admin setup: post_time, close_time, timezone, weekdays, topics, difficulty, reveal_policy.

        The first setup in a channel switches its daily question on; later ones leave a pause alone.
        """
        return await self._admin_update(
            actor, lambda channel, ws, now: admin.apply_changes(channel, self.bank, changes), setup=True
        )

    def check_setup(self, **changes: object) -> dict[str, str]:
        """What is wrong with each field of a setup form, checked before anything is saved (no database)."""
        return admin.parse_changes(self.bank, changes)[1]

    async def pause_channel(self, actor: Actor) -> ChannelStatus:
        def pause(channel: Channel, ws: Workspace, now: datetime) -> None:
            channel.enabled = False

        return await self._admin_update(actor, pause)

    async def resume_channel(self, actor: Actor) -> ChannelStatus:
        def resume(channel: Channel, ws: Workspace, now: datetime) -> None:
            channel.enabled, channel.failures, channel.last_error = True, 0, None
            channel.skip_date = None  # resume also undoes a skip

        return await self._admin_update(actor, resume)

    async def skip_next(self, actor: Actor) -> ChannelStatus:
        """Skip the next scheduled post (today's if it has not gone out yet); `resume` undoes it."""
        return await self._admin_update(actor, admin.skip_next)

    # -- personal quizzes -------------------------------------------------------------------------

    async def start_quiz(
        self, actor: Actor, topic: str | None = None, difficulty: str | None = None
    ) -> QuestionCard:
        candidates = picking.pool(self.bank, [topic] if topic else [], difficulty)
        now = self.clock()

        async def work(session: AsyncSession) -> QuestionCard:
            _, member = await self._context(session, actor)
            question = await picking.next_quiz(session, member.id, candidates, now)
            attempt = QuizAttempt(member_id=member.id, question_id=question.id, started_at=now)
            session.add(attempt)
            await session.flush()
            return _quiz_card(question, attempt.id)

        return await self.transaction(work)

    async def quiz_card(self, actor: Actor, attempt_id: int) -> QuestionCard:
        """The member's quiz question again, for the box they answer it in."""

        async def work(session: AsyncSession) -> QuestionCard:
            _, member = await self._context(session, actor)
            attempt = await session.get(QuizAttempt, attempt_id)
            if attempt is None or attempt.member_id != member.id:
                raise UserError("That quiz question is not yours to answer; start one with /quiz.")
            return _quiz_card(self._question(attempt.question_id), attempt.id)

        return await self.transaction(work)

    async def full_reference(self, actor: Actor, answer_id: int) -> ReferenceView:
        """The whole reference behind one of the member's grades, once it has been revealed to them."""
        now = self.clock()

        async def work(session: AsyncSession) -> ReferenceView:
            _, member = await self._context(session, actor)
            answer = await session.get(Answer, answer_id)
            if answer is None or answer.member_id != member.id:
                raise UserError("That answer is not yours.")
            if answer.post_id is not None:
                post = await session.get(DailyPost, answer.post_id)
                channel = await session.get(Channel, post.channel_id)
                if channel.reveal_policy != "immediate" and not _is_closed(post, now):
                    raise UserError("The reference answer comes when the question closes.")
            question = self._question(answer.question_id)
            return ReferenceView(question.id, question.prompt, question.answer, question.tips)

        return await self.transaction(work)

    async def answer_quiz(self, actor: Actor, attempt_id: int, text: str) -> GradeCard:
        """Grade a quiz answer; it counts for the leaderboard once per question and local day."""
        cleaned = check_answer_text(text)
        now = self.clock()

        async def load(session: AsyncSession) -> tuple[QuizAttempt, tuple[str, ...]]:
            ws, member = await self._context(session, actor)
            attempt = await session.get(QuizAttempt, attempt_id)
            if attempt is None or attempt.member_id != member.id:
                raise UserError("That quiz question is not yours to answer; start one with /quiz.")
            if attempt.answered_at is not None:
                raise UserError("You already answered that quiz question; /quiz gives you another.")
            return attempt, await appeals.aliases(session, ws.id, attempt.question_id)

        attempt, extra = await self.transaction(load)
        question = self._question(attempt.question_id)
        grade = (
            await self._judge(question, extra, cleaned)
            if self.judge
            else self._grade(question, cleaned, extra)
        )

        async def store(session: AsyncSession) -> GradeCard:
            ws, member = await self._context(session, actor)
            today = local_day(now, directory.member_tz(member, ws))
            claimed = await session.execute(
                update(QuizAttempt)
                .where(QuizAttempt.id == attempt_id, QuizAttempt.answered_at.is_(None))
                .values(answered_at=now)
            )
            if claimed.rowcount != 1:
                raise UserError("You already answered that quiz question; /quiz gives you another.")
            fields = {
                "workspace_id": ws.id,
                "member_id": member.id,
                "question_id": question.id,
                "attempt_id": attempt_id,
                "text": cleaned,
                "created_at": now,
                **_grade_columns(grade),
            }
            answer = Answer(
                **fields,
                counted=True,
                count_key=f"quiz:{member.id}:{question.id}:{today}",
                points=grade.score,
            )
            if await _insert(session, answer):
                await boards.credit(session, answer, ws.timezone)
            else:  # same question already counted today: keep the answer, without points
                answer = Answer(**fields, counted=False, count_key=None, points=0)
                session.add(answer)
                await session.flush()
            row = await _streak_row(session, PracticeStreak, member_id=member.id)
            streak = extend_practice(_streak(row), today) if grade.attempted else _streak(row)
            _save_streak(row, streak)
            await self._review(session, member.id, question.id, grade.score, now)
            await session.flush()
            return _grade_card(question, grade, answer, reference=question.answer, practice=streak.current)

        return await self.transaction(store)

    async def _review(
        self, session: AsyncSession, member_id: int, question_id: str, score: int, now: datetime
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

    def _grade(self, question: Question, text: str, extra_aliases: tuple[str, ...]) -> Grade:
        """Grade against the bank's references plus the answers this workspace accepted on appeal."""
        if extra_aliases:
            question = dataclasses.replace(question, aliases=question.aliases + extra_aliases)
        return grade_question(question, text, distractors=self._distractors(question))

    async def _judge(self, question: Question, extra_aliases: tuple[str, ...], text: str) -> Grade:
        """The LLM judge's grade; it falls back to the built-in grader by itself on any failure."""
        if extra_aliases:
            question = dataclasses.replace(question, aliases=question.aliases + extra_aliases)
        return await grade_question_with_judge(
            question, text, distractors=self._distractors(question), judge=self.judge
        )

    def _distractors(self, question: Question, limit: int = 12) -> list[str]:
        """References of other questions on the same topic, so an answer to a neighbour is recognised."""
        return [q.answer for q in self.bank.questions if q.topic == question.topic and q.id != question.id][
            :limit
        ]

    # -- appeals ----------------------------------------------------------------------------------

    async def appeal(self, actor: Actor, answer_id: int, reason: str = "") -> AppealView:
        now = self.clock()

        async def work(session: AsyncSession) -> AppealView:
            ws, member = await self._context(session, actor)
            row = await appeals.open_appeal(session, ws, member, answer_id, clean(reason), now)
            return (await appeals.views(session, ws.id, ids=[row.id]))[0]

        return await self.transaction(work)

    async def pending_appeals(self, actor: Actor) -> list[AppealView]:
        async def work(session: AsyncSession) -> list[AppealView]:
            ws, _ = await self._context(session, actor)
            admin.require_admin(actor, ws)
            return await appeals.views(session, ws.id, state="pending")

        return await self.transaction(work)

    async def disputed_grades(self, actor: Actor, limit: int = 10) -> list[DisputeView]:
        """Admins only: the latest grades the LLM judge disagreed with, beside the appeals."""

        async def work(session: AsyncSession) -> list[DisputeView]:
            ws, _ = await self._context(session, actor)
            admin.require_admin(actor, ws)
            return await appeals.disputes(session, ws.id, limit)

        return await self.transaction(work)

    async def decide_appeal(
        self, actor: Actor, appeal_id: int, accept: bool, score: int | None = None, note: str = ""
    ) -> AppealView:
        """Admins only, never on their own answer unless the only admin (bot.practice.appeals).
        Accepting rescores the answer and its points; only an answer accepted as correct becomes an
        accepted alternative."""
        now = self.clock()

        async def work(session: AsyncSession) -> AppealView:
            ws, member = await self._context(session, actor)
            admin.require_admin(actor, ws)
            row = await appeals.decide(session, ws, member, appeal_id, accept, score, clean(note), now)
            return (await appeals.views(session, ws.id, ids=[row.id]))[0]

        return await self.transaction(work)

    # -- standings --------------------------------------------------------------------------------

    async def leaderboard(self, actor: Actor, period: str = "week", scope: str = "workspace") -> Leaderboard:
        if period not in PERIODS:
            raise UserError(f"Period must be one of: {', '.join(PERIODS)}.")
        if scope not in SCOPES:
            raise UserError(f"Scope must be one of: {', '.join(SCOPES)}.")
        if scope == "channel" and actor.place.channel is None:
            raise UserError("A channel leaderboard needs a channel; use the workspace scope here.")
        now = self.clock()

        async def work(session: AsyncSession) -> Leaderboard:
            ws, member = await self._context(session, actor)
            channel_id = None
            if scope == "channel":
                channel = await directory.find_channel(session, ws, actor.place)
                if channel is None:  # nobody set this channel up: no daily answers, an empty board
                    return Leaderboard(period=period, scope=scope, rows=())
                channel_id = channel.id
            rows = await boards.top(session, ws.id, period, now, ws.timezone, channel_id)
            me = await boards.rank_of(session, ws.id, member.id, period, now, ws.timezone, channel_id)
            return Leaderboard(period=period, scope=scope, rows=tuple(rows), me=me)

        return await self.transaction(work)

    async def streak(self, actor: Actor) -> StreakView:
        now = self.clock()

        async def work(session: AsyncSession) -> StreakView:
            ws, member = await self._context(session, actor)
            practice = _streak(await _streak_row(session, PracticeStreak, create=False, member_id=member.id))
            view = StreakView(
                practice_current=practice_current(practice, local_day(now, directory.member_tz(member, ws))),
                practice_best=practice.best,
            )
            channel = None
            if actor.place.channel is not None:
                channel = await directory.find_channel(session, ws, actor.place)
            if channel is not None:
                row = await _streak_row(
                    session, ChannelStreak, create=False, member_id=member.id, channel_id=channel.id
                )
                view = StreakView(view.practice_current, view.practice_best, row.current, row.best)
            return view

        return await self.transaction(work)

    async def timezone(
        self, actor: Actor, name: str | None = None, *, workspace: bool = False
    ) -> TimezoneView:
        """Show the clocks in use, or set one: the member's own (`auto` goes back to the platform's), or as
        an admin the workspace's, which moves its week and month boards and its channels' default."""
        name = (name or "").strip() or None
        chosen = None if name is None or name.lower() == "auto" else zone(name).key
        if workspace and chosen is None:
            raise UserError("Name the workspace's timezone, e.g. Pacific/Auckland.")

        async def work(session: AsyncSession) -> tuple[list[int], TimezoneView]:
            ws, member = await self._context(session, actor)
            moved: list[int] = []
            if workspace:
                admin.require_admin(actor, ws)
                if ws.timezone != chosen:
                    ws.timezone = chosen
                    await boards.rebuild(session, ws.id, chosen)
                    moved = list(
                        await session.scalars(
                            select(Channel.id).where(
                                Channel.workspace_id == ws.id, Channel.timezone.is_(None)
                            )
                        )
                    )
            elif name is not None:
                member.chosen_timezone = chosen
            source = "chosen" if member.chosen_timezone else "platform" if member.timezone else "workspace"
            return moved, TimezoneView(directory.member_tz(member, ws), source, ws.timezone)

        moved, view = await self.transaction(work)
        for channel_id in moved:  # their posts follow the workspace's clock
            for listener in self._schedule_listeners:
                await listener(channel_id)
        return view

    async def stats(self, actor: Actor, *, picture: bool = True) -> StatsView:
        async def work(session: AsyncSession) -> tuple[str, str, list[tuple[datetime, int, str]]]:
            ws, member = await self._context(session, actor)
            rows = await session.execute(
                select(Answer.created_at, Answer.score, QuestionRow.topic)
                .join(QuestionRow, QuestionRow.id == Answer.question_id)
                .where(Answer.member_id == member.id)
                .order_by(Answer.created_at)
            )
            return member.display_name or member.external_id, directory.member_tz(member, ws), rows.all()

        name, tz, rows = await self.transaction(work)
        return _stats_view(name, tz, rows, picture)


def _quiz_card(question: Question, attempt_id: int) -> QuestionCard:
    return QuestionCard(
        question_id=question.id,
        prompt=question.prompt,
        topic=question.topic,
        difficulty=question.difficulty,
        kind=question.kind,
        attempt_id=attempt_id,
    )


def _stats_view(name: str, tz: str, rows: list[tuple[datetime, int, str]], picture: bool) -> StatsView:
    by_topic: dict[str, list[int]] = defaultdict(list)
    by_week: dict[date, list[int]] = defaultdict(list)
    for created, score, topic in rows:
        by_topic[topic].append(score)
        local = created.astimezone(zone(tz)).date()
        by_week[week_start(local)].append(score)
    topics = tuple(
        TopicLine(topic, len(scores), round(sum(scores) / len(scores), 1))
        for topic, scores in sorted(by_topic.items())
    )
    weakest = tuple(t.topic for t in sorted(topics, key=lambda t: (t.average, t.topic)) if t.average < 70)[:3]
    scores = [score for _, score, _ in rows]
    png = b""
    if picture:
        png = render_stats_png(
            StatsPicture(
                member=name,
                weekly=[(week, sum(s) / len(s)) for week, s in sorted(by_week.items())],
                topics=[TopicMastery(t.topic, t.answers, t.average) for t in topics],
            )
        )
    return StatsView(
        member=name,
        answers=len(scores),
        average=round(sum(scores) / len(scores), 1) if scores else 0.0,
        topics=topics,
        weakest=weakest,
        picture_png=png,
    )


async def _open_post(
    session: AsyncSession, actor: Actor, post_id: int, now: datetime
) -> tuple[DailyPost, Channel, Workspace]:
    """The post, if it belongs to the actor's workspace and is still open; a friendly refusal otherwise."""
    post = await session.get(DailyPost, post_id)
    channel = await session.get(Channel, post.channel_id) if post else None
    ws = await session.get(Workspace, channel.workspace_id) if channel else None
    if (
        post is None
        or ws is None
        or (ws.platform, ws.external_id) != (actor.place.platform, actor.place.workspace)
    ):
        raise UserError("That daily question does not exist here.")
    if _is_closed(post, now):
        raise UserError("That daily question has closed. Try /quiz to keep practising.")
    return post, channel, ws


async def _insert_counted(session: AsyncSession, answer: Answer) -> int | None:
    """INSERT ... ON CONFLICT (count_key) DO NOTHING: the new id, or None when it would count twice."""
    columns = {c.key: getattr(answer, c.key) for c in Answer.__table__.columns if c.key != "id"}
    stmt = directory.insert_for(session, Answer).values(columns)
    return await session.scalar(
        stmt.on_conflict_do_nothing(index_elements=["count_key"]).returning(Answer.id)
    )


async def _insert(session: AsyncSession, row: Answer) -> bool:
    """Insert in a savepoint; False when a unique key (one counted answer) says it is a repeat."""
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return False
    return True


def _is_closed(post: DailyPost, now: datetime) -> bool:
    return post.closed_at is not None or now >= post.closes_at


# SQLSTATEs of a server going away or not back yet: class 08 (connection exception), admin and crash
# shutdown, "the database system is starting up / shutting down". SQLite never raises these.
_UNAVAILABLE = ("08", "57P01", "57P02", "57P03")


def _count_key(post: DailyPost, member: Member) -> str:
    """One counted answer per member and daily post, whatever the platform redelivers."""
    return f"post:{post.id}:{member.id}"


def _is_disconnect(error: DBAPIError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    return (
        bool(error.connection_invalidated)
        or sqlstate.startswith(_UNAVAILABLE)
        or "connection" in str(error.orig).lower()
    )


async def _streak_row(session: AsyncSession, model: type, *, create: bool = True, **keys: int):
    """The member's streak row; a blank one (added to the session only when `create`) if none exists."""
    row = await session.get(model, tuple(keys.values()))
    if row is None:
        row = model(**keys, current=0, best=0, last_date=None)
        if create:
            session.add(row)
    return row


def _streak(row: PracticeStreak | ChannelStreak) -> Streak:
    return Streak(current=row.current or 0, best=row.best or 0, last=row.last_date)


def _save_streak(row: PracticeStreak | ChannelStreak, streak: Streak) -> None:
    row.current, row.best, row.last_date = streak.current, streak.best, streak.last


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


def _grade_card(
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
