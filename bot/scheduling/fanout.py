"""Sending many posts at once: bounded concurrency, and a per-platform gate that honours Retry-After."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from bot.surface.publishing import RateLimited

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

MAX_RATE_LIMIT_RETRIES = 20


class Gate:
    """One platform's shared pause: a 429 on any request holds every sender until Retry-After passes."""

    def __init__(self) -> None:
        self._open = asyncio.Event()
        self._open.set()
        self._reopen_at = 0.0
        self.rate_limited = 0

    async def wait(self) -> None:
        await self._open.wait()

    def close_for(self, seconds: float) -> None:
        self.rate_limited += 1
        loop = asyncio.get_running_loop()
        reopen_at = loop.time() + max(seconds, 0.0)
        if reopen_at <= self._reopen_at:
            return
        self._reopen_at = reopen_at
        self._open.clear()
        loop.call_at(reopen_at, self._reopen, reopen_at)

    def _reopen(self, planned: float) -> None:
        if planned == self._reopen_at:
            self._open.set()


class FanOut(Generic[T, R]):
    """Run `send` for each item put, at most `concurrency` at once; one failing item never stops the rest."""

    def __init__(
        self,
        send: Callable[[T], Awaitable[R]],
        *,
        gate_for: Callable[[T], Gate],
        concurrency: int,
        on_done: Callable[[T, R], Awaitable[None]],
        on_error: Callable[[T, BaseException], Awaitable[None]],
        on_idle: Callable[[], Awaitable[None]],
    ) -> None:
        self._send, self._gate_for = send, gate_for
        self._on_done, self._on_error, self._on_idle = on_done, on_error, on_idle
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self._tasks: set[asyncio.Task] = set()

    async def put(self, item: T) -> None:
        """Waits for a free slot, so a producer never runs far ahead of the senders."""
        await self._slots.acquire()
        task = asyncio.create_task(self._run(item))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def join(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks))
        await self._on_idle()

    async def _run(self, item: T) -> None:
        try:
            gate = self._gate_for(item)
            for _ in range(MAX_RATE_LIMIT_RETRIES):
                await gate.wait()
                try:
                    result = await self._send(item)
                except RateLimited as limited:
                    gate.close_for(limited.retry_after)
                    continue
                except Exception as error:  # report it and go on with the other channels
                    await self._on_error(item, error)
                    return
                await self._on_done(item, result)
                return
            await self._on_error(item, RateLimited(0.0))
        except Exception:
            log.exception("recording a delivery failed")
        finally:
            self._slots.release()


class Batcher:
    """Write results in small batches: at most `size` items or `max_wait` seconds behind the sends.

    One transaction per sent post would make the database, not the platform, the bottleneck.
    """

    def __init__(
        self, write: Callable[[list], Awaitable[None]], size: int = 100, max_wait: float = 0.05
    ) -> None:
        self._write, self._size, self._max_wait = write, size, max_wait
        self._items: list = []
        self._timer: asyncio.TimerHandle | None = None
        self._pending: set[asyncio.Task] = set()

    async def add(self, item: object) -> None:
        self._items.append(item)
        if len(self._items) >= self._size:
            await self._flush_now()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._max_wait, self._flush_later)

    def _flush_later(self) -> None:
        self._timer = None
        task = asyncio.create_task(self._flush_now())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _flush_now(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        items, self._items = self._items, []
        if items:
            await self._write(items)

    async def flush(self) -> None:
        """Everything added so far is written when this returns."""
        await self._flush_now()
        while self._pending:
            await asyncio.gather(*list(self._pending))
