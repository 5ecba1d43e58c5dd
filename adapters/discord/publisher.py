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
        """The summary as a reply to the card, then the card itself marked closed with a link to it."""
        channel_id, _, message_id = (message_ref or "").partition(":")
        channel = self.client.get_partial_messageable(
            int(channel_id or place.channel), guild_id=int(place.workspace)
        )
        reference = None
        if message_id:
            reference = discord.MessageReference(
                message_id=int(message_id), channel_id=channel.id, fail_if_not_exists=False
            )
        sent = []
        try:
            for shown in embeds.summary(summary):
                sent.append(await channel.send(embeds=shown, reference=reference))
                reference = sent[-1].to_reference(fail_if_not_exists=False)  # a long one continues below
        except (discord.Forbidden, discord.NotFound) as error:
            raise ChannelUnavailable(f"{error.status} {error.text or 'forbidden'}") from error
        if message_id and summary.card is not None:
            link = f"https://discord.com/channels/{place.workspace}/{channel.id}/{sent[0].id}"
            await self._close_card(channel.get_partial_message(int(message_id)), summary.card, link)

    async def _close_card(self, message: discord.PartialMessage, card: QuestionCard, link: str) -> None:
        """Best effort: the summary is out, so a failed edit is logged rather than sent again."""
        try:
            await message.edit(embed=embeds.question(card), view=daily_view(card.post_id, summary_url=link))
        except discord.HTTPException as error:
            log.warning("could not mark the card %s closed: %s", message.id, error)

    async def notify_admins(self, place: Place, text: str) -> None:
        """A DM to the server's owner (best effort: a closed DM is logged, not raised)."""
        try:
            guild = await self.client.fetch_guild(int(place.workspace))
            owner = await self.client.fetch_user(guild.owner_id)
            await owner.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            log.exception("could not tell the owner of server %s: %s", place.workspace, text)
