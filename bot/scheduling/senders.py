"""Who holds a lease, and whether that sender still lives.

Each scheduler holds a lock that only its own end releases, and writes its name on the posts it leases.
A restart then tells a sender that died (kill -9, a crash) from one still mid-request, and takes over the
dead one's posts at once instead of waiting for the lease to run out. PostgreSQL: a session advisory
lock on a connection kept for it (the server drops the lock with the connection). SQLite, whose file
lives on one machine: an flock on a small file beside the database (the kernel drops it with the
process). Where neither applies (an in-memory database), every other sender counts as alive.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import logging
import os
import re
import secrets
from collections.abc import Collection
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

log = logging.getLogger(__name__)


class Sender:
    """A sender nobody else can vouch for: its leases simply run out."""

    def __init__(self) -> None:
        self.owner = f"proc:{secrets.token_hex(8)}"

    async def start(self) -> None: ...

    async def keep(self) -> None:
        """Make sure the lock is still held (a database restart drops the PostgreSQL one)."""

    async def close(self) -> None: ...

    async def gone(self, session: AsyncSession, owners: Collection[str]) -> set[str]:
        """The owners among these whose process has ended."""
        return set()


class AdvisoryLockSender(Sender):
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.key = secrets.randbits(63)
        self.owner = f"pg:{self.key}"
        self._conn: AsyncConnection | None = None

    async def start(self) -> None:
        conn = await self.engine.connect()
        await conn.execution_options(isolation_level="AUTOCOMMIT")  # never idle in a transaction
        await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": self.key})
        self._conn = conn

    async def keep(self) -> None:
        conn = self._conn
        assert conn is not None, "keep() is called only while holding, after start()"
        try:
            await conn.execute(text("SELECT 1"))
            return
        except (DBAPIError, OSError):
            log.warning("the database connection holding this sender's lock was lost; taking it again")
        with contextlib.suppress(Exception):
            await conn.invalidate()  # dead: never back into the pool
        await self.start()

    async def close(self) -> None:
        """Unlock before the connection goes back to the pool, which would keep the lock alive."""
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
                await self._conn.close()
            self._conn = None

    async def gone(self, session: AsyncSession, owners: Collection[str]) -> set[str]:
        dead = set()
        for owner in owners:
            kind, _, key = owner.partition(":")
            # The transaction-scoped lock is granted only when no live session holds the owner's key.
            if (
                kind == "pg"
                and key.isdigit()
                and await session.scalar(select(func.pg_try_advisory_xact_lock(int(key))))
            ):
                dead.add(owner)
        return dead


class FileLockSender(Sender):
    KEY = re.compile(r"[0-9a-f]{16}")

    def __init__(self, database: Path) -> None:
        self.database = database
        key = secrets.token_hex(8)
        self.owner = f"file:{key}"
        self.path = self._path(key)
        self._fd: int | None = None

    def _path(self, key: str) -> Path:
        return self.database.with_name(f"{self.database.name}-sender-{key}")

    async def start(self) -> None:
        for stale in self.database.parent.glob(glob.escape(self.database.name) + "-sender-*"):
            self._released(stale)  # left by senders killed while they held no lease: removed
        fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._fd = fd

    async def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            os.close(self._fd)
            self._fd = None

    async def gone(self, session: AsyncSession, owners: Collection[str]) -> set[str]:
        dead = set()
        for owner in owners:
            kind, _, key = owner.partition(":")
            if kind == "file" and self.KEY.fullmatch(key) and self._released(self._path(key)):
                dead.add(owner)
        return dead

    @staticmethod
    def _released(path: Path) -> bool:
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:  # its owner closed cleanly, or a taker cleaned up after it
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(fd)  # closing drops the lock we may just have taken
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return True


def sender_for(engine: AsyncEngine) -> Sender:
    if engine.dialect.name == "postgresql":
        return AdvisoryLockSender(engine)
    database = engine.url.database or ""
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return FileLockSender(Path(database).resolve())
    return Sender()
