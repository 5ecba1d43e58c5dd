"""What every use case shares, so none of them needs the facade: the database, the bank and the clock."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bank import Bank
from bot.errors import TryAgain
from bot.practice import directory
from bot.store.db import Database
from bot.store.tables import Member, Workspace
from bot.surface.context import Actor

log = logging.getLogger(__name__)
T = TypeVar("T")

# SQLSTATEs of a server going away or not back yet: class 08 (connection exception), admin and crash
# shutdown, "the database system is starting up / shutting down". SQLite never raises these.
_UNAVAILABLE = ("08", "57P01", "57P02", "57P03")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Deps:
    def __init__(
        self, db: Database, bank: Bank, clock: Callable[[], datetime], default_timezone: str
    ) -> None:
        self.db = db
        self.bank = bank
        self.clock = clock
        self.default_timezone = default_timezone

    async def transaction(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """One transaction; a lost connection is retried once, then the member is asked to retry."""
        for attempt in (1, 2):
            try:
                async with self.db.sessions() as session, session.begin():
                    return await work(session)
            except IntegrityError:
                raise
            except (DBAPIError, OSError) as error:
                if isinstance(error, DBAPIError) and not _is_disconnect(error):
                    raise
                log.warning("database unavailable (attempt %d): %s", attempt, type(error).__name__)
        raise TryAgain()

    async def context(self, session: AsyncSession, actor: Actor) -> tuple[Workspace, Member]:
        """The actor's workspace and member rows, created on first sight."""
        now = self.clock()
        ws = await directory.workspace(session, actor.place, now, self.default_timezone)
        return ws, await directory.member(session, ws, actor, now)


def _is_disconnect(error: DBAPIError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    return (
        bool(error.connection_invalidated)
        or sqlstate.startswith(_UNAVAILABLE)
        or "connection" in str(error.orig).lower()
    )
