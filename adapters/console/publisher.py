"""The scheduler's view of the terminal: the daily question and its summary appear in the session."""

from __future__ import annotations

from datetime import datetime

from adapters.console import render
from adapters.console.app import ConsoleSession
from bot.surface.cards import PostSummary, QuestionCard
from bot.surface.context import Place


class ConsolePublisher:
    platform = "console"

    def __init__(self, session: ConsoleSession) -> None:
        self.session = session

    async def post_question(
        self, place: Place, card: QuestionCard, *, maybe_sent_since: datetime | None = None
    ) -> str:
        """A terminal keeps nothing to look in: a card a process showed before it died is shown again."""
        if self.session.open_question is None:
            self.session.open_question = card
        self.session.say("\n" + render.question(card))
        return f"console:{card.post_id}"

    async def post_summary(self, place: Place, message_ref: str | None, summary: PostSummary) -> None:
        self.session.say(["", *render.summary(summary)])

    async def notify_admins(self, place: Place, text: str) -> None:
        self.session.say(text)
