"""The Discord test harness: a real client whose HTTP goes to the stand-in REST API, and real interaction
payloads dispatched through its own state and command tree."""

from __future__ import annotations

from adapters.discord.client import InterviewBot
from app.settings import Settings
from bot.practice.service import PracticeService
from bot.surface.context import Place
from tests.discord_fake import CHANNEL, GUILD, FakeDiscord, Payloads

PLACE = Place("discord", GUILD, CHANNEL)
ADA, BOSS = "400000000000000001", "400000000000000002"
GOOD = "Attention lets each token weigh every other token with queries keys and values"


async def connect(service: PracticeService) -> InterviewBot:
    settings = Settings(discord_token="x.y.z", discord_test_guild=int(GUILD))
    client = InterviewBot(service, settings)
    await client.login("x.y.z")  # runs setup_hook: dynamic items, command sync to the test server
    return client


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


def said(calls) -> str:
    return " ".join(str(c.body) for c in calls)
