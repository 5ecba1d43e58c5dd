"""The scheduler's Discord side: daily embeds with a persistent button, closing replies, admin DMs."""

from __future__ import annotations

import logging

import discord

from adapters.discord import embeds
from adapters.discord.views import daily_view
from bot.events import Place
from bot.publishing import ChannelUnavailable
from bot.views import PostSummary, QuestionCard

log = logging.getLogger(__name__)


class DiscordPublisher:
    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def post_question(self, place: Place, card: QuestionCard) -> str:
        channel = self.client.get_partial_messageable(int(place.channel), guild_id=int(place.workspace))
        try:
            message = await channel.send(embed=embeds.question(card), view=daily_view(card.post_id))
        except (discord.Forbidden, discord.NotFound) as error:  # deleted, or no permission to post
            raise ChannelUnavailable(f"{error.status} {error.text or 'forbidden'}") from error
        return f"{channel.id}:{message.id}"

    async def post_summary(self, place: Place, message_ref: str | None, summary: PostSummary) -> None:
        channel_id, _, message_id = (message_ref or "").partition(":")
        channel = self.client.get_partial_messageable(
            int(channel_id or place.channel), guild_id=int(place.workspace)
        )
        reference = None
        if message_id:
            reference = discord.MessageReference(
                message_id=int(message_id), channel_id=channel.id, fail_if_not_exists=False
            )
        try:
            await channel.send(embed=embeds.summary(summary), reference=reference)
        except (discord.Forbidden, discord.NotFound) as error:
            raise ChannelUnavailable(f"{error.status} {error.text or 'forbidden'}") from error

    async def notify_admins(self, place: Place, text: str) -> None:
        """A DM to the server's owner (best effort: a closed DM is logged, not raised)."""
        try:
            guild = await self.client.fetch_guild(int(place.workspace))
            owner = await self.client.fetch_user(guild.owner_id)
            await owner.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            log.exception("could not tell the owner of server %s: %s", place.workspace, text)
