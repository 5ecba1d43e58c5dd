"""The discord.py client: commands, persistent buttons and command sync are set up once, in setup_hook,
never in on_ready (which fires again on every reconnect)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from adapters.discord.commands import COMMANDS, Tree
from adapters.discord.views import DYNAMIC_ITEMS
from bot.practice.service import PracticeService

if TYPE_CHECKING:  # the wiring's settings, as a type only: adapters never import app/
    from app.settings import Settings

log = logging.getLogger(__name__)


class InterviewBot(discord.AutoShardedClient):
    def __init__(self, service: PracticeService, settings: Settings, *, sync_commands: bool = True) -> None:
        super().__init__(
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),  # user text never pings anyone
            shard_count=settings.discord_shard_count,
            shard_ids=settings.discord_shard_ids,
        )
        self.service = service
        self.settings = settings
        self.sync_commands = sync_commands
        self.tree = Tree(self)
        for command in COMMANDS:
            self.tree.add_command(command)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        if not self.sync_commands:
            return
        if self.settings.discord_test_guild:
            guild = discord.Object(id=self.settings.discord_test_guild)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)  # instant in that server
            log.info("Discord: %d commands synced to test server %s", len(synced), guild.id)
        else:
            synced = await self.tree.sync()  # global: can take up to an hour to appear
            log.info("Discord: %d commands synced globally", len(synced))

    async def close(self) -> None:
        await self.service.drain_card_refreshes()  # the last "N answered" edit still goes out
        await super().close()
