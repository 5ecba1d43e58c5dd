"""The common ground of the stand-ins for remote APIs: a real aiohttp server on 127.0.0.1 that the bot's own
HTTP clients talk to, so what is tested is what goes over the wire. Subclasses add a platform's routes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar, Self, TypeVar

from aiohttp import web

T = TypeVar("T")


@dataclass
class LoopbackAPI:
    prefix: ClassVar[str] = ""  # the API's path on the server; `base` ends with it
    calls: list = field(default_factory=list)  # what the bot sent, in order
    base: str = ""
    port: int = 0
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        app = web.Application()
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()  # a free port
        self.port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{self.port}{self.prefix}"

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def _note(self) -> None:
        """Something the bot did has landed: wake `wait_for`."""
        self._changed.set()

    async def wait_for(self, condition: Callable[[], T], timeout: float = 15.0) -> T:
        """The bot works after it has answered, so tests wait for its effects (never for a fixed time)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not (result := condition()):
            self._changed.clear()
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError("timed out waiting for the bot")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return result
