"""The scheduler's Slack side: daily cards, closing threads, and word to the admins when a channel fails."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks
from bot.events import Place
from bot.publishing import ChannelUnavailable, RateLimited
from bot.views import PostSummary, QuestionCard

log = logging.getLogger(__name__)

# Errors that will not go away by retrying today: the admins have to act.
UNAVAILABLE = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "missing_scope",
    "restricted_action",
    "restricted_action_read_only_channel",
    "restricted_action_non_threadable_channel",
    "team_access_not_granted",
    "account_inactive",
    "invalid_auth",
    "token_revoked",
    "not_authed",
}

ClientFor = Callable[[str], Awaitable[AsyncWebClient]]


class SlackPublisher:
    platform = "slack"

    def __init__(self, client_for: ClientFor, admins: list[str]) -> None:
        self.client_for = client_for
        self.admins = admins

    async def post_question(self, place: Place, card: QuestionCard) -> str:
        client = await self.client_for(place.workspace)
        response = await _call(
            client.chat_postMessage(
                channel=place.channel, text=blocks.question_text(card), blocks=blocks.question(card)
            )
        )
        return f"{response['channel']}:{response['ts']}"

    async def post_summary(self, place: Place, message_ref: str | None, summary: PostSummary) -> None:
        """The summary in the card's thread, then the card itself marked closed with a link to it."""
        client = await self.client_for(place.workspace)
        channel, _, ts = (message_ref or "").partition(":")
        channel = channel or place.channel
        first = None
        for message in blocks.summary(summary):
            sent = await _call(
                client.chat_postMessage(
                    channel=channel,
                    thread_ts=ts or None,
                    text=blocks.escape(f"Closed: {summary.prompt}"),
                    blocks=message,
                )
            )
            first = first or sent["ts"]
        if ts and summary.card is not None:
            await self._close_card(client, channel, ts, summary.card, first)

    async def _close_card(
        self, client: AsyncWebClient, channel: str, ts: str, card: QuestionCard, summary_ts: str
    ) -> None:
        """Best effort: the summary is out, so a failed edit is logged rather than sent again."""
        try:
            link = (await client.chat_getPermalink(channel=channel, message_ts=summary_ts))["permalink"]
            await client.chat_update(
                channel=channel, ts=ts, text=blocks.question_text(card), blocks=blocks.question(card, link)
            )
        except SlackApiError as error:
            log.warning("could not mark the card %s:%s closed: %s", channel, ts, error)

    async def notify_admins(self, place: Place, text: str) -> None:
        """A DM to each admin: the ids in SLACK_ADMINS, else the workspace's admins and owners."""
        try:
            client = await self.client_for(place.workspace)
            admins = self.admins or await _workspace_admins(client)
            for user in admins:
                dm = (await client.conversations_open(users=user))["channel"]["id"]
                await client.chat_postMessage(channel=dm, text=blocks.escape(text))
        except Exception:
            log.exception("could not tell the admins of %s: %s", place.workspace, text)


async def _workspace_admins(client: AsyncWebClient) -> list[str]:
    members = (await client.users_list(limit=200)).get("members", [])
    return [m["id"] for m in members if (m.get("is_admin") or m.get("is_owner")) and not m.get("is_bot")]


async def _call(request: Awaitable):
    try:
        return await request
    except SlackApiError as error:
        code = error.response.get("error", "") if error.response is not None else ""
        if error.response is not None and error.response.status_code == 429:
            raise RateLimited(float(error.response.headers.get("Retry-After", 1))) from error
        if code in UNAVAILABLE:
            raise ChannelUnavailable(code) from error
        raise
