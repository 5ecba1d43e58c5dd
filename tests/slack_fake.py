"""A stand-in for the Slack Web API on loopback: it answers what the bot calls and records every call. Plus
what Slack sends the app, in Slack's shapes, built here once for requests over HTTP and Socket Mode alike."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import urllib.parse
from dataclasses import dataclass, field

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from tests.loopback import LoopbackAPI


@dataclass
class Call:
    method: str
    params: dict
    token: str | None


@dataclass
class FakeSlack(LoopbackAPI):
    admins: set[str] = field(default_factory=lambda: {"UADMIN"})
    refuse: set[str] = field(default_factory=set)  # channels that answer not_in_channel
    broken: set[str] = field(default_factory=set)  # methods that answer fatal_error
    auth_failures: int = 0  # how many auth.test calls answer invalid_auth before the token works
    responses: list[dict] = field(default_factory=list)  # what listeners sent to response_url
    uploads: list[bytes] = field(default_factory=list)
    links: list[web.WebSocketResponse] = field(default_factory=list)  # Socket Mode websockets, in order
    messages: dict[str, list[dict]] = field(default_factory=dict)  # each channel's top-level messages
    # "before": a chat.postMessage waits unanswered and is never stored; "after": stored, then waits
    # unanswered. Either way the sender is stuck mid-request until the test kills it.
    hold_posts: str | None = None
    socket_url: str | None = None  # where apps.connections.open sends Socket Mode clients instead
    held: int = 0
    acks: list[dict] = field(default_factory=list)  # what the Socket Mode client sent back over them
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/api/{method}", self._api)  # some methods are GETs
        app.router.add_post("/respond/{n}", self._respond)
        app.router.add_post("/upload/{file}", self._upload)
        app.router.add_get("/link", self._link)

    async def stop(self) -> None:
        self._stopping.set()
        for link in self.links:
            await link.close()
        await super().stop()

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = dict(request.query)  # slack-sdk sends some arguments in the query string
        if request.content_type == "application/json":
            params |= await request.json()
        else:
            params |= dict(await request.post())
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") or params.get("token")
        if method == "chat.postMessage" and self.hold_posts == "before":
            return await self._hold()
        self.calls.append(Call(method, params, token))
        self._note()
        answer = self._answer(method, params, token)
        if method == "chat.postMessage" and self.hold_posts == "after":
            return await self._hold()
        return web.json_response(answer)

    async def _hold(self) -> web.Response:
        self.held += 1
        self._note()
        await self._stopping.wait()
        return web.json_response({"ok": False, "error": "fatal_error"})

    def posted(self, channel: str, thread: str | None = None) -> list[dict]:
        """Top-level messages of a channel, or the replies in one of its threads."""
        return self.messages.get(channel + (f"/{thread}" if thread else ""), [])

    def _history(self, where: str, params: dict) -> dict:
        """Newest first, after `oldest`, metadata only when asked for, `limit` per page with a cursor."""
        oldest = float(params.get("oldest") or 0)
        found = [m for m in reversed(self.messages.get(where, [])) if float(m["ts"]) > oldest]
        if str(params.get("include_all_metadata")).lower() not in ("1", "true"):
            found = [{k: v for k, v in m.items() if k != "metadata"} for m in found]
        start, limit = int(params.get("cursor") or 0), int(params.get("limit") or 100)
        page, more = found[start : start + limit], start + limit < len(found)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _answer(self, method: str, params: dict, token: str | None) -> dict:
        if method in self.broken:
            return {"ok": False, "error": "fatal_error"}
        if method == "auth.test" and self.auth_failures > 0:
            self.auth_failures -= 1
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            team = "T2" if token == "xoxb-T2" else "T1"
            return {"ok": True, "team_id": team, "user_id": "UBOT", "bot_id": "BBOT", "team": team, "url": ""}
        if method == "users.info":
            user = params["user"]
            return {"ok": True, "user": {"id": user, "is_admin": user in self.admins, "tz": "Europe/Berlin"}}
        if method == "users.list":
            return {"ok": True, "members": [{"id": u, "is_admin": True} for u in sorted(self.admins)]}
        if method == "chat.postMessage":
            if params.get("channel") in self.refuse:
                return {"ok": False, "error": "not_in_channel"}
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            message = {"type": "message", "ts": ts, "text": params.get("text", ""), "bot_id": "BBOT"}
            if params.get("metadata"):
                message["metadata"] = params["metadata"]
            where = params["channel"] + (f"/{params['thread_ts']}" if params.get("thread_ts") else "")
            self.messages.setdefault(where, []).append(message)
            return {"ok": True, "channel": params["channel"], "ts": ts}
        if method == "conversations.history":
            return self._history(params["channel"], params)
        if method == "conversations.replies":  # the thread's own messages (its parent left out here)
            return self._history(f"{params['channel']}/{params['ts']}", params)
        if method == "apps.connections.open":  # Socket Mode: where to open the websocket
            n = len(self.of(method))
            return {"ok": True, "url": self.socket_url or f"{self.base.replace('http', 'ws', 1)}/link?n={n}"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + params["users"]}}
        if method == "chat.getPermalink":
            ts = params["message_ts"]
            return {"ok": True, "permalink": f"https://t1.example/archives/{params['channel']}/p{ts}"}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V1"}}
        if method == "files.getUploadURLExternal":
            return {"ok": True, "upload_url": f"{self.base}/upload/F1", "file_id": "F1"}
        if method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": "F1"}]}
        if method == "oauth.v2.access":
            team = params["code"].removeprefix("code-")
            return {
                "ok": True,
                "app_id": "A1",
                "access_token": f"xoxb-{team}",
                "token_type": "bot",
                "scope": "commands,chat:write",
                "bot_user_id": "UBOT",
                "team": {"id": team, "name": f"Team {team}"},
                "enterprise": None,
                "is_enterprise_install": False,
                "authed_user": {"id": "UINSTALLER"},
            }
        return {"ok": True}

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append(await request.json())
        self._note()
        return web.Response(text="ok")

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        """A Socket Mode websocket: "hello" first, then whatever the test sends; records what comes back."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.links.append(ws)
        await ws.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}, "debug_info": {}}
        )
        self._note()
        async for message in ws:  # keeps reading, so close handshakes from either side complete
            if message.type == web.WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
                self._note()
        self._note()
        return ws

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads.append(await request.read())
        self._note()
        return web.Response(text="OK")


def signed_headers(secret: str, body: str, timestamp: int | None = None, **extra: str) -> dict:
    """Slack's real v0 signature over `v0:timestamp:body`."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
        **extra,
    }


def command_payload(
    text: str, user: str, channel: str, team: str, response_url: str, name: str = ""
) -> dict[str, str]:
    """`/interview TEXT`: form fields over HTTP, the envelope's payload over Socket Mode."""
    return {
        "token": "legacy",
        "team_id": team,
        "team_domain": team.lower(),
        "channel_id": channel,
        "channel_name": "practice",
        "user_id": user,
        "user_name": name or user.lower(),
        "command": "/interview",
        "text": text,
        "response_url": response_url,
        "trigger_id": f"trigger-{user}",
    }


def command_body(text: str, user: str, channel: str, team: str, response_url: str, name: str = "") -> str:
    return urllib.parse.urlencode(command_payload(text, user, channel, team, response_url, name))


def block_actions(
    action: dict, user: str, channel: str, team: str, message_ts: str, response_url: str
) -> dict:
    """A click or a choice on a message's block element."""
    return {
        "type": "block_actions",
        "team": {"id": team},
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "channel": {"id": channel, "name": "practice"},
        "message": {"ts": message_ts, "text": "x"},
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
        "trigger_id": f"trigger-{user}",
        "response_url": response_url,
        "actions": [action],
    }


def view_submission(view: dict, values: dict, user: str, team: str) -> dict:
    return {
        "type": "view_submission",
        "team": {"id": team},
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "trigger_id": "t",
        "view": {**view, "id": "V1", "state": {"values": values}},
    }


def answer_values(text: str) -> dict:
    """The answer modal's state with TEXT typed in."""
    return {"answer": {"text": {"type": "plain_text_input", "value": text}}}


def payload_body(payload: dict) -> str:
    return urllib.parse.urlencode({"payload": json.dumps(payload)})
