"""Shared fixtures: a real SQLite file and, when DATABASE_URL names one, a fresh real PostgreSQL database."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.bank import Bank, load_bank
from bot.practice.service import PracticeService
from bot.store import migrate
from bot.store.db import Database
from bot.surface.context import Actor, Place

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


@pytest.fixture
async def service(migrated_url: str, bank: Bank, clock: Clock) -> AsyncIterator[PracticeService]:
    svc = PracticeService(Database(migrated_url), bank, clock=clock)
    await svc.start()
    yield svc
    await svc.db.dispose()
