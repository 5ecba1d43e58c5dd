"""The scheduler's database work, in batches: which channels are due, leasing posts, recording results."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bank import Bank
from bot.practice import claims, directory
from bot.rules.calendar import local_day, local_instant, parse_hhmm
from bot.store.tables import Channel, DailyPost, Workspace, table_of
from bot.surface.context import Place


@dataclass(frozen=True)
class Schedule:
    """Channels sharing one schedule share one cron job."""

    post_time: str
    weekdays: str
    timezone: str

    @property
    def key(self) -> str:
        return f"post:{self.timezone}:{self.post_time}:{self.weekdays}"


@dataclass(frozen=True)
class Delivery:
    post_id: int
    channel_id: int
    place: Place
    question_id: str
    local_date: date
    maybe_sent_since: datetime | None = None  # an earlier send started: the platform may have it


async def schedules(session: AsyncSession, platforms: Sequence[str]) -> dict[Schedule, list[int]]:
    rows = await session.execute(
        select(Channel.id, Channel.post_time, Channel.weekdays, directory.channel_tz_sql())
        .join(Workspace, Workspace.id == Channel.workspace_id)
        .where(Channel.enabled.is_(True), Workspace.platform.in_(platforms))
        .order_by(Channel.id)
    )
    groups: dict[Schedule, list[int]] = {}
    for channel_id, post_time, weekdays, tz in rows.all():
        groups.setdefault(Schedule(post_time, weekdays, tz), []).append(channel_id)
    return groups


def is_due(channel: Channel, tz: str, now: datetime, grace: timedelta) -> date | None:
    """Today's local date when the channel's post time today lies within [now - grace, now]."""
    day = local_day(now, tz)
    if str(day.weekday()) not in (channel.weekdays or "0123456") or channel.skip_date == day:
        return None
    at = local_instant(day, parse_hhmm(channel.post_time), tz)
    return day if at <= now <= at + grace else None


async def lease_batch(
    session: AsyncSession,
    bank: Bank,
    channel_ids: Sequence[int],
    now: datetime,
    grace: timedelta,
    lease: timedelta,
    owner: str,
) -> list[Delivery]:
    """Claim today's post of each due channel and lease the ones nobody is sending: at most one sender."""
    rows = await session.execute(
        select(Channel, Workspace)
        .join(Workspace, Workspace.id == Channel.workspace_id)
        .where(Channel.id.in_(channel_ids), Channel.enabled.is_(True))
    )
    wanted, where = [], {}
    for channel, ws in rows.all():
        tz = directory.channel_tz(channel, ws)
        day = is_due(channel, tz, now, grace)
        if day is not None:
            wanted.append((channel, tz, day))
            where[channel.id] = Place(ws.platform, ws.external_id, channel.external_id, ws.name, channel.name)
    claimed = await claims.claim_many(session, bank, wanted, now)
    places = {post.id: where[channel_id] for channel_id, post in claimed.items()}
    return await _lease(session, list(places), places, now, lease, owner)


def _unsent(now: datetime):
    return (
        DailyPost.state.in_(("claimed", "sending")),
        DailyPost.closed_at.is_(None),
        DailyPost.closes_at > now,
    )


async def lease_holders(
    session: AsyncSession, now: datetime, platforms: Sequence[str], owner: str
) -> set[str]:
    """Other senders holding a lease on an open, unsent post: if one has died, its posts are stranded."""
    rows = await session.scalars(
        select(DailyPost.lease_owner)
        .distinct()
        .join(Channel, Channel.id == DailyPost.channel_id)
        .join(Workspace, Workspace.id == Channel.workspace_id)
        .where(
            Workspace.platform.in_(platforms),
            *_unsent(now),
            DailyPost.state == "sending",
            DailyPost.lease_until >= now,
            DailyPost.lease_owner.is_not(None),
            DailyPost.lease_owner != owner,
        )
    )
    return {holder for holder in rows.all() if holder is not None}  # the query already skips NULL


async def unsent_today(
    session: AsyncSession, now: datetime, platforms: Sequence[str], dead: Collection[str] = ()
) -> list[int]:
    """Channels whose post was claimed but never sent (a crash between claim and send), still open."""
    rows = await session.execute(
        select(DailyPost.channel_id)
        .join(Channel, Channel.id == DailyPost.channel_id)
        .join(Workspace, Workspace.id == Channel.workspace_id)
        .where(Workspace.platform.in_(platforms), *_unsent(now), _free(now, dead))
    )
    return [channel_id for (channel_id,) in rows.all()]


def _free(now: datetime, dead: Collection[str]):
    """Nobody is sending it: never leased, the lease ran out, or its holder has died."""
    return or_(
        DailyPost.lease_until.is_(None), DailyPost.lease_until < now, DailyPost.lease_owner.in_(list(dead))
    )


async def lease_existing(
    session: AsyncSession,
    channel_ids: Iterable[int],
    now: datetime,
    lease: timedelta,
    owner: str,
    dead: Collection[str] = (),
) -> list[Delivery]:
    """Lease the open, unsent posts of these channels whatever their post time (crash recovery)."""
    rows = await session.execute(
        select(DailyPost, Channel, Workspace)
        .join(Channel, Channel.id == DailyPost.channel_id)
        .join(Workspace, Workspace.id == Channel.workspace_id)
        .where(DailyPost.channel_id.in_(list(channel_ids)), *_unsent(now), Channel.enabled.is_(True))
    )
    places: dict[int, Place] = {}
    for post, channel, ws in rows.all():
        if post.local_date == local_day(now, directory.channel_tz(channel, ws)):  # never a past day's post
            places[post.id] = Place(ws.platform, ws.external_id, channel.external_id, ws.name, channel.name)
    return await _lease(session, list(places), places, now, lease, owner, dead)


async def _lease(
    session: AsyncSession,
    post_ids: list[int],
    places: dict[int, Place],
    now: datetime,
    lease: timedelta,
    owner: str,
    dead: Collection[str] = (),
) -> list[Delivery]:
    """Take the lease where nobody holds it, and count the send about to start (the intent)."""
    if not post_ids:
        return []
    leased = await session.execute(
        update(DailyPost)
        .where(
            DailyPost.id.in_(post_ids),
            or_(DailyPost.state == "claimed", (DailyPost.state == "sending") & _free(now, dead)),
        )
        .values(state="sending", lease_until=now + lease, lease_owner=owner, attempts=DailyPost.attempts + 1)
        .returning(
            DailyPost.id,
            DailyPost.channel_id,
            DailyPost.question_id,
            DailyPost.local_date,
            DailyPost.attempts,
            DailyPost.claimed_at,
        )
    )
    return [
        Delivery(post_id, channel_id, places[post_id], question_id, day, claimed if attempts > 1 else None)
        for post_id, channel_id, question_id, day, attempts, claimed in leased.all()
    ]


async def record_posted(
    session: AsyncSession, sent: Sequence[tuple[Delivery, str]], now: datetime
) -> list[tuple[int, datetime]]:
    """Mark posts sent, in one statement for many; returns each post's close time."""
    posts = table_of(DailyPost)
    await session.execute(
        update(posts)
        .where(posts.c.id == bindparam("pid"))
        .values(
            state="posted", message_ref=bindparam("ref"), posted_at=now, lease_until=None, lease_owner=None
        ),
        [{"pid": d.post_id, "ref": ref} for d, ref in sent],
    )
    await session.execute(
        update(Channel)
        .where(Channel.id.in_([d.channel_id for d, _ in sent]), Channel.failures > 0)
        .values(failures=0, last_error=None)
    )
    rows = await session.execute(
        select(DailyPost.id, DailyPost.closes_at).where(DailyPost.id.in_([d.post_id for d, _ in sent]))
    )
    return [(post_id, closes) for post_id, closes in rows.all()]


async def record_failed(
    session: AsyncSession, delivery: Delivery, reason: str, pause_after: int
) -> tuple[int, bool]:
    """Count a refused channel; pause it after `pause_after` refusals in a row. Returns (failures, paused)."""
    await session.execute(
        update(DailyPost)
        .where(DailyPost.id == delivery.post_id)
        .values(state="failed", lease_until=None, lease_owner=None)
    )
    channel = await session.get(Channel, delivery.channel_id, with_for_update=True)
    assert channel is not None, "a delivery's channel holds its post, and channels are never deleted"
    channel.failures = (channel.failures or 0) + 1
    channel.last_error = reason[:500]
    paused = channel.failures >= pause_after and channel.enabled
    if paused:
        channel.enabled = False
    return channel.failures, paused


async def release(session: AsyncSession, delivery: Delivery) -> None:
    """A passing failure: hand the post back so the next sweep sends it."""
    await session.execute(
        update(DailyPost)
        .where(DailyPost.id == delivery.post_id, DailyPost.state == "sending")
        .values(state="claimed", lease_until=None, lease_owner=None)
    )


def _posts_of(platforms: Sequence[str]):
    return (
        select(DailyPost.id, DailyPost.closes_at)
        .join(Channel, Channel.id == DailyPost.channel_id)
        .join(Workspace, Workspace.id == Channel.workspace_id)
        .where(Workspace.platform.in_(platforms))
        .order_by(DailyPost.closes_at, DailyPost.id)
    )


async def closable(session: AsyncSession, now: datetime, platforms: Sequence[str]) -> list[int]:
    """Posts past their close time, and closed ones whose summary has not gone out yet."""
    rows = await session.execute(
        _posts_of(platforms).where(
            DailyPost.closes_at <= now,
            or_(
                DailyPost.closed_at.is_(None),
                DailyPost.summary_ref.is_(None) & DailyPost.message_ref.is_not(None),
            ),
        )
    )
    return [post_id for post_id, _ in rows.all()]


async def open_posts(session: AsyncSession, platforms: Sequence[str]) -> list[tuple[int, datetime]]:
    rows = await session.execute(_posts_of(platforms).where(DailyPost.closed_at.is_(None)))
    return [(post_id, closes_at) for post_id, closes_at in rows.all()]


async def claim_summary(session: AsyncSession, post_id: int) -> tuple[Place, str] | None:
    """Who publishes the closing summary: the one process whose update marks it."""
    done = cast(
        "CursorResult[Any]",  # an UPDATE's result, which counts its rows
        await session.execute(
            update(DailyPost)
            .where(
                DailyPost.id == post_id, DailyPost.summary_ref.is_(None), DailyPost.message_ref.is_not(None)
            )
            .values(summary_ref="sending")
        ),
    )
    if done.rowcount != 1:
        return None
    post, channel, ws = (
        await session.execute(
            select(DailyPost, Channel, Workspace)
            .join(Channel, Channel.id == DailyPost.channel_id)
            .join(Workspace, Workspace.id == Channel.workspace_id)
            .where(DailyPost.id == post_id)
        )
    ).one()
    assert post.message_ref is not None, "the update above matched this post only with a message_ref"
    return Place(ws.platform, ws.external_id, channel.external_id, ws.name, channel.name), post.message_ref


async def mark_summary(session: AsyncSession, post_id: int, value: str | None) -> None:
    await session.execute(update(DailyPost).where(DailyPost.id == post_id).values(summary_ref=value))
