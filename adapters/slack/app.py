"""The Bolt app: one slash command with subcommands, buttons, modals. Work happens after `ack()`."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import shlex
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks
from bot.errors import UserError
from bot.practice.service import PracticeService, check_answer_text
from bot.rules import topics
from bot.rules.inbound import clean
from bot.surface.context import Actor, Place
from bot.surface.wording import CLOSED, REFERENCE

if TYPE_CHECKING:  # the wiring's settings, as a type only: adapters never import app/
    from app.settings import Settings

log = logging.getLogger(__name__)

HELP = """*{cmd}* — interview practice
• `{cmd} quiz [topic] [easy|medium|hard]` — a private question for you
• `{cmd} leaderboard [week|month|all] [channel|workspace]`
• `{cmd} streak` · `{cmd} stats` · `{cmd} topics` · `{cmd} help`
• `{cmd} timezone [Area/City|auto]` — your days follow your Slack profile's timezone unless you pick one
Admins: `{cmd} setup` · `pause` · `resume` (also undoes a skip) · `skip` · `status` · `appeals`
Admins: `{cmd} timezone workspace Area/City` sets the week and month boards' timezone
The daily question appears in this channel with an *Answer* button; answers and grades are private."""
ADMIN_SUBCOMMANDS = ("setup", "pause", "resume", "skip", "status", "appeals")
# Longer command text is refused before it is parsed: shlex on a megabyte holds the event loop for seconds.
MAX_COMMAND_CHARS = 1000
FAILED = "Something went wrong on my side; please try again in a moment."
# Members' Slack timezones (users.info is rate limited): looked up at most once a day each, and a request
# waits at most ZONE_WAIT for a lookup; a slower one finishes in the background for the next request.
ZONE_TTL = 24 * 3600
ZONE_WAIT = 0.5


class Listeners:
    """Turns Slack payloads into core calls; every reply to a member is ephemeral."""

    def __init__(self, service: PracticeService, settings: Settings) -> None:
        self.service = service
        self.settings = settings
        self.command = settings.slack_command
        self._zones: dict[str, tuple[float, str | None]] = {}  # user -> (looked up at, Slack profile tz)
        self._lookups: dict[str, asyncio.Task] = {}

    # -- who and where ----------------------------------------------------------------------------

    async def actor(
        self, body: dict, client: AsyncWebClient, channel: str | None = None, admin: bool = False
    ) -> Actor:
        team = (
            body.get("team_id") or (body.get("team") or {}).get("id") or body.get("user", {}).get("team_id")
        )
        user = body.get("user_id") or body["user"]["id"]
        name = (
            body.get("user_name") or body.get("user", {}).get("username") or body.get("user", {}).get("name")
        )
        channel = channel or body.get("channel_id") or (body.get("channel") or {}).get("id")
        channel_name = body.get("channel_name") or (body.get("channel") or {}).get("name") or ""
        is_admin = False
        if admin:  # checked here, on the server, from Slack's own record of the member
            info = (await client.users_info(user=user))["user"]
            is_admin = bool(
                info.get("is_admin") or info.get("is_owner") or user in self.settings.slack_admins
            )
            self._zones[user] = (time.monotonic(), info.get("tz"))
        tz = await self._zone(client, user)
        place = Place("slack", team, channel, body.get("team_domain", ""), channel_name)
        return Actor(place, user, name or user, tz, is_admin)

    async def _zone(self, client: AsyncWebClient, user: str) -> str | None:
        """The member's timezone from their Slack profile (their local days and streaks). None (the core
        keeps the one it stored) when Slack is slow or fails: no reason to keep the member waiting."""
        looked_up, tz = self._zones.get(user, (None, None))
        if looked_up is not None and time.monotonic() - looked_up < ZONE_TTL:
            return tz
        if user not in self._lookups:
            self._lookups[user] = asyncio.create_task(self._look_up_zone(client, user))
        try:
            return await asyncio.wait_for(asyncio.shield(self._lookups[user]), ZONE_WAIT)
        except TimeoutError:
            return tz

    async def _look_up_zone(self, client: AsyncWebClient, user: str) -> str | None:
        try:
            tz = ((await client.users_info(user=user)).get("user") or {}).get("tz")
        except Exception as error:  # tried again on the member's next request
            log.info("users.info for %s failed (%s); the stored timezone stays", user, type(error).__name__)
            return None
        else:
            self._zones[user] = (time.monotonic(), tz)
            return tz
        finally:
            self._lookups.pop(user, None)

    async def close(self) -> None:
        """The last "N answered" edit still goes out; pending timezone lookups are dropped."""
        await self.service.drain_card_refreshes()
        for task in list(self._lookups.values()):
            task.cancel()

    # -- the slash command ------------------------------------------------------------------------

    async def on_command(self, ack, body: dict, respond, client: AsyncWebClient) -> None:
        await ack()
        text = clean(body.get("text"))
        if len(text) > MAX_COMMAND_CHARS:
            await respond(
                text=f"That is {len(text):,} characters; a command is at most {MAX_COMMAND_CHARS:,}. "
                f"`{self.command} help` lists them."
            )
            return
        try:
            words = shlex.split(text)
        except ValueError:
            words = text.split()
        verb, args = (words[0].lower(), words[1:]) if words else ("help", [])
        handler = getattr(self, f"cmd_{verb}", None)
        if handler is None:
            shown = blocks.escape(verb if len(verb) <= 40 else verb[:40] + "…")
            await respond(text=f"I don't know `{shown}`.\n" + HELP.format(cmd=self.command))
            return
        admin = verb in ADMIN_SUBCOMMANDS or (verb == "timezone" and args[:1] == ["workspace"])
        try:
            actor = await self.actor(body, client, admin=admin)
            await handler(actor, args, body, respond, client)
        except UserError as error:
            await respond(text=blocks.escape(str(error)))

    async def cmd_help(self, actor, args, body, respond, client) -> None:
        await respond(text=HELP.format(cmd=self.command))

    async def cmd_quiz(self, actor, args, body, respond, client) -> None:
        card = await self.service.start_quiz(actor, *topics.quiz_request(args))
        await respond(text=blocks.question_text(card), blocks=blocks.question(card))

    async def cmd_leaderboard(self, actor, args, body, respond, client) -> None:
        period = args[0].lower() if args else "week"
        scope = args[1].lower() if len(args) > 1 else "workspace"
        await respond(text=blocks.leaderboard(await self.service.leaderboard(actor, period, scope)))

    async def cmd_streak(self, actor, args, body, respond, client) -> None:
        await respond(text=blocks.streak(await self.service.streak(actor)))

    async def cmd_topics(self, actor, args, body, respond, client) -> None:
        await respond(text=blocks.topics(self.service.topics()))

    async def cmd_stats(self, actor, args, body, respond, client) -> None:
        view = await self.service.stats(actor)
        await respond(text=blocks.stats(view))
        if view.answers and view.picture_png:  # files can't be ephemeral: the picture goes to a DM
            dm = (await client.conversations_open(users=actor.user))["channel"]["id"]
            await client.files_upload_v2(
                channel=dm,
                content=view.picture_png,
                filename="interview-stats.png",
                title="Your weekly scores and topic mastery",
            )

    async def cmd_timezone(self, actor, args, body, respond, client) -> None:
        if args[:1] == ["workspace"]:
            view = await self.service.timezone(actor, " ".join(args[1:]), workspace=True)
        else:
            view = await self.service.timezone(actor, args[0] if args else None)
        await respond(text=blocks.timezone(view))

    async def cmd_setup(self, actor, args, body, respond, client) -> None:
        status = await self.service.channel_status(actor)
        await client.views_open(
            trigger_id=body["trigger_id"], view=blocks.setup_modal(status, actor.place.channel)
        )

    async def cmd_status(self, actor, args, body, respond, client) -> None:
        await respond(text=blocks.status(await self.service.channel_status(actor)))

    async def cmd_pause(self, actor, args, body, respond, client) -> None:
        await respond(text=blocks.status(await self.service.pause_channel(actor)))

    async def cmd_resume(self, actor, args, body, respond, client) -> None:
        await respond(text=blocks.status(await self.service.resume_channel(actor)))

    async def cmd_skip(self, actor, args, body, respond, client) -> None:
        await respond(text=blocks.status(await self.service.skip_next(actor)))

    async def cmd_appeals(self, actor, args, body, respond, client) -> None:
        pending = await self.service.pending_appeals(actor)
        disputed = await self.service.disputed_grades(actor)
        shown = blocks.appeals(pending) + blocks.disputes(disputed)
        await respond(text=f"{len(pending)} pending appeals, {len(disputed)} disputed grades", blocks=shown)

    # -- buttons ----------------------------------------------------------------------------------

    async def on_daily_answer(self, ack, body: dict, respond, client: AsyncWebClient) -> None:
        await ack()
        post_id = int(body["actions"][0]["value"])
        card = await self.service.post_card(post_id)
        if card.closed:
            await respond(text=CLOSED, replace_original=False)
            return
        meta = {"post_id": post_id, "channel": body["channel"]["id"], "ts": body["message"]["ts"]}
        await client.views_open(
            trigger_id=body["trigger_id"], view=blocks.answer_modal("daily_submit", meta, card)
        )

    async def on_quiz_answer(self, ack, body: dict, respond, client: AsyncWebClient) -> None:
        await ack()
        attempt_id = int(body["actions"][0]["value"])
        channel = (body.get("channel") or {}).get("id")
        try:
            card = await self.service.quiz_card(await self.actor(body, client), attempt_id)
        except UserError as error:
            await respond(text=blocks.escape(str(error)), replace_original=False)
            return
        meta = {"attempt_id": attempt_id, "channel": channel}
        await client.views_open(
            trigger_id=body["trigger_id"], view=blocks.answer_modal("quiz_submit", meta, card)
        )

    async def on_reference_full(self, ack, body: dict, respond, client: AsyncWebClient) -> None:
        await ack()
        try:
            view = await self.service.full_reference(
                await self.actor(body, client), int(body["actions"][0]["value"])
            )
        except UserError as error:
            await respond(text=blocks.escape(str(error)), replace_original=False)
            return
        for message in blocks.reference_messages(view):
            await respond(text=REFERENCE, blocks=message, replace_original=False)

    async def on_appeal_open(self, ack, body: dict, client: AsyncWebClient) -> None:
        await ack()
        answer_id = int(body["actions"][0]["value"])
        channel = (body.get("channel") or {}).get("id")
        await client.views_open(trigger_id=body["trigger_id"], view=blocks.appeal_modal(answer_id, channel))

    async def on_appeal_decision(self, ack, body: dict, respond, client: AsyncWebClient) -> None:
        """Accept is a choice of scores (`appeal_id:score`), Reject a button; the member hears either way."""
        await ack()
        action = body["actions"][0]
        accept = action["action_id"] == "appeal_accept"
        value = (action.get("selected_option") or {}).get("value") or action.get("value", "")
        appeal_id, _, score = value.partition(":")
        try:
            actor = await self.actor(body, client, admin=True)
            chosen = int(score) if score else None
            view = await self.service.decide_appeal(actor, int(appeal_id), accept, chosen)
            await respond(text=blocks.decision(view), replace_original=False)
        except UserError as error:
            await respond(text=blocks.escape(str(error)), replace_original=False)
            return
        try:  # a DM: the member may not be in the admin's channel
            dm = (await client.conversations_open(users=view.member_ref))["channel"]["id"]
            await client.chat_postMessage(channel=dm, text=blocks.appeal_outcome(view))
        except Exception:
            log.exception("could not tell %s the outcome of appeal #%s", view.member_ref, view.appeal_id)

    # -- modals -----------------------------------------------------------------------------------

    async def on_answer_submit(self, ack, body: dict, view: dict, client: AsyncWebClient, context) -> None:
        text = view["state"]["values"]["answer"]["text"].get("value") or ""
        try:
            check_answer_text(text)  # pure: answered in the modal itself, before the ack
        except UserError as error:
            await ack(response_action="errors", errors={"answer": str(error)})
            return
        await ack()
        meta = json.loads(view["private_metadata"] or "{}")
        actor = await self.actor(body, client, channel=meta.get("channel"))
        try:
            if view["callback_id"] == "daily_submit":
                grade = await self.service.answer_post(actor, meta["post_id"], text)
            else:
                grade = await self.service.answer_quiz(actor, meta["attempt_id"], text)
        except UserError as error:
            if not context.get("is_retry"):  # a retried delivery was already answered the first time
                await self._private(client, actor, text=blocks.escape(str(error)))
            return
        await self._private(client, actor, text=f"Score {grade.score}/100", blocks=blocks.grade(grade))
        if view["callback_id"] == "daily_submit" and meta.get("ts"):

            async def refresh() -> None:
                card = await self.service.post_card(meta["post_id"])
                if card.closed:  # the closing edit links the summary; leave it be
                    return
                await client.chat_update(
                    channel=meta["channel"],
                    ts=meta["ts"],
                    text=blocks.question_text(card),
                    blocks=blocks.question(card),
                )

            self.service.schedule_card_refresh((meta["channel"], meta["ts"]), refresh)

    async def on_appeal_submit(self, ack, body: dict, view: dict, client: AsyncWebClient) -> None:
        await ack()
        meta = json.loads(view["private_metadata"] or "{}")
        reason = view["state"]["values"]["reason"]["text"].get("value") or ""
        actor = await self.actor(body, client, channel=meta.get("channel"))
        try:
            appeal = await self.service.appeal(actor, meta["answer_id"], reason)
            text = f"Appeal #{appeal.appeal_id} sent: an admin will look at your answer."
        except UserError as error:
            text = blocks.escape(str(error))
        await self._private(client, actor, text=text)

    async def on_setup_submit(self, ack, body: dict, view: dict, client: AsyncWebClient) -> None:
        values = view["state"]["values"]
        changes: dict = {key: (values[key]["value"].get("value") or "") for key, _ in blocks.SETUP_FIELDS}
        changes["reveal_policy"] = values["reveal_policy"]["value"]["selected_option"]["value"]
        errors = self.service.check_setup(**changes)  # pure: answered in the form, which stays open
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        meta = json.loads(view["private_metadata"] or "{}")
        actor = await self.actor(body, client, channel=meta.get("channel"), admin=True)
        try:
            text = "Saved.\n" + blocks.status(await self.service.configure_channel(actor, **changes))
        except UserError as error:
            text = "Nothing changed: " + blocks.escape(str(error))
        await self._private(client, actor, text=text)

    async def on_failure(self, error: Exception, body: dict, respond, client: AsyncWebClient) -> None:
        """A listener failed after its ack: the member is told in plain words instead of hearing nothing."""
        text = blocks.escape(str(error)) if isinstance(error, UserError) else FAILED
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        try:
            if respond is not None:
                await respond(text=text, response_type="ephemeral", replace_original=False)
            elif user:
                dm = (await client.conversations_open(users=user))["channel"]["id"]
                await client.chat_postMessage(channel=dm, text=text)
        except Exception as failure:
            log.warning("could not tell %s that their request failed: %r", user, failure)

    def contained(self, listener: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        """The listener with its failures handled inside it. Bolt's own error path, reached when a listener
        raises within about 10 ms of its ack, can forget the ack and answer Slack 404 "unhandled"."""

        @functools.wraps(listener)
        async def run(**kwargs) -> None:
            try:
                await listener(**kwargs)
            except Exception as error:
                log.exception("a Slack listener failed: %s", type(error).__name__)
                body, respond = kwargs.get("body") or {}, kwargs.get("respond")
                await self.on_failure(error, body, respond, kwargs["client"])

        return run

    async def _private(self, client: AsyncWebClient, actor: Actor, **message) -> None:
        """Ephemeral in the channel; a DM when there is no channel to be ephemeral in."""
        if actor.place.channel:
            await client.chat_postEphemeral(channel=actor.place.channel, user=actor.user, **message)
        else:
            dm = (await client.conversations_open(users=actor.user))["channel"]["id"]
            await client.chat_postMessage(channel=dm, **message)


def register(app: AsyncApp, service: PracticeService, settings: Settings) -> Listeners:
    listeners = Listeners(service, settings)

    @app.middleware
    async def mark_retries(req, resp, next: Callable[[], Awaitable[None]]):
        """Slack re-sends what it thinks we missed; the core's unique keys make the repeat harmless."""
        retry = req.headers.get("x-slack-retry-num")
        req.context["is_retry"] = bool(retry and retry[0] not in ("", "0"))
        return await next()

    safe = listeners.contained
    app.command(settings.slack_command)(safe(listeners.on_command))
    app.action("daily_answer")(safe(listeners.on_daily_answer))
    app.action("quiz_answer")(safe(listeners.on_quiz_answer))
    app.action("reference_full")(safe(listeners.on_reference_full))
    app.action("appeal_open")(safe(listeners.on_appeal_open))
    app.action("appeal_accept")(safe(listeners.on_appeal_decision))
    app.action("appeal_reject")(safe(listeners.on_appeal_decision))
    app.view("daily_submit")(safe(listeners.on_answer_submit))
    app.view("quiz_submit")(safe(listeners.on_answer_submit))
    app.view("appeal_submit")(safe(listeners.on_appeal_submit))
    app.view("setup_submit")(safe(listeners.on_setup_submit))

    @app.error
    async def on_error(error, body, context, client, logger) -> None:
        logger.exception("unhandled error in a Slack listener: %s", type(error).__name__)
        await listeners.on_failure(error, body, context.respond, client)

    return listeners
