"""Fixtures and helpers shared by test modules, defined once: a real SQLite file and, when DATABASE_URL names
one, a fresh real PostgreSQL database; the loopback stand-ins for Slack, Discord and the LLM judge's
endpoint, and the bots wired to them."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import asyncpg
import discord
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from adapters.discord.client import InterviewBot
from adapters.slack.server import SlackServer
from bot.bank import Bank, load_bank
from bot.practice.service import PracticeService
from bot.store import migrate
from bot.store.db import Database
from bot.store.tables import Answer
from bot.surface.context import Actor, Place
from tests.discord_fake import FakeDiscord
from tests.discord_harness import Discord, connect
from tests.judge_stand_in import StandIn
from tests.slack_fake import FakeSlack
from tests.slack_harness import Slack, settings_for

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "questions"


class Clock:
    """An injected clock tests move by hand; always timezone-aware UTC."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def postgres_base_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else None


def _pg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank(QUESTIONS, use_cache=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each backend; PostgreSQL gets a database of its own, dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
        return
    base = postgres_base_url()
    if base is None:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but DATABASE_URL does not name a PostgreSQL database")
        pytest.skip("set DATABASE_URL=postgresql://... to run the PostgreSQL variant")
    name = f"ibtest_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(base, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(base: str, sql: str) -> None:
    conn = await asyncpg.connect(_pg_dsn(base))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
def migrated_url(db_url: str) -> str:
    migrate.upgrade(db_url)
    return db_url


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # a Monday


async def set_up_channel(service: PracticeService, place: Place) -> None:
    """An admin's setup: the only way a channel starts getting daily questions."""
    await service.configure_channel(Actor(place, "setup-admin", "Setup admin", is_admin=True))


async def schedule_now(service: PracticeService, clock: Clock, place: Place) -> None:
    """A channel whose post time is now (the stand-in platforms stamp messages with the real time)."""
    clock.now = datetime.now(UTC).replace(second=0, microsecond=0)
    boss = Actor(place, "UADMIN", "Boss", is_admin=True)
    await service.configure_channel(boss, post_time=clock.now.strftime("%H:%M"), timezone="UTC")


async def count_answers(service: PracticeService) -> int:
    return await service.transaction(lambda s: s.scalar(select(func.count()).select_from(Answer)))


@pytest.fixture
async def service(migrated_url: str, bank: Bank, clock: Clock) -> AsyncIterator[PracticeService]:
    # A daily card's "N answered" is refreshed almost at once, so tests that read it need not wait.
    svc = PracticeService(Database(migrated_url), bank, clock=clock, card_refresh_seconds=0.05)
    await svc.start()
    yield svc
    await svc.db.dispose()


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as api:
        yield api


@pytest.fixture
async def slack(service: PracticeService, slack_api: FakeSlack) -> AsyncIterator[Slack]:
    """The real Slack runtime serving HTTP on loopback, installed in one workspace."""
    runtime = SlackServer(service, settings_for(slack_api, slack_bot_token="xoxb-T1"))
    await runtime.start()
    async with aiohttp.ClientSession() as http:
        yield Slack(runtime, slack_api, http)
    await runtime.close()


@pytest.fixture
async def discord_api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as api:
        monkeypatch.setattr(discord.http.Route, "BASE", api.base)  # every discord.py client calls it
        yield api


@pytest.fixture
async def bot(service: PracticeService, discord_api: FakeDiscord) -> AsyncIterator[InterviewBot]:
    client = await connect(service)
    yield client
    await client.close()


@pytest.fixture
def chat(bot: InterviewBot, discord_api: FakeDiscord) -> Discord:
    return Discord(bot, discord_api)


@pytest.fixture
async def stand_in() -> AsyncIterator[tuple[StandIn, str]]:
    """The judge's endpoint, and its URL."""
    async with StandIn() as server:
        yield server, server.base
