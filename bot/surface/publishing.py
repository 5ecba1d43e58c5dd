"""What the scheduler needs from a chat platform: each adapter implements `Publisher` for its own API."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.surface.cards import PostSummary, QuestionCard
from bot.surface.context import Place


class ChannelUnavailable(Exception):
    """The platform refused this channel for good (deleted, archived, no permission): do not retry today."""


class RateLimited(Exception):
    """HTTP 429 that the platform library did not absorb itself: wait `retry_after` seconds and retry."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:.2f}s")
        self.retry_after = retry_after


class Publisher(Protocol):
    platform: str

    async def post_question(
        self, place: Place, card: QuestionCard, *, maybe_sent_since: datetime | None = None
    ) -> str:
        """Post the daily card in `place.channel` once; returns the platform's message reference.

        A send that may have reached the platform is never blindly repeated: with `maybe_sent_since`
        (an earlier attempt started after that time) the card is first looked for on the platform, and
        a connection lost mid-request is checked the same way before sending again.
        """
        ...

    async def post_summary(self, place: Place, message_ref: str | None, summary: PostSummary) -> None:
        """Reveal the closing summary: a thread reply / follow-up to `message_ref` when there is one."""
        ...

    async def notify_admins(self, place: Place, text: str) -> None:
        """Tell the workspace's admins about a problem (best effort: it must not raise)."""
        ...


class Runtime(Protocol):
    """A connected chat platform as `interview-bot run` drives it: started, awaited, closed."""

    publisher: Publisher

    async def start(self) -> None:
        """Connect (or start serving HTTP) and return once ready."""
        ...

    async def wait_closed(self) -> None:
        """Return when the platform connection ends for good."""
        ...

    async def close(self) -> None: ...
