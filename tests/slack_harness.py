"""The Slack test harness: the real runtime serving signed requests on loopback, against the stand-in
Web API, and helpers to act as Slack would (commands, clicks, modal submissions)."""

from __future__ import annotations

import json

import aiohttp

from adapters.slack.runtime import SlackRuntime
from bot.events import Place
from bot.settings import Settings
from tests.slack_fake import FakeSlack, command_body, payload_body, signed_headers

SECRET = "test-signing-secret"
TEAM, CHANNEL = "T1", "C1"
PLACE = Place("slack", TEAM, CHANNEL)
GOOD = "Attention lets each token weigh every other token with queries keys and values"


class Slack:
    """Sends what Slack would send to the running app, signed, and reads what the app sent back."""

    def __init__(self, runtime: SlackRuntime, fake: FakeSlack, http: aiohttp.ClientSession) -> None:
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
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "channel": {"id": CHANNEL, "name": "practice"},
            "message": {"ts": message_ts, "text": "x"},
            "container": {"type": "message", "message_ts": message_ts, "channel_id": CHANNEL},
            "trigger_id": f"trigger-{user}",
            "response_url": f"{self.fake.base}/respond/click",
            "actions": [action],
        }
        assert (await self.post(payload_body(payload))).status == 200

    async def submit(
        self, view: dict, values: dict, user: str = "U1", **headers: str
    ) -> aiohttp.ClientResponse:
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "trigger_id": "t",
            "view": {**view, "id": "V1", "state": {"values": values}},
        }
        return await self.post(payload_body(payload), **headers)

    async def opened_view(self, count: int) -> dict:
        calls = await self.fake.wait_for(
            lambda: len(self.fake.of("views.open")) >= count and self.fake.of("views.open")
        )
        view = calls[count - 1].params["view"]
        return json.loads(view) if isinstance(view, str) else view


def answer_values(text: str) -> dict:
    return {"answer": {"text": {"type": "plain_text_input", "value": text}}}


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
        "card_refresh_seconds": 0.05,
    }
    return Settings(**(base | extra))
