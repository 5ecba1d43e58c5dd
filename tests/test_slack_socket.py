"""Slack Socket Mode drops and reconnects: slack-sdk reconnects by itself, and nothing is re-run or re-posted,
not even when Slack redelivers an envelope after the reconnect. The real runtime against a stand-in socket."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from slack_bolt.listener.async_listener_completion_handler import AsyncListenerCompletionHandler

from adapters.slack.server import SlackServer
from bot.practice.service import PracticeService
from tests.conftest import count_answers, set_up_channel
from tests.slack_fake import FakeSlack, answer_values, block_actions, command_payload, view_submission
from tests.slack_harness import CHANNEL, GOOD, PLACE, TEAM, settings_for


class Finished(AsyncListenerCompletionHandler):
    """Bolt calls this once a listener has returned. The ack goes out before the listener's work, so "was
    anything posted twice?" can only be asked after the redelivered envelope's listener has finished."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.requests: list[tuple[dict, str]] = []  # (payload, x-slack-retry-num)

    async def handle(self, request, response) -> None:
        retry = request.headers.get("x-slack-retry-num") or [""]
        self.requests.append((request.body, retry[0]))
        self.fake._note()


class Socket:
    """Sends envelopes over the socket the client is connected to, as Slack does, and waits for answers."""

    def __init__(self, runtime: SlackServer, fake: FakeSlack, finished: Finished) -> None:
        self.runtime, self.fake, self.finished = runtime, fake, finished
        self._ids = itertools.count(1)

    async def send(self, kind: str, payload: dict, envelope_id: str = "", retry_attempt: int = 0) -> str:
        envelope_id = envelope_id or f"env-{next(self._ids)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind == "slash_commands" or payload.get("type") == "view_submission",
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        await self.fake.links[-1].send_json(envelope)
        return envelope_id

    async def acked(self, envelope_id: str) -> dict:
        return await self.fake.wait_for(
            lambda: next((a for a in self.fake.acks if a.get("envelope_id") == envelope_id), None)
        )

    async def command(self, text: str, user: str = "U1") -> dict:
        """`/interview TEXT` over the socket; returns what the bot sent to the response URL."""
        before = len(self.fake.responses)
        payload = command_payload(text, user, CHANNEL, TEAM, f"{self.fake.base}/respond/{before + 1}")
        await self.acked(await self.send("slash_commands", payload))
        return await self.fake.wait_for(
            lambda: self.fake.responses[before] if len(self.fake.responses) > before else None
        )

    async def click_answer(self, post_id: int, ts: str, user: str = "U1") -> dict:
        """The daily card's Answer button; returns the modal the bot opened."""
        opened = len(self.fake.of("views.open"))
        action = {"action_id": "daily_answer", "block_id": "b", "value": str(post_id), "type": "button"}
        payload = block_actions(action, user, CHANNEL, TEAM, ts, f"{self.fake.base}/respond/click")
        await self.acked(await self.send("interactive", payload))
        calls = await self.fake.wait_for(lambda: self.fake.of("views.open")[opened:])
        view = calls[0].params["view"]
        return json.loads(view) if isinstance(view, str) else view

    def submission(self, view: dict, text: str, user: str = "U1") -> dict:
        return view_submission(view, answer_values(text), user, TEAM)

    async def listeners_done(self, payload: dict, times: int) -> list[str]:
        """Waits until the listener for this payload has finished `times` times; their retry numbers."""

        def retries() -> list[str]:
            return [retry for body, retry in self.finished.requests if body == payload]

        return await self.fake.wait_for(lambda: len(retries()) >= times and retries())

    async def drop(self, how: str) -> None:
        """Slack ends the connection; the client must open a new one by itself."""
        link = self.fake.links[-1]
        if how == "close":
            await link.close()
        else:  # Slack asks for a fresh connection from time to time
            await link.send_json(
                {"type": "disconnect", "reason": "refresh_requested", "debug_info": {"host": "fake"}}
            )
        await self.fake.wait_for(lambda: len(self.fake.of("apps.connections.open")) == 2)
        await self.fake.wait_for(lambda: len(self.fake.links) == 2)
        await self.fake.wait_for(lambda: link.closed)


@pytest.fixture
async def socket(service: PracticeService, slack_api: FakeSlack) -> AsyncIterator[Socket]:
    settings = settings_for(slack_api, slack_bot_token="xoxb-T1", slack_app_token="xapp-1-A1-test")
    runtime = SlackServer(service, settings)
    finished = Finished(slack_api)
    runtime.app.listener_runner.listener_completion_handler = finished
    await runtime.start()
    try:
        await slack_api.wait_for(lambda: slack_api.links)
        assert runtime.port is None and len(slack_api.of("apps.connections.open")) == 1
        assert slack_api.of("apps.connections.open")[0].token == "xapp-1-A1-test"
        yield Socket(runtime, slack_api, finished)
    finally:
        await runtime.close()


@pytest.mark.parametrize("how", ["close", "refresh_requested"])
async def test_a_reconnect_re_runs_and_re_posts_nothing(
    socket: Socket, service: PracticeService, how: str
) -> None:
    fake = socket.fake
    assert "quiz [topic]" in (await socket.command("help"))["text"]
    await set_up_channel(service, PLACE)
    card = await service.daily_post(PLACE)
    ts = (await socket.runtime.publisher.post_question(PLACE, card)).split(":")[1]
    view = await socket.click_answer(card.post_id, ts)
    assert view["callback_id"] == "daily_submit"
    answer = socket.submission(view, GOOD)
    first = await socket.send("interactive", answer)
    assert await socket.acked(first) == {"envelope_id": first}
    grade = await fake.wait_for(lambda: fake.of("chat.postEphemeral"))
    assert grade[0].params["user"] == "U1" and "Score " in grade[0].params["text"]
    await socket.listeners_done(answer, 1)
    await socket.runtime.listeners.service.drain_card_refreshes()
    seen = {m: len(fake.of(m)) for m in ("chat.postMessage", "chat.postEphemeral", "chat.update")}
    assert seen == {"chat.postMessage": 1, "chat.postEphemeral": 1, "chat.update": 1}
    assert len(fake.responses) == 1 and await count_answers(service) == 1

    await socket.drop(how)  # no restart: the same runtime, a second apps.connections.open and websocket

    # Slack thinks the answer's ack was lost and redelivers the envelope over the new connection.
    await socket.send("interactive", answer, envelope_id=first, retry_attempt=1)
    await fake.wait_for(lambda: [a["envelope_id"] for a in fake.acks].count(first) == 2)
    retries = await socket.listeners_done(answer, 2)  # the bot ran the answer's listener again...
    await socket.runtime.listeners.service.drain_card_refreshes()
    assert {m: len(fake.of(m)) for m in seen} == seen  # ...yet no second grade, question or card edit
    assert await count_answers(service) == 1  # the unique key refused the repeat
    assert retries == ["0", "1"]  # Bolt turned retry_attempt into x-slack-retry-num
    # The new connection works, and the command answered before the drop is not answered again.
    assert "Daily streak here: 1 day" in (await socket.command("streak"))["text"]
    assert len(fake.responses) == 2
    acks = Counter(a["envelope_id"] for a in fake.acks)
    assert acks[first] == 2 and all(n == 1 for e, n in acks.items() if e != first)  # no replayed acks
    assert len(fake.links) == 2 and fake.links[0].closed and not fake.links[1].closed
