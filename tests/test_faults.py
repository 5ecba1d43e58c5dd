"""A database that drops every connection mid-morning: members are asked to retry, nothing half-written."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.errors import TryAgain
from bot.events import Actor, Place
from bot.service import PracticeService
from bot.store.tables import Answer, ChannelStreak

TEAM = Place("chat", "T1", "C1")
TEXT = "Attention lets each token weigh all other tokens using queries keys and values"


async def drop_connections(url: str) -> int:
    """What a PostgreSQL restart does to its clients: every backend of the database is terminated."""
    dsn = make_url(url).set(drivername="postgresql", database="postgres").render_as_string(False)
    conn = await asyncpg.connect(dsn)
    try:
        return len(
            await conn.fetch(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = $1 AND pid <> pg_backend_pid()",
                make_url(url).database,
            )
        )
    finally:
        await conn.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_answers_survive_dropped_connections(service: PracticeService, migrated_url: str) -> None:
    card = await service.daily_post(TEAM)
    members = [Actor(TEAM, f"m{i}", f"Member {i}") for i in range(60)]

    async def answer(actor: Actor):
        try:
            return await service.answer_post(actor, card.post_id, TEXT)
        except TryAgain as error:
            return error

    async def chaos() -> int:
        killed = 0
        for _ in range(4):
            await asyncio.sleep(0.02)
            killed += await drop_connections(migrated_url)
        return killed

    *results, killed = await asyncio.gather(*(answer(m) for m in members), chaos())
    assert killed > 0, "the fault was really injected"
    stored = [r for r in results if not isinstance(r, TryAgain)]
    asked_to_retry = [m for m, r in zip(members, results, strict=True) if isinstance(r, TryAgain)]
    assert all("try again in a moment" in str(r) for r in results if isinstance(r, TryAgain))

    async def counted() -> tuple[int, int]:
        answers = await service.transaction(
            lambda s: s.scalar(select(func.count()).where(Answer.post_id == card.post_id))
        )
        streaks = await service.transaction(
            lambda s: s.scalar(
                select(func.count()).select_from(ChannelStreak).where(ChannelStreak.current == 1)
            )
        )
        return answers, streaks

    assert await counted() == (len(stored), len(stored))  # nothing half-written: answer and streak together
    for actor in asked_to_retry:  # the service recovered by itself: retrying simply works
        await service.answer_post(actor, card.post_id, TEXT)
    assert await counted() == (60, 60)
