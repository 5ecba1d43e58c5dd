"""Admin use cases for a channel's daily question: setup, pause, resume, skip and status."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import directory, picking
from bot.calendar import (
    describe_weekdays,
    next_post,
    next_post_day,
    parse_hhmm,
    parse_weekdays,
    today_in,
    zone,
)
from bot.errors import UserError
from bot.events import Actor
from bot.store.tables import Channel, Workspace
from bot.views import ChannelStatus

REVEAL_POLICIES = ("after_close", "immediate")
NOT_ADMIN = "Only workspace admins can do that. Ask an admin, or ask to be added to the bot's admins."
NOT_SET_UP = "The daily question is not set up in this channel yet; an admin's setup starts it."
NOW = " /quiz gives you a question now."

ScheduleListener = Callable[[int], Awaitable[None]]


def is_admin(actor: Actor, ws: Workspace) -> bool:
    return actor.is_admin or actor.user in (ws.settings or {}).get("admins", [])


def require_admin(actor: Actor, ws: Workspace) -> None:
    if not is_admin(actor, ws):
        raise UserError(NOT_ADMIN)


def apply_changes(channel: Channel, bank, changes: dict) -> None:
    """Validate every field first, then write: a bad value changes nothing."""
    values: dict = {}
    if changes.get("post_time") is not None:
        values["post_time"] = parse_hhmm(changes["post_time"]).strftime("%H:%M")
    if changes.get("close_time") is not None:
        text = changes["close_time"].strip()
        values["close_time"] = None if text in ("", "auto") else parse_hhmm(text).strftime("%H:%M")
    if changes.get("timezone") is not None:
        values["timezone"] = zone(changes["timezone"].strip()).key
    if changes.get("weekdays") is not None:
        values["weekdays"] = parse_weekdays(changes["weekdays"])
    if changes.get("topics") is not None:
        topics = [t for t in changes["topics"] if t and t != "all"]
        picking.pool(bank, topics, None)
        values["topics"] = topics
    if "difficulty" in changes:
        difficulty = changes["difficulty"] or None
        if difficulty == "any":
            difficulty = None
        picking.pool(bank, values.get("topics", channel.topics), difficulty)
        values["difficulty"] = difficulty
    if changes.get("reveal_policy") is not None:
        if changes["reveal_policy"] not in REVEAL_POLICIES:
            raise UserError(f"Reveal policy must be one of: {', '.join(REVEAL_POLICIES)}.")
        values["reveal_policy"] = changes["reveal_policy"]
    for key, value in values.items():
        setattr(channel, key, value)


def status(channel: Channel, ws: Workspace, now: datetime, *, set_up: bool = True) -> ChannelStatus:
    tz = channel.timezone or ws.timezone
    instant = None
    enabled = set_up and channel.enabled
    if enabled:
        _, instant = next_post(channel.post_time, channel.weekdays, tz, now, channel.skip_date)
    skipping = channel.skip_date if channel.skip_date and channel.skip_date >= today_in(tz, now) else None
    return ChannelStatus(
        channel=channel.name or channel.external_id,
        enabled=enabled,
        set_up=set_up,
        post_time=channel.post_time,
        weekdays=describe_weekdays(channel.weekdays),
        timezone=tz,
        close_time=channel.close_time,
        topics=tuple(channel.topics or ()),
        difficulty=channel.difficulty,
        reveal_policy=channel.reveal_policy,
        next_post_utc=instant.strftime("%Y-%m-%d %H:%M UTC") if instant else None,
        next_post_local=instant.astimezone(zone(tz)).strftime("%a %Y-%m-%d %H:%M %Z") if instant else None,
        skip_date=skipping.isoformat() if skipping else None,
        last_error=channel.last_error,
        failures=channel.failures,
    )


async def admin_channel(
    session: AsyncSession, actor: Actor, now: datetime, default_tz: str, *, setup: bool
) -> tuple[Workspace, Channel | None]:
    """The admin's workspace and channel; only setup creates the channel (switching posting on)."""
    ws = await directory.workspace(session, actor.place, now, default_tz)
    require_admin(actor, ws)
    await directory.member(session, ws, actor, now)  # remembered as a known admin (appeals)
    if actor.place.channel is None:
        raise UserError("Run this in the channel that should get the daily question.")
    if setup:
        return ws, await directory.channel(session, ws, actor.place, now)
    return ws, await directory.find_channel(session, ws, actor.place)


def skip_next(channel: Channel, ws: Workspace, now: datetime) -> None:
    """Skip the next scheduled post (today's if it has not gone out yet); `resume` undoes it."""
    tz = channel.timezone or ws.timezone
    if channel.skip_date is not None and channel.skip_date >= today_in(tz, now):
        raise UserError(
            f"The post of {channel.skip_date:%a %Y-%m-%d} is already skipped; resume undoes the skip."
        )
    channel.skip_date = next_post(channel.post_time, channel.weekdays, tz, now)[0]


def refuse_unscheduled(channel: Channel, day: date) -> None:
    """A member asking for today's question on a day the schedule has none gets told why, and nothing
    is created or counted."""
    if not channel.enabled:
        raise UserError("The daily question is paused here; an admin's resume starts it again." + NOW)
    if channel.skip_date == day:
        raise UserError("Today's daily question is skipped here; an admin's resume undoes the skip." + NOW)
    if str(day.weekday()) not in channel.weekdays:
        following = next_post_day(day, channel.weekdays)
        raise UserError(
            f"There is no daily question here on {day:%A}s (it posts {describe_weekdays(channel.weekdays)}); "
            f"the next one is on {following:%a %Y-%m-%d}." + NOW
        )
