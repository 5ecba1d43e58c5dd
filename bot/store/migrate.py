"""Alembic driven from code, so `interview-bot db upgrade` and start-up checks need no alembic.ini."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.db import async_url

REPO_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


class NotMigrated(RuntimeError):
    """The database is behind the code; the message says what to run."""


def migrations_dir() -> Path:
    """The repo's folder in a checkout; `./migrations` where the package is installed elsewhere (Docker)."""
    for candidate in (REPO_MIGRATIONS, Path.cwd() / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("cannot find the migrations folder; run from the project directory")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["database_url"] = async_url(url)
    config.attributes["configure_logging"] = False
    return config


def _outside_loop(fn: Callable[[], None]) -> None:
    """Alembic's async env runs its own event loop, so from inside one it runs on a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        fn()
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(fn).result()


def upgrade(url: str, revision: str = "head") -> None:
    _outside_loop(lambda: command.upgrade(alembic_config(url), revision))


def downgrade(url: str, revision: str = "base") -> None:
    _outside_loop(lambda: command.downgrade(alembic_config(url), revision))


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


async def ensure_migrated(engine: AsyncEngine) -> None:
    current, head = await current_revision(engine), head_revision()
    if current != head:
        state = "is empty" if current is None else f"is at revision {current}, the code needs {head}"
        raise NotMigrated(
            f"The database {state}. Run `interview-bot db upgrade` (or `make run`, which does it)."
        )
