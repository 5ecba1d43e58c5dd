"""The async engine and session factory, with the URL forms people actually type accepted."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.errors import SetupError

ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}


BAD_URL = (
    "DATABASE_URL is not a database URL the bot can use: expected sqlite:///path/to/file.db or "
    "postgresql://user:password@host/db."
)


def async_url(url: str) -> str:
    """`sqlite:///x.db` and `postgresql://...` name the async drivers we ship; anything else is refused
    in plain words (never echoing the URL, which may hold a password)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise SetupError(BAD_URL) from None
    driver = ASYNC_DRIVERS.get(parsed.drivername, parsed.drivername)
    if driver not in ASYNC_DRIVERS.values():
        raise SetupError(BAD_URL)
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL; None for PostgreSQL and in-memory databases."""
    parsed = make_url(async_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def create_sqlite_file(url: str) -> None:
    """Create the SQLite file and its folder before first use, readable by its owner only: it holds
    members' answers and Slack OAuth bot tokens. (SQLite gives its -wal and -shm files the same mode.)"""
    path = sqlite_file(url)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class Database:
    """One engine per process; sessions never expire on commit so view models outlive them."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = async_url(url)
        parsed = make_url(self.url)
        kwargs: dict = {"echo": echo, "pool_pre_ping": True}
        if parsed.get_backend_name() == "sqlite":  # the file is created by `db upgrade`, never here
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_recycle=1800)
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_connect)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, class_=AsyncSession)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_connect(dbapi_conn, _record) -> None:
    """WAL lets readers run beside the one writer; foreign keys are off by default in SQLite.

    The driver's own implicit BEGIN is switched off so `_sqlite_begin` decides (and savepoints work).
    """
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn) -> None:
    """Take the write lock up front: a deferred transaction that later writes fails at once when raced."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")
