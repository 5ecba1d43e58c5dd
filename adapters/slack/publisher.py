"""The scheduler's Slack side: daily cards, closing threads, and word to the admins when a channel fails."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks
from bot.surface.cards import PostSummary, QuestionCard
from bot.surface.context import Place
from bot.surface.publishing import ChannelUnavailable, RateLimited

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

# Each daily card and closing summary carries one of these in its message metadata, so that it can be
# found in the channel (or thread) again before anything would send it a second time.
CARD, SUMMARY = "interview_daily_post", "interview_daily_summary"
# How far before a send to look for it: clocks differ, and Slack stamps a message when it stores it.
LOOK_BACK = timedelta(minutes=10)


class SlackPublisher:
    platform = "slack"

    def __init__(self, client_for: ClientFor, admins: list[str]) -> None:
        self.client_for = client_for
        self.admins = admins

    async def post_question(
        self, place: Place, card: QuestionCard, *, maybe_sent_since: datetime | None = None
    ) -> str:
        """Posted at most once: Slack has no idempotency key, so before any second send (after a lost
        connection, or a process that died mid-send) the channel is searched for the card's marker."""
        client = await self.client_for(place.workspace)
        marker = _marker(CARD, post_id=card.post_id, local_date=card.local_date)
        found = maybe_sent_since and await _find(client, place.channel, None, marker, maybe_sent_since)
        ts = found or await _post_once(
            client,
            marker,
            channel=place.channel,
            text=blocks.question_text(card),
            blocks=blocks.question(card),
        )
        return f"{place.channel}:{ts}"

    async def post_summary(self, place: Place, message_ref: str | None, summary: PostSummary) -> None:
        """The summary in the card's thread, then the card itself marked closed with a link to it."""
        client = await self.client_for(place.workspace)
        channel, _, ts = (message_ref or "").partition(":")
        channel = channel or place.channel
        first = None
        for part, message in enumerate(blocks.summary(summary)):
            sent = await _post_once(
                client,
                _marker(SUMMARY, post_id=summary.post_id, part=part),
                channel=channel,
                thread_ts=ts or None,
                text=blocks.escape(f"Closed: {summary.prompt}"),
                blocks=message,
            )
            first = first or sent
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


def _marker(kind: str, **payload: object) -> dict:
    return {"event_type": kind, "event_payload": payload}


async def _post_once(client: AsyncWebClient, marker: dict, **message) -> str:
    """chat.postMessage with `marker`; a connection lost mid-request is looked up, not blindly repeated."""
    sending = _without_blind_retry(client)
    started = datetime.now(UTC)
    try:
        return (await _call(sending.chat_postMessage(metadata=marker, **message)))["ts"]
    except (aiohttp.ClientError, TimeoutError) as error:  # Slack may have stored it all the same
        log.warning("%s lost its connection (%r); looking for it before sending again", marker, error)
        found = await _find(client, message["channel"], message.get("thread_ts"), marker, started)
        return found or (await _call(sending.chat_postMessage(metadata=marker, **message)))["ts"]


def _without_blind_retry(client: AsyncWebClient) -> AsyncWebClient:
    """The same client minus slack-sdk's retry after a dropped connection, which re-sends a message that
    Slack may already have stored (the connection broke before its reply came back)."""
    return AsyncWebClient(
        token=client.token,
        base_url=client.base_url,
        session=client.session,
        timeout=client.timeout,
        logger=client.logger,
        retry_handlers=[
            h for h in client.retry_handlers if not isinstance(h, AsyncConnectionErrorRetryHandler)
        ],
    )


async def _find(
    client: AsyncWebClient, channel: str, thread: str | None, marker: dict, since: datetime
) -> str | None:
    """The ts of the message carrying `marker` in the channel (or thread) since `since`, if there is one."""
    oldest = f"{(since - LOOK_BACK).timestamp():.6f}"
    query = {"channel": channel, "oldest": oldest, "limit": 200, "include_all_metadata": True}
    listing = (
        client.conversations_replies(ts=thread, **query) if thread else client.conversations_history(**query)
    )
    async for page in await _call(listing):
        for message in page.get("messages", []):
            if message.get("metadata") == marker:
                log.info("%s was already in %s: not sent again", marker, channel)
                return message["ts"]
    return None


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
