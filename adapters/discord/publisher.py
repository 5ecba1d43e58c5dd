"""The scheduler's Discord side: daily embeds with a persistent button, closing replies, admin DMs."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import aiohttp
import discord

from adapters.discord import embeds
from adapters.discord.views import DailyAnswer, daily_view
from bot.surface.cards import PostSummary, QuestionCard
from bot.surface.context import Place
from bot.surface.publishing import ChannelUnavailable

log = logging.getLogger(__name__)
LOOK_BACK = timedelta(minutes=10)  # clocks differ: look a little before the first send


class DiscordPublisher:
    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def post_question(
        self, place: Place, card: QuestionCard, *, maybe_sent_since: datetime | None = None
    ) -> str:
        """Posted at most once. Every send carries the post's nonce with `enforce_nonce` (discord.py sets
        it with the nonce), so Discord answers a repeat within minutes with the first message; after a
        process died mid-send, maybe hours ago, the channel is searched for the card's button instead."""
        channel = self.client.get_partial_messageable(int(place.channel), guild_id=int(place.workspace))
        try:
            if maybe_sent_since is not None and (found := await self._find(channel, card, maybe_sent_since)):
                return f"{channel.id}:{found.id}"
            try:
                message = await self._send(channel, card)
            except (aiohttp.ClientError, OSError, TimeoutError) as error:  # Discord may have it all the same
                log.warning("daily post %s: %r; sending again under the same nonce", card.post_id, error)
                message = await self._send(channel, card)
        except (discord.Forbidden, discord.NotFound) as error:  # deleted, or no permission to post
            raise ChannelUnavailable(f"{error.status} {error.text or 'forbidden'}") from error
        return f"{channel.id}:{message.id}"

    async def _send(self, channel: discord.PartialMessageable, card: QuestionCard) -> discord.Message:
        return await channel.send(
            embed=embeds.question(card), view=daily_view(card.post_id), nonce=f"daily-{card.post_id}"
        )

    async def _find(
        self, channel: discord.PartialMessageable, card: QuestionCard, since: datetime
    ) -> discord.Message | None:
        """The bot's own message since `since` whose Answer button names this post."""
        button = DailyAnswer(card.post_id).item.custom_id
        async for message in channel.history(after=since - LOOK_BACK, limit=None, oldest_first=True):
            if message.author.id != self.client.user.id:
                continue
            ids = {
                getattr(item, "custom_id", None)
                for row in message.components
                for item in getattr(row, "children", ())
            }
            if button in ids:
                log.info("daily post %s was already in %s: not sent again", card.post_id, channel.id)
                return message
        return None

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
