"""A stand-in for Discord's REST API on loopback, plus real interaction payloads as Discord sends them.

discord.py's own HTTP client talks to it (Route.BASE is pointed here); every call is recorded.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field

import discord
from aiohttp import web

from tests.loopback import LoopbackAPI

APP_ID = "900000000000000001"
GUILD = "800000000000000001"
CHANNEL = "700000000000000001"
OWNER = "600000000000000009"
BOT_USER = {"id": APP_ID, "username": "interview", "discriminator": "0", "avatar": None, "bot": True}
DISCORD_EPOCH = 1420070400000
ADMIN_PERMISSIONS = discord.Permissions(manage_guild=True, send_messages=True, view_channel=True)
MEMBER_PERMISSIONS = discord.Permissions(send_messages=True, view_channel=True)


@dataclass
class Call:
    method: str
    path: str
    body: dict
    answer: object = None  # what the stand-in answered (a created message, with its id)


def message(channel_id: str, message_id: int | str, **fields) -> dict:
    return {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": BOT_USER,
        "content": "",
        "timestamp": "2026-03-02T10:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        "components": [],
        **fields,
    }


@dataclass
class FakeDiscord(LoopbackAPI):
    prefix = "/api/v10"  # discord.py's Route.BASE is pointed at `base`
    refuse: set[str] = field(default_factory=set)  # channels answering 403 Missing Permissions
    messages: dict[str, list[dict]] = field(default_factory=dict)  # each channel's messages, oldest first
    _ids: itertools.count = field(default_factory=lambda: itertools.count(10_000))

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", self.prefix + "/{path:.*}", self._handle)

    def of(self, method: str, prefix: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path.startswith(prefix)]

    def replies(self) -> list[Call]:
        """Interaction callbacks and follow-ups: everything said back to members."""
        return [c for c in self.calls if c.path.startswith(("/interactions/", f"/webhooks/{APP_ID}/"))]

    async def _handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        body: dict = {}
        if request.content_type == "application/json":
            body = await request.json()
        elif request.content_type.startswith("multipart/"):
            form = await request.post()
            body = json.loads(form.get("payload_json", "{}"))
            body["_files"] = [f.filename for k, f in form.items() if k.startswith("files[")]
        status, data = self._answer(request.method, path, body, dict(request.query))
        self.calls.append(Call(request.method, path, body, data))
        self._note()
        # discord.py reads JSON only when the content type is exactly application/json
        return web.Response(
            body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
        )

    def posted(self, channel: str) -> list[dict]:
        return self.messages.get(channel, [])

    def _create(self, channel: str, body: dict) -> dict:
        """A new message, or with `enforce_nonce` the one this author already sent under that nonce."""
        nonce = body.get("nonce")
        if nonce and body.get("enforce_nonce"):
            for earlier in self.posted(channel):
                if earlier.get("nonce") == nonce:
                    return earlier
        snowflake = ((int(time.time() * 1000) - DISCORD_EPOCH) << 22) + next(self._ids)
        created = message(channel, snowflake, nonce=nonce, **_shown(body))
        self.messages.setdefault(channel, []).append(created)
        return created

    def _history(self, channel: str, query: dict) -> list[dict]:
        """As Discord pages with `after`: the oldest `limit` messages after it, returned newest first."""
        after, limit = int(query.get("after") or 0), int(query.get("limit") or 50)
        return list(reversed([m for m in self.posted(channel) if int(m["id"]) > after][:limit]))

    def _answer(self, method: str, path: str, body: dict, query: dict) -> tuple[int, object]:
        parts = path.strip("/").split("/")
        if path == "/users/@me":
            return 200, BOT_USER
        if path == "/oauth2/applications/@me":
            return 200, {
                "id": APP_ID,
                "name": "interview",
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "k",
                "flags": 0,
                "owner": BOT_USER,
            }
        if parts[0] == "applications" and method == "PUT":
            return 200, [
                {**c, "id": str(next(self._ids)), "application_id": APP_ID, "version": "1"} for c in body
            ]
        if parts[0] == "interactions":
            response = {
                "id": parts[1],
                "type": 2,
                "response_message_id": str(next(self._ids)),
                "response_message_loading": body.get("type") == 5,
                "response_message_ephemeral": bool(body.get("data", {}).get("flags", 0) & 64),
            }
            return 200, {"interaction": response}
        if parts[0] == "webhooks":
            return 200, message(CHANNEL, next(self._ids), **_shown(body))
        if parts[0] == "channels" and parts[2:3] == ["messages"]:
            if parts[1] in self.refuse:
                return 403, {"code": 50013, "message": "Missing Permissions"}
            if method == "GET" and len(parts) == 3:
                return 200, self._history(parts[1], query)
            if method == "POST" and len(parts) == 3:
                return 200, self._create(parts[1], body)
            return 200, message(parts[1], parts[3], **_shown(body))
        if parts[0] == "guilds":
            return 200, {
                "id": parts[1],
                "name": "Study group",
                "owner_id": OWNER,
                "roles": [],
                "emojis": [],
                "features": [],
                "icon": None,
                "splash": None,
                "discovery_splash": None,
                "afk_timeout": 300,
                "verification_level": 0,
                "default_message_notifications": 0,
                "explicit_content_filter": 0,
                "mfa_level": 0,
                "system_channel_flags": 0,
                "premium_tier": 0,
                "nsfw_level": 0,
                "preferred_locale": "en-US",
                "stickers": [],
            }
        if parts[:2] == ["users", "@me"] and parts[2:] == ["channels"]:
            return 200, {
                "id": "500000000000000001",
                "type": 1,
                "recipients": [{**BOT_USER, "id": body["recipient_id"], "bot": False}],
            }
        if parts[0] == "users":
            return 200, {**BOT_USER, "id": parts[1], "bot": False, "username": "owner"}
        return 200, {}


def _shown(body: dict) -> dict:
    return {k: body[k] for k in ("content", "embeds", "components") if k in body}


class Payloads:
    """Interaction payloads in Discord's own shape; ids are fresh for each interaction."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def _member(self, user: str, admin: bool) -> dict:
        permissions = ADMIN_PERMISSIONS if admin else MEMBER_PERMISSIONS
        return {
            "user": {
                "id": user,
                "username": f"user{user[-2:]}",
                "global_name": None,
                "discriminator": "0",
                "avatar": None,
            },
            "nick": None,
            "roles": [],
            "joined_at": "2025-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(permissions.value),
        }

    def _base(self, kind: int, data: dict, user: str, admin: bool, guild: str = GUILD, **extra) -> dict:
        n = next(self._ids)
        return {
            "id": str(100_000 + n),
            "application_id": APP_ID,
            "type": kind,
            "data": data,
            "guild_id": guild,
            "channel_id": CHANNEL,
            "channel": {
                "id": CHANNEL,
                "type": 0,
                "guild_id": GUILD,
                "name": "practice",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
            },
            "member": self._member(user, admin),
            "token": f"token-{n}",
            "version": 1,
            "locale": "en-US",
            "guild_locale": "en-US",
            "app_permissions": str(ADMIN_PERMISSIONS.value),
            "entitlements": [],
            "authorizing_integration_owners": {"0": GUILD},
            "attachment_size_limit": 10 * 1024 * 1024,
            "context": 0,
            **extra,
        }

    def command(
        self, name: str, user: str, admin: bool = False, sub: str | None = None, guild: str = GUILD, **options
    ) -> dict:
        opts = [{"name": k, "type": 3, "value": v} for k, v in options.items()]
        if sub:
            opts = [{"name": sub, "type": 1, "options": opts}]
        return self._base(2, {"id": "1", "name": name, "type": 1, "options": opts}, user, admin, guild)

    def click(self, custom_id: str, user: str, on: dict, admin: bool = False) -> dict:
        return self._base(3, {"custom_id": custom_id, "component_type": 2}, user, admin, message=on)

    def select(self, custom_id: str, values: list[str], user: str, on: dict, admin: bool = False) -> dict:
        """A choice in a select menu (component type 3) on the message `on`."""
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
        return self._base(3, data, user, admin, message=on)

    def modal(self, custom_id: str, user: str, values: dict[str, str], admin: bool = False) -> dict:
        """A modal submission as Discord sends it for inputs inside labels (type 18)."""
        labels = [
            {"type": 18, "id": n, "component": {"type": 4, "id": n + 1, "custom_id": k, "value": v}}
            for n, (k, v) in enumerate(values.items(), start=1)
        ]
        return self._base(5, {"custom_id": custom_id, "components": labels}, user, admin)
