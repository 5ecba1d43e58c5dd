"""Coalesce repeated refreshes: 500 answers in a minute make a few card edits, not 500 (rate limits)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable

log = logging.getLogger(__name__)


class Debouncer:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._pending: dict[Hashable, asyncio.Task] = {}

    def schedule(self, key: Hashable, action: Callable[[], Awaitable[None]]) -> None:
        """Run `action` once, `delay` seconds from the first request; requests meanwhile join it.

        The action reads the state when it runs, so the one edit shows every answer made before it.
        """
        if key not in self._pending:
            self._pending[key] = asyncio.create_task(self._run(key, action))

    async def _run(self, key: Hashable, action: Callable[[], Awaitable[None]]) -> None:
        await asyncio.sleep(self.delay)
        del self._pending[key]
        try:
            await action()
        except Exception:
            log.exception("refreshing %s failed", key)

    async def drain(self) -> None:
        """Wait for every scheduled refresh (shutdown)."""
        while self._pending:
            await asyncio.gather(*list(self._pending.values()), return_exceptions=True)
