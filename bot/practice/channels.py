"""Admin use cases for a channel's daily question: setup, pause, resume, skip and status."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.practice import directory, picking
from bot.practice.deps import Deps
from bot.rules.calendar import (
    describe_weekdays,
    local_day,
    next_post,
    next_post_day,
    parse_hhmm,
    parse_weekdays,
    zone,
)
from bot.rules.topics import match_list
from bot.store.tables import Channel, Workspace
from bot.surface.cards import ChannelStatus
from bot.surface.context import Actor

REVEAL_POLICIES = ("after_close", "immediate")
NOT_ADMIN = "Only workspace admins can do that. Ask an admin, or ask to be added to the bot's admins."
NOT_SET_UP = "The daily question is not set up in this channel yet; an admin's setup starts it."
NOW = " /quiz gives you a question now."

ScheduleListener = Callable[[int], Awaitable[None]]
Change = Callable[[Channel, Workspace, datetime], None]


class ScheduleChanges:
    """The scheduler listens here, so a changed schedule takes effect without a restart."""

    def __init__(self) -> None:
        self._listeners: list[ScheduleListener] = []

    def listen(self, listener: ScheduleListener) -> None:
        self._listeners.append(listener)

    async def changed(self, channel_id: int) -> None:
        for listener in self._listeners:
            await listener(channel_id)


def is_admin(actor: Actor, ws: Workspace) -> bool:
    return actor.is_admin or actor.user in (ws.settings or {}).get("admins", [])


def require_admin(actor: Actor, ws: Workspace) -> None:
    if not is_admin(actor, ws):
        raise UserError(NOT_ADMIN)


SETUP_KEYS = ("post_time", "timezone", "weekdays", "topics", "difficulty", "close_time", "reveal_policy")


def _close_time(text: str) -> str | None:
    text = text.strip()
    return None if text in ("", "auto") else parse_hhmm(text).strftime("%H:%M")


def _difficulty(text: str | None) -> str | None:
    text = (text or "").strip().lower()
    return None if text in ("", "any") else text


def _reveal_policy(text: str) -> str:
    if text not in REVEAL_POLICIES:
        raise UserError(f"Reveal policy must be one of: {', '.join(REVEAL_POLICIES)}.")
    return text


def parse_changes(
    bank, changes: dict, topics: Sequence[str] = (), difficulty: str | None = None
) -> tuple[dict, dict[str, str]]:
    """Each field checked on its own: the values to write, and what is wrong with each bad field, so a
    form can point at the field. `topics` and `difficulty` are the channel's current ones."""
    parsers = {
        "post_time": lambda v: parse_hhmm(v).strftime("%H:%M"),
        "close_time": _close_time,
        "timezone": lambda v: zone(v.strip()).key,
        "weekdays": parse_weekdays,
        "topics": lambda v: match_list(bank.topics(), v),
        "difficulty": _difficulty,
        "reveal_policy": _reveal_policy,
    }
    values: dict = {}
    errors: dict[str, str] = {}
    for key, parse in parsers.items():
        if changes.get(key) is None and not (key == "difficulty" and key in changes):
            continue
        try:
            values[key] = parse(changes[key])
        except UserError as error:
            errors[key] = str(error)
    if {"topics", "difficulty"} & values.keys() and not {"topics", "difficulty"} & errors.keys():
        try:  # together they must leave at least one question
            picking.pool(bank, values.get("topics", topics), values.get("difficulty", difficulty))
        except UserError as error:
            errors["difficulty" if "difficulty" in values else "topics"] = str(error)
    return values, errors


def apply_changes(channel: Channel, bank, changes: dict) -> None:
    """Validate every field first, then write: a bad value changes nothing."""
    values, errors = parse_changes(bank, changes, channel.topics or (), channel.difficulty)
    if errors:
        raise UserError(next(iter(errors.values())))
    for key, value in values.items():
        setattr(channel, key, value)


def status(channel: Channel, ws: Workspace, now: datetime, *, set_up: bool = True) -> ChannelStatus:
    tz = directory.channel_tz(channel, ws)
    instant = None
    enabled = set_up and channel.enabled
    if enabled:
        _, instant = next_post(channel.post_time, channel.weekdays, tz, now, channel.skip_date)
    skipping = channel.skip_date if channel.skip_date and channel.skip_date >= local_day(now, tz) else None
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
    tz = directory.channel_tz(channel, ws)
    if channel.skip_date is not None and channel.skip_date >= local_day(now, tz):
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


async def update(
    deps: Deps, schedules: ScheduleChanges, actor: Actor, change: Change | None, *, setup: bool = False
) -> ChannelStatus:
    """Admins only. Setup creates the channel (posting on); the rest need a channel set up. Without a
    change: the schedule as it stands, or as setup would start it where nobody has set it up yet."""
    now = deps.clock()

    async def work(session: AsyncSession) -> tuple[int | None, ChannelStatus]:
        ws, channel = await admin_channel(session, actor, now, deps.default_timezone, setup=setup)
        if channel is None:
            if change is not None:
                raise UserError(NOT_SET_UP)
            unsaved = directory.unsaved_channel(ws, actor.place, now)
            return None, status(unsaved, ws, now, set_up=False)
        if change is not None:
            change(channel, ws, now)
        await session.flush()
        return channel.id, status(channel, ws, now)

    channel_id, view = await deps.transaction(work)
    if channel_id is not None:
        await schedules.changed(channel_id)
    return view


def pause(channel: Channel, ws: Workspace, now: datetime) -> None:
    channel.enabled = False


def resume(channel: Channel, ws: Workspace, now: datetime) -> None:
    channel.enabled, channel.failures, channel.last_error = True, 0, None
    channel.skip_date = None  # resume also undoes a skip
