"""The facade the console, Slack and Discord adapters call: one method per use case, nothing more."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.bank import Bank
from bot.grading.judge import Judge
from bot.practice import appeals, channels, daily_answers, daily_posts, questions, quiz, standings, timezones
from bot.practice.answers import Answers, check_answer_text, full_reference
from bot.practice.debounce import Debouncer
from bot.practice.deps import Deps, utcnow
from bot.practice.streak_rows import streak_bonus
from bot.store.db import Database
from bot.store.migrate import ensure_migrated
from bot.surface.cards import (
    AppealView,
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
)
from bot.surface.context import Actor, Place

__all__ = ["PracticeService", "check_answer_text", "streak_bonus"]  # what adapters and tests import here

T = TypeVar("T")


class PracticeService:
    def __init__(
        self,
        db: Database,
        bank: Bank,
        *,
        clock: Callable[[], datetime] = utcnow,
        default_timezone: str = "UTC",
        judge: Judge | None = None,
        grading_concurrency: int = 8,
        card_refresh_seconds: float = 2.0,
    ) -> None:
        self.deps = Deps(db, bank, clock, default_timezone)
        self.answers = Answers(self.deps, judge, grading_concurrency)
        self.schedules = channels.ScheduleChanges()
        self._card_refresh = Debouncer(card_refresh_seconds)

    @property
    def db(self) -> Database:
        return self.deps.db

    @property
    def bank(self) -> Bank:
        return self.deps.bank

    @bank.setter
    def bank(self, bank: Bank) -> None:
        self.deps.bank = bank

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.deps.clock

    @property
    def judge(self) -> Judge | None:
        return self.answers.judge

    async def start(self) -> None:
        """Refuse to run on an un-migrated database, then bring the questions table in line with the bank."""
        await ensure_migrated(self.db.engine)
        await self.sync_questions()

    async def close(self) -> None:
        await self.drain_card_refreshes()
        if self.judge is not None:
            await self.judge.close()
        await self.db.dispose()

    async def transaction(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        return await self.deps.transaction(work)

    # -- posted cards -----------------------------------------------------------------------------

    def schedule_card_refresh(self, key: Hashable, refresh: Callable[[], Awaitable[None]]) -> None:
        """Edit a posted card's "N answered" at most once per interval: 500 answers in a minute make a
        few edits, not 500 (rate limits). `refresh` reads the count when it runs."""
        self._card_refresh.schedule(key, refresh)

    async def drain_card_refreshes(self) -> None:
        """The last edits still go out: adapters wait here before they disconnect."""
        await self._card_refresh.drain()

    # -- the bank ---------------------------------------------------------------------------------

    async def sync_questions(self) -> None:
        await questions.sync(self.deps)

    def topics(self) -> dict[str, int]:
        return dict(sorted(self.bank.topics().items()))

    # -- daily posts ------------------------------------------------------------------------------

    async def daily_post(self, place: Place, local_date: date | None = None) -> QuestionCard:
        return await daily_posts.today(self.deps, place, local_date)

    async def post_card(self, post_id: int) -> QuestionCard:
        return await daily_posts.card(self.deps, post_id)

    async def answer_post(self, actor: Actor, post_id: int, text: str) -> GradeCard:
        async with self.answers.slots:  # at most `concurrency` answers graded at once, on every platform
            return await daily_answers.answer(self.answers, actor, post_id, text)

    async def close_post(self, post_id: int) -> PostSummary:
        return await daily_posts.close(self.deps, post_id)

    # -- channel admin ----------------------------------------------------------------------------

    def on_schedule_change(self, listener: channels.ScheduleListener) -> None:
        self.schedules.listen(listener)

    async def channel_status(self, actor: Actor) -> ChannelStatus:
        return await channels.update(self.deps, self.schedules, actor, None)

    async def configure_channel(self, actor: Actor, **changes: object) -> ChannelStatus:
        """Admin setup: post_time, close_time, timezone, weekdays, topics, difficulty, reveal_policy.

        The first setup in a channel switches its daily question on; later ones leave a pause alone.
        """
        bank = self.bank
        return await channels.update(
            self.deps,
            self.schedules,
            actor,
            lambda channel, ws, now: channels.apply_changes(channel, bank, changes),
            setup=True,
        )

    def check_setup(self, **changes: object) -> dict[str, str]:
        """What is wrong with each field of a setup form, checked before anything is saved (no database)."""
        return channels.parse_changes(self.bank, changes)[1]

    async def pause_channel(self, actor: Actor) -> ChannelStatus:
        return await channels.update(self.deps, self.schedules, actor, channels.pause)

    async def resume_channel(self, actor: Actor) -> ChannelStatus:
        return await channels.update(self.deps, self.schedules, actor, channels.resume)

    async def skip_next(self, actor: Actor) -> ChannelStatus:
        return await channels.update(self.deps, self.schedules, actor, channels.skip_next)

    # -- personal quizzes -------------------------------------------------------------------------

    async def start_quiz(
        self, actor: Actor, topic: str | None = None, difficulty: str | None = None
    ) -> QuestionCard:
        return await quiz.start(self.deps, actor, topic, difficulty)

    async def quiz_card(self, actor: Actor, attempt_id: int) -> QuestionCard:
        return await quiz.card(self.deps, actor, attempt_id)

    async def answer_quiz(self, actor: Actor, attempt_id: int, text: str) -> GradeCard:
        async with self.answers.slots:
            return await quiz.answer(self.answers, actor, attempt_id, text)

    async def full_reference(self, actor: Actor, answer_id: int) -> ReferenceView:
        return await full_reference(self.deps, actor, answer_id)

    # -- appeals ----------------------------------------------------------------------------------

    async def appeal(self, actor: Actor, answer_id: int, reason: str = "") -> AppealView:
        return await appeals.appeal(self.deps, actor, answer_id, reason)

    async def pending_appeals(self, actor: Actor) -> list[AppealView]:
        return await appeals.pending(self.deps, actor)

    async def disputed_grades(self, actor: Actor, limit: int = 10) -> list[DisputeView]:
        return await appeals.disputed(self.deps, actor, limit)

    async def decide_appeal(
        self, actor: Actor, appeal_id: int, accept: bool, score: int | None = None, note: str = ""
    ) -> AppealView:
        return await appeals.decide_as_admin(self.deps, actor, appeal_id, accept, score, note)

    # -- standings --------------------------------------------------------------------------------

    async def leaderboard(self, actor: Actor, period: str = "week", scope: str = "workspace") -> Leaderboard:
        return await standings.leaderboard(self.deps, actor, period, scope)

    async def streak(self, actor: Actor) -> StreakView:
        return await standings.streak(self.deps, actor)

    async def stats(self, actor: Actor, *, picture: bool = True) -> StatsView:
        return await standings.stats(self.deps, actor, picture)

    async def timezone(
        self, actor: Actor, name: str | None = None, *, workspace: bool = False
    ) -> TimezoneView:
        return await timezones.choose(self.deps, self.schedules, actor, name, workspace=workspace)
