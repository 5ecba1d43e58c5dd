"""A database that drops every connection, or really restarts, mid-morning: members are asked to retry,
nothing is half-written, and the bot recovers by itself."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.errors import TryAgain
from bot.practice.service import PracticeService
from bot.store.tables import Answer, ChannelStreak
from bot.surface.context import Actor, Place
from tests.conftest import set_up_channel

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


async def counted(service: PracticeService, post_id: int) -> tuple[int, int]:
    """Stored answers to the post, and channel streaks at one day: they must always move together."""
    answers = await service.transaction(
        lambda s: s.scalar(select(func.count()).where(Answer.post_id == post_id))
    )
    streaks = await service.transaction(
        lambda s: s.scalar(select(func.count()).select_from(ChannelStreak).where(ChannelStreak.current == 1))
    )
    return answers, streaks


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_answers_survive_dropped_connections(service: PracticeService, migrated_url: str) -> None:
    await set_up_channel(service, TEAM)
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

    assert await counted(service, card.post_id) == (len(stored), len(stored))  # answer and streak together
    for actor in asked_to_retry:  # the service recovered by itself: retrying simply works
        await service.answer_post(actor, card.post_id, TEXT)
    assert await counted(service, card.post_id) == (60, 60)


def local_cluster(url: str) -> list[str] | None:
    """The pg_ctlcluster command that restarts the server behind `url`, when it is this machine's own."""
    host = make_url(url).host or "localhost"
    etc = Path("/etc/postgresql")
    if host not in ("127.0.0.1", "localhost", "::1") or not shutil.which("pg_ctlcluster") or not etc.is_dir():
        return None
    if os.geteuid() != 0:
        return None
    version = sorted(p.name for p in etc.iterdir())[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


async def server_started_at(url: str) -> object:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(False)
    for _ in range(300):  # up to 30 s for the server to accept connections again
        try:
            conn = await asyncpg.connect(dsn)
        except (OSError, asyncpg.PostgresError):
            await asyncio.sleep(0.1)
            continue
        try:
            return await conn.fetchval("SELECT pg_postmaster_start_time()")
        finally:
            await conn.close()
    raise AssertionError("PostgreSQL did not come back within 30 s")


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_answers_survive_a_real_server_restart(service: PracticeService, migrated_url: str) -> None:
    cluster = local_cluster(migrated_url)
    if cluster is None:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but this PostgreSQL cannot be restarted with pg_ctlcluster")
        pytest.skip("needs this machine's own PostgreSQL and pg_ctlcluster, as root")
    await set_up_channel(service, TEAM)
    card = await service.daily_post(TEAM)
    before = await server_started_at(migrated_url)
    members = [Actor(TEAM, f"m{i}", f"Member {i}") for i in range(60)]

    async def answer(i: int, actor: Actor):
        await asyncio.sleep(0.05 * i)  # answers keep arriving before, during and after the restart
        try:
            return await service.answer_post(actor, card.post_id, TEXT)
        except TryAgain as error:
            return error

    async def restart() -> None:
        await asyncio.sleep(0.5)
        proc = await asyncio.create_subprocess_exec(*cluster, "restart", "-m", "fast")
        assert await proc.wait() == 0

    try:
        *results, _ = await asyncio.gather(*(answer(i, m) for i, m in enumerate(members)), restart())
    finally:  # whatever happened, the server is left running for the rest of the suite
        if not await _accepting(migrated_url):
            await (await asyncio.create_subprocess_exec(*cluster, "start")).wait()
    assert await server_started_at(migrated_url) != before, "the server really restarted"
    asked_to_retry = [m for m, r in zip(members, results, strict=True) if isinstance(r, TryAgain)]
    stored = len(members) - len(asked_to_retry)
    assert all("try again in a moment" in str(r) for r in results if isinstance(r, TryAgain))

    assert await counted(service, card.post_id) == (stored, stored)  # nothing half-written or doubled
    for actor in asked_to_retry:  # the same service, no restart of the bot: retrying simply works
        await service.answer_post(actor, card.post_id, TEXT)
    assert await counted(service, card.post_id) == (60, 60)


async def _accepting(url: str) -> bool:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(False)
    try:
        await (await asyncpg.connect(dsn, timeout=2)).close()
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    return True
