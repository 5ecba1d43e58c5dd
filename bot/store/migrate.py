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
from alembic.util.exc import CommandError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.errors import SetupError
from bot.store.db import async_url, create_sqlite_file, sqlite_file

REPO_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


class NotMigrated(SetupError):
    """The database is not at the code's schema; the message says what to run."""


class DatabaseUnavailable(SetupError):
    """The database cannot be reached or opened at all."""


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
    """Create the SQLite file (owner-only) if there is none yet, then migrate."""
    create_sqlite_file(url)
    _outside_loop(lambda: _alembic(url, command.upgrade, revision))


def downgrade(url: str, revision: str) -> None:
    _outside_loop(lambda: _alembic(url, command.downgrade, revision))


def _alembic(url: str, step: Callable, revision: str) -> None:
    """Refuse a database a newer version has migrated before Alembic fails on it with a traceback."""
    current = asyncio.run(_revision_of(url))
    if current is not None and not known_revision(current):
        raise NotMigrated(too_new(current))
    try:
        step(alembic_config(url), revision)
    except CommandError as error:
        raise SetupError(f"Cannot migrate to {revision!r}: {error}") from None


async def _revision_of(url: str) -> str | None:
    engine = create_async_engine(async_url(url))
    try:
        return await current_revision(engine)
    finally:
        await engine.dispose()


def head_revision() -> str | None:
    return _scripts().get_current_head()


def known_revision(revision: str) -> bool:
    try:
        return _scripts().get_revision(revision) is not None
    except CommandError:
        return False


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def too_new(current: str) -> str:
    return (
        f"The database is at revision {current}, which this version of interview-bot does not know: a newer "
        "version has migrated it. `interview-bot db upgrade` cannot help (there is nothing newer here). "
        "Run the newer version again, or with that version run "
        f"`interview-bot db downgrade {head_revision()}` to bring the schema back to this one, or restore "
        "the backup taken before the upgrade."
    )


async def current_revision(engine: AsyncEngine) -> str | None:
    """The database's revision (None when empty); an unreachable database is a plain DatabaseUnavailable."""
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    if path is not None and not path.is_file():  # connecting would create it
        return None
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())
    except (OSError, DBAPIError) as error:
        cause = getattr(error, "orig", None) or error
        reason = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
        raise DatabaseUnavailable(
            f"Cannot open the {engine.url.get_backend_name()} database ({reason}). "
            "Check DATABASE_URL and that the database server is running."
        ) from None


async def ensure_migrated(engine: AsyncEngine) -> None:
    current, head = await current_revision(engine), head_revision()
    if current == head:
        return
    if current is not None and not known_revision(current):
        raise NotMigrated(too_new(current))
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    if path is not None and not path.is_file():
        state = f"does not exist yet ({path})"
    else:
        state = "is empty" if current is None else f"is at revision {current}, the code needs {head}"
    raise NotMigrated(f"The database {state}. Run `interview-bot db upgrade` (or `make run`, which does it).")
