"""The Discord test harness: a real client whose HTTP goes to the stand-in REST API, and real interaction
payloads dispatched through its own state and command tree."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest
from sqlalchemy import func, select

from adapters.discord.client import InterviewBot
from app.settings import Settings
from bot.practice.service import PracticeService
from bot.store.tables import Answer
from bot.surface.context import Place
from tests.discord_fake import CHANNEL, GUILD, FakeDiscord, Payloads

PLACE = Place("discord", GUILD, CHANNEL)
ADA, BOSS = "400000000000000001", "400000000000000002"
GOOD = "Attention lets each token weigh every other token with queries keys and values"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    await fake.start()
    original = discord.http.Route.BASE
    discord.http.Route.BASE = fake.base
    yield fake
    discord.http.Route.BASE = original
    await fake.stop()


async def connect(service: PracticeService) -> InterviewBot:
    settings = Settings(discord_token="x.y.z", discord_test_guild=int(GUILD), card_refresh_seconds=0.05)
    client = InterviewBot(service, settings)
    await client.login("x.y.z")  # runs setup_hook: dynamic items, command sync to the test server
    return client


@pytest.fixture
async def bot(service: PracticeService, fake: FakeDiscord) -> AsyncIterator[InterviewBot]:
    client = await connect(service)
    yield client
    await client.close()


class Discord:
    def __init__(self, client: InterviewBot, fake: FakeDiscord) -> None:
        self.client, self.fake, self.payloads = client, fake, Payloads()

    async def send(self, payload: dict, replies: int = 1) -> list:
        """Dispatch as the gateway would, then wait for the bot's replies to this interaction."""
        token = payload["token"]
        self.client._connection.parse_interaction_create(payload)

        def mine():
            found = [c for c in self.fake.replies() if token in c.path]
            return found if len(found) >= replies else None

        return await self.fake.wait_for(mine)


@pytest.fixture
def chat(bot: InterviewBot, fake: FakeDiscord) -> Discord:
    return Discord(bot, fake)


def said(calls) -> str:
    return " ".join(str(c.body) for c in calls)


async def count_answers(service: PracticeService) -> int:
    return await service.transaction(lambda s: s.scalar(select(func.count()).select_from(Answer)))
