"""Slack connected either way: Socket Mode with SLACK_APP_TOKEN, else HTTP (`/slack/events`, `/healthz`).

One workspace with SLACK_BOT_TOKEN, or many through OAuth (`/slack/install`) with slack-sdk's SQLAlchemy
installation and state stores on our own database (their tables are in our migrations).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped, warning_token_skipped
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import register
from adapters.slack.publisher import SlackPublisher
from adapters.slack.signed import signed_requests_only
from adapters.slack.tables import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE
from bot.practice.service import PracticeService

if TYPE_CHECKING:  # the wiring's settings, as a type only: adapters never import app/
    from app.settings import Settings

log = logging.getLogger(__name__)


class _IntendedTokenHandling(logging.Filter):
    """Bolt warns at every start that SLACK_BOT_TOKEN "will be ignored" when a client or `authorize` is
    given; here both are given on purpose and the token is used (by them), so the warning only misleads."""

    noise = frozenset({warning_token_skipped(), warning_client_prioritized_and_token_skipped()})

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() not in self.noise


logging.getLogger("slack_bolt.AsyncApp").addFilter(_IntendedTokenHandling())

# channels:history and groups:history: a daily card whose send may have reached Slack is looked for there.
BOT_SCOPES = [
    "commands",
    "chat:write",
    "chat:write.public",
    "users:read",
    "im:write",
    "files:write",
    "channels:history",
    "groups:history",
]


def web_client(
    settings: Settings, session: aiohttp.ClientSession, token: str | None = None
) -> AsyncWebClient:
    """One shared connection pool (a new session per call costs more than the call); slack-sdk's own
    retry handlers: HTTP 429 waits Retry-After, dropped connections retry."""
    kwargs = {"base_url": settings.slack_api_url} if settings.slack_api_url else {}
    client = AsyncWebClient(token=token, session=session, **kwargs)
    client.retry_handlers.extend(
        [AsyncRateLimitErrorRetryHandler(max_retry_count=3), AsyncConnectionErrorRetryHandler()]
    )
    return client


class SlackServer:
    def __init__(self, service: PracticeService, settings: Settings) -> None:
        self.settings = settings
        self.http = aiohttp.ClientSession()
        secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
        socket_mode = settings.slack_app_token is not None
        if not socket_mode and not secret:
            raise RuntimeError(
                "Slack HTTP mode needs SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)."
            )
        single = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
        oauth = bool(settings.slack_client_id and settings.slack_client_secret)
        if not oauth and not single:
            raise RuntimeError("Slack needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET.")
        options: dict = {
            "signing_secret": secret,
            "client": web_client(settings, self.http, None if oauth else single),
            # Socket Mode requests come over Slack's authenticated websocket, not signed HTTP.
            "request_verification_enabled": not socket_mode,
        }
        self.installations = None
        if oauth:
            engine = service.db.engine
            self.installations = AsyncSQLAlchemyInstallationStore(
                settings.slack_client_id,
                engine,
                bots_table_name=BOTS_TABLE,
                installations_table_name=INSTALLATIONS_TABLE,
            )
            client_secret = settings.slack_client_secret.get_secret_value()
            options["oauth_settings"] = AsyncOAuthSettings(
                client_id=settings.slack_client_id,
                client_secret=client_secret,
                scopes=BOT_SCOPES,
                installation_store=self.installations,
                state_store=AsyncSQLAlchemyOAuthStateStore(600, engine, table_name=OAUTH_STATES_TABLE),
            )
            # Bolt's own installation-store authorize, but remembering each token's auth.test: without
            # the cache every request of a 09:00 burst would call Slack before it could be acknowledged.
            # The store is still read per request, so an uninstalled workspace is never served from it.
            options["authorize"] = AsyncInstallationStoreAuthorize(
                logger=log,
                installation_store=self.installations,
                client_id=settings.slack_client_id,
                client_secret=client_secret,
                cache_enabled=True,
                client=options["client"],
            )
        else:
            options["authorize"] = one_workspace(options["client"], single)
        self.app = AsyncApp(**options)
        self.listeners = register(self.app, service, settings)
        self.publisher = SlackPublisher(self.client_for, list(settings.slack_admins))
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None
        self._closed = asyncio.Event()
        self.port: int | None = None

    async def client_for(self, team_id: str) -> AsyncWebClient:
        """The bot token of that workspace: the single token, or its installation."""
        if self.installations is None:
            return self.app.client
        bot = await self.installations.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None:
            raise LookupError(f"the bot is not installed in Slack workspace {team_id}")
        return web_client(self.settings, self.http, bot.bot_token)

    async def start(self) -> None:
        if self.settings.slack_app_token is not None:
            self._socket = AsyncSocketModeHandler(self.app, self.settings.slack_app_token.get_secret_value())
            await self._socket.connect_async()
            log.info("Slack: connected in Socket Mode")
            return
        web_app = self.app.web_app(path="/slack/events", port=self.settings.slack_port)
        secret = self.settings.slack_signing_secret.get_secret_value()
        web_app.middlewares.append(signed_requests_only("/slack/events", secret))
        web_app.router.add_get("/healthz", _healthz)
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(
            self._runner, host=self.settings.slack_host, port=self.settings.slack_port, backlog=1024
        )
        await site.start()
        self.port = self._runner.addresses[0][1]
        log.info("Slack: listening for HTTP requests on port %s (/slack/events, /healthz)", self.port)

    async def wait_closed(self) -> None:
        await self._closed.wait()

    async def close(self) -> None:
        await self.listeners.close()
        if self._socket is not None:
            await self._socket.close_async()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.http.close()
        self._closed.set()


def one_workspace(client: AsyncWebClient, token: str):
    """Bolt's `authorize` for a single bot token: one auth.test for the whole process.

    Bolt's own single-workspace check calls auth.test from every request until the first call returns,
    so the 500 answers of a 09:00 burst would make 500 calls and wait for them before any acknowledgement.
    A failed call is not kept: the next request tries again. (A plain function, because Bolt passes
    arguments by the names in its signature.)
    """
    checked: asyncio.Future | None = None

    async def authorize() -> AuthorizeResult:
        nonlocal checked
        if checked is None or (checked.done() and (checked.cancelled() or checked.exception())):
            checked = asyncio.ensure_future(client.auth_test(token=token))
        response = await asyncio.shield(checked)
        return AuthorizeResult.from_auth_test_response(
            bot_token=token,
            bot_scopes=response.headers.get("x-oauth-scopes"),
            auth_test_response=response,
        )

    return authorize


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def build_runtime(service: PracticeService, settings: Settings) -> SlackServer:
    return SlackServer(service, settings)
