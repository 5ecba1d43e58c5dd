"""A stand-in for an OpenAI-compatible endpoint on loopback, so the LLM judge is tested through its real
HTTP client against replies no real model can be made to give on demand (malformed, out of range, slow)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

from aiohttp import web

from tests.loopback import LoopbackAPI


@dataclass
class StandIn(LoopbackAPI):
    """Speaks /v1/chat/completions; `mode` decides the reply, `calls` keeps what was asked."""

    mode: str = "good"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self.handle)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.calls.append({"body": body, "auth": request.headers.get("Authorization")})
        if self.mode == "slow":
            await asyncio.sleep(1.5)  # then answers as "good" does
        if self.mode == "500":
            return web.Response(status=500, text="upstream exploded")
        content = {
            "good": json.dumps(
                {
                    "score": 88,
                    "verdict": "correct",
                    "covered": ["zeroes activations during training", "acts as a regularizer"],
                    "missed": [],
                    "feedback": "Clear and complete. Nothing to add.",
                }
            ),
            "fenced": '```json\n{"score": 60, "verdict": "partial", "covered": [], "missed": ["x"]}\n```',
            "malformed": '{"score": 90, "verdict": "correct", ',
            "range": json.dumps({"score": 140, "verdict": "correct", "covered": [], "missed": []}),
            "obey": json.dumps({"score": 100, "verdict": "correct", "covered": [], "missed": []}),
            "escapes": json.dumps(
                {
                    "score": 85,
                    "covered": ["\x1b[31mred\x1b[0m point\u202e"],
                    "missed": [],
                    "feedback": "Good\x07 \x1b]0;title\x07answer\u202e.",
                }
            ),
        }.get("good" if self.mode == "slow" else self.mode, "{}")
        return web.json_response({"choices": [{"message": {"role": "assistant", "content": content}}]})
