"""Discord connected: log in (runs setup_hook), then keep the gateway; discord.py reconnects by itself."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from adapters.discord.client import InterviewBot
from adapters.discord.publisher import DiscordPublisher
from bot.practice.service import PracticeService

if TYPE_CHECKING:  # the wiring's settings, as a type only: adapters never import app/
    from app.settings import Settings


class DiscordGateway:
    def __init__(self, service: PracticeService, settings: Settings) -> None:
        if settings.discord_token is None:
            raise RuntimeError("Discord needs DISCORD_TOKEN.")
        self.settings = settings
        self.client = InterviewBot(service, settings)
        self.publisher = DiscordPublisher(self.client)
        self._connection: asyncio.Task | None = None

    async def start(self) -> None:
        await self.client.login(self.settings.discord_token.get_secret_value())
        self._connection = asyncio.create_task(self.client.connect(reconnect=True))

    async def wait_closed(self) -> None:
        if self._connection is not None:
            await self._connection

    async def close(self) -> None:
        await self.client.close()


def build_runtime(service: PracticeService, settings: Settings) -> DiscordGateway:
    return DiscordGateway(service, settings)
