"""The Slack test harness: the real runtime serving signed requests on loopback, against the stand-in
Web API, and helpers to act as Slack would (commands, clicks, modal submissions)."""

from __future__ import annotations

import json

import aiohttp

from adapters.slack.server import SlackServer
from app.settings import Settings
from bot.surface.context import Place
from tests.slack_fake import (
    FakeSlack,
    block_actions,
    command_body,
    payload_body,
    signed_headers,
    view_submission,
)

SECRET = "test-signing-secret"
TEAM, CHANNEL = "T1", "C1"
PLACE = Place("slack", TEAM, CHANNEL)
GOOD = "Attention lets each token weigh every other token with queries keys and values"


class Slack:
    """Sends what Slack would send to the running app, signed, and reads what the app sent back."""

    def __init__(self, runtime: SlackServer, fake: FakeSlack, http: aiohttp.ClientSession) -> None:
        self.runtime, self.fake, self.http = runtime, fake, http
        self.url = f"http://127.0.0.1:{runtime.port}"
        self._responses = 0

    async def post(self, body: str, **headers: str) -> aiohttp.ClientResponse:
        merged = signed_headers(SECRET, body) | headers
        async with self.http.post(self.url + "/slack/events", data=body, headers=merged) as response:
            await response.read()
            return response

    async def command(self, text: str, user: str = "U1", team: str = TEAM, name: str = "") -> dict:
        """Run `/interview TEXT` and return what the app sent to the response URL."""
        self._responses += 1
        before = len(self.fake.responses)
        url = f"{self.fake.base}/respond/{self._responses}"
        response = await self.post(command_body(text, user, CHANNEL, team, url, name))
        assert response.status == 200, (response.status, await response.text())
        return await self.fake.wait_for(
            lambda: self.fake.responses[before] if len(self.fake.responses) > before else None
        )

    async def click(self, action_id: str, value: str, user: str = "U1", message_ts: str = "1.000100") -> None:
        await self.act(
            {"action_id": action_id, "block_id": "b", "value": value, "type": "button"}, user, message_ts
        )

    async def choose(self, action_id: str, value: str, user: str = "U1") -> None:
        """Pick an option of a select menu (static_select), as Slack sends it."""
        option = {"text": {"type": "plain_text", "text": value}, "value": value}
        await self.act(
            {"action_id": action_id, "block_id": "b", "type": "static_select", "selected_option": option},
            user,
        )

    async def act(self, action: dict, user: str = "U1", message_ts: str = "1.000100") -> None:
        payload = block_actions(action, user, CHANNEL, TEAM, message_ts, f"{self.fake.base}/respond/click")
        assert (await self.post(payload_body(payload))).status == 200

    async def submit(
        self, view: dict, values: dict, user: str = "U1", **headers: str
    ) -> aiohttp.ClientResponse:
        return await self.post(payload_body(view_submission(view, values, user, TEAM)), **headers)

    async def opened_view(self, count: int) -> dict:
        calls = await self.fake.wait_for(
            lambda: len(self.fake.of("views.open")) >= count and self.fake.of("views.open")
        )
        view = calls[count - 1].params["view"]
        return json.loads(view) if isinstance(view, str) else view


def blocks_of(call) -> str:
    value = call.params.get("blocks", "")
    return value if isinstance(value, str) else json.dumps(value)


def settings_for(fake: FakeSlack, **extra) -> Settings:
    base = {
        "slack_signing_secret": SECRET,
        "slack_api_url": fake.api_url,
        "slack_port": 0,
        "slack_host": "127.0.0.1",
        "slack_admins": [],
        "slack_app_token": None,
        "slack_client_id": None,
        "slack_client_secret": None,
    }
    return Settings(**(base | extra))
