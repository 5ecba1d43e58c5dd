"""A stand-in for a remote chat platform: it records what the scheduler sends and can refuse or throttle."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from bot.surface.cards import PostSummary, QuestionCard
from bot.surface.context import Actor, Place
from bot.surface.publishing import ChannelUnavailable, RateLimited

PLATFORM = "chat"


def place(channel: str, workspace: str = "T1") -> Place:
    return Place(PLATFORM, workspace, channel, workspace_name="Team", channel_name=channel)


def admin(channel: str, workspace: str = "T1") -> Actor:
    return Actor(place(channel, workspace), user="boss", display_name="Boss", is_admin=True)


@dataclass
class Sent:
    place: Place
    card: QuestionCard
    at: datetime
    maybe_sent_since: datetime | None = None


@dataclass
class FakePlatform:
    clock: object
    platform: str = PLATFORM
    posts: list[Sent] = field(default_factory=list)
    summaries: list[tuple[Place, str | None, PostSummary]] = field(default_factory=list)
    notices: list[tuple[Place, str]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    throttle: int = 0  # the next N requests get HTTP 429
    delay: float = 0.0

    async def post_question(
        self, place: Place, card: QuestionCard, *, maybe_sent_since: datetime | None = None
    ) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.throttle > 0:
            self.throttle -= 1
            raise RateLimited(0.01)
        if place.channel in self.refuse:
            raise ChannelUnavailable("not_in_channel")
        self.posts.append(Sent(place, card, self.clock(), maybe_sent_since))
        return f"msg-{len(self.posts)}"

    async def post_summary(self, place: Place, message_ref: str | None, summary: PostSummary) -> None:
        self.summaries.append((place, message_ref, summary))

    async def notify_admins(self, place: Place, text: str) -> None:
        self.notices.append((place, text))

    def channels_posted(self) -> list[str]:
        return [sent.place.channel for sent in self.posts]
