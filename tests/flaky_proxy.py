"""A loopback TCP proxy that breaks a connection the way a flaky network does: it forwards a request, lets
the server accept and answer it, then resets the connection instead of passing the reply back."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct


class ResettingProxy:
    def __init__(self, upstream_port: int, trigger: bytes) -> None:
        self.upstream_port, self.trigger = upstream_port, trigger
        self.armed = 0  # how many requests carrying `trigger` lose their reply
        self.resets = 0
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        upstream_r, upstream_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        doomed = asyncio.Event()

        async def requests() -> None:
            while chunk := await client_r.read(65536):
                if self.armed and self.trigger in chunk:
                    self.armed -= 1
                    doomed.set()
                upstream_w.write(chunk)
                await upstream_w.drain()

        async def replies() -> None:
            while chunk := await upstream_r.read(65536):
                if doomed.is_set():  # the server has accepted and answered: the client never hears it
                    self.resets += 1
                    sock = client_w.get_extra_info("socket")
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    client_w.transport.abort()
                    return
                client_w.write(chunk)
                await client_w.drain()

        tasks = [asyncio.create_task(requests()), asyncio.create_task(replies())]
        with contextlib.suppress(ConnectionError):
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            task.cancel()
        upstream_w.close()
        client_w.close()
