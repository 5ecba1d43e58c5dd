"""The scheduler's use cases, one transaction each over `posts`: it never holds a session or the bank."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from bot.practice import daily_posts, questions
from bot.practice.deps import Deps
from bot.scheduling import posts
from bot.scheduling.posts import Delivery, Schedule
from bot.scheduling.senders import Sender, sender_for
from bot.surface.cards import PostSummary, QuestionCard
from bot.surface.context import Place


class Ledger:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def now(self) -> datetime:
        return self.deps.clock()

    def sender(self) -> Sender:
        return sender_for(self.deps.db.engine)

    def card(self, delivery: Delivery) -> QuestionCard:
        question = self.deps.bank.get(delivery.question_id)
        if question is None:
            raise LookupError(f"question {delivery.question_id} left the bank")
        return questions.card(question, post_id=delivery.post_id, local_date=delivery.local_date.isoformat())

    async def close(self, post_id: int) -> PostSummary:
        return await daily_posts.close(self.deps, post_id)

    async def schedules(self, platforms: Sequence[str]) -> dict[Schedule, list[int]]:
        return await self.deps.transaction(lambda s: posts.schedules(s, platforms))

    async def open_posts(self, platforms: Sequence[str]) -> list[tuple[int, datetime]]:
        return await self.deps.transaction(lambda s: posts.open_posts(s, platforms))

    async def lease_batch(
        self, channel_ids: Sequence[int], now: datetime, grace: timedelta, lease: timedelta, owner: str
    ) -> list[Delivery]:
        return await self.deps.transaction(
            lambda s: posts.lease_batch(s, self.deps.bank, channel_ids, now, grace, lease, owner)
        )

    async def lease_holders(self, now: datetime, platforms: Sequence[str], owner: str) -> set[str]:
        return await self.deps.transaction(lambda s: posts.lease_holders(s, now, platforms, owner))

    async def gone(self, sender: Sender, holders: Collection[str]) -> set[str]:
        return await self.deps.transaction(lambda s: sender.gone(s, holders))

    async def unsent_today(self, now: datetime, platforms: Sequence[str], dead: Collection[str]) -> list[int]:
        return await self.deps.transaction(lambda s: posts.unsent_today(s, now, platforms, dead))

    async def lease_existing(
        self, channel_ids: Sequence[int], now: datetime, lease: timedelta, owner: str, dead: Collection[str]
    ) -> list[Delivery]:
        return await self.deps.transaction(
            lambda s: posts.lease_existing(s, channel_ids, now, lease, owner, dead)
        )

    async def record_posted(
        self, sent: list[tuple[Delivery, str]], now: datetime
    ) -> list[tuple[int, datetime]]:
        return await self.deps.transaction(lambda s: posts.record_posted(s, sent, now))

    async def record_failed(self, delivery: Delivery, reason: str, pause_after: int) -> tuple[int, bool]:
        return await self.deps.transaction(lambda s: posts.record_failed(s, delivery, reason, pause_after))

    async def release(self, delivery: Delivery) -> None:
        await self.deps.transaction(lambda s: posts.release(s, delivery))

    async def closable(self, now: datetime, platforms: Sequence[str]) -> list[int]:
        return await self.deps.transaction(lambda s: posts.closable(s, now, platforms))

    async def claim_summary(self, post_id: int) -> tuple[Place, str] | None:
        return await self.deps.transaction(lambda s: posts.claim_summary(s, post_id))

    async def mark_summary(self, post_id: int, value: str | None) -> None:
        await self.deps.transaction(lambda s: posts.mark_summary(s, post_id, value))
