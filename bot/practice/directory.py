"""Find-or-create for workspaces, channels and members, safe when two requests race to create one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.tables import Channel, Member, Workspace
from bot.surface.context import Actor, Place


def insert_for(session: AsyncSession, table: Any):
    """The dialect's INSERT, which knows ON CONFLICT on both SQLite and PostgreSQL."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def channel_tz(channel: Channel, ws: Workspace) -> str:
    """The channel's own clock, else its workspace's: the one its posts and local days follow."""
    return channel.timezone or ws.timezone


def channel_tz_sql():
    """channel_tz in SQL, for queries over many channels joined to their workspace."""
    return func.coalesce(Channel.timezone, Workspace.timezone)


def member_tz(member: Member, ws: Workspace) -> str:
    """The member's own choice, else what their platform says, else the workspace's."""
    return member.chosen_timezone or member.timezone or ws.timezone


async def _get_or_create(session: AsyncSession, model: Any, keys: dict, defaults: dict) -> Any:
    query = select(model).filter_by(**keys)
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        await session.execute(insert_for(session, model).values(**keys, **defaults).on_conflict_do_nothing())
        row = (await session.execute(query)).scalar_one()
    return row


async def workspace(session: AsyncSession, place: Place, now: datetime, timezone: str = "UTC") -> Workspace:
    row = await _get_or_create(
        session,
        Workspace,
        {"platform": place.platform, "external_id": place.workspace},
        {"name": place.workspace_name, "timezone": timezone, "settings": {}, "created_at": now},
    )
    if place.workspace_name and row.name != place.workspace_name:
        row.name = place.workspace_name
    return row


CHANNEL_DEFAULTS = {
    "enabled": True,
    "post_time": "09:00",
    "weekdays": "0123456",
    "topics": [],
    "reveal_policy": "after_close",
    "failures": 0,
}


async def find_channel(session: AsyncSession, ws: Workspace, place: Place) -> Channel | None:
    """The channel's row if an admin has set it up; reading never creates one (a row is a posting channel)."""
    if place.channel is None:
        raise ValueError("this action needs a channel")
    row = await session.scalar(
        select(Channel).where(Channel.workspace_id == ws.id, Channel.external_id == place.channel)
    )
    if row is not None and place.channel_name and row.name != place.channel_name:
        row.name = place.channel_name
    return row


def unsaved_channel(ws: Workspace, place: Place, now: datetime) -> Channel:
    """What setup would start from, without storing it (the setup form's defaults, a status)."""
    return Channel(
        workspace_id=ws.id,
        external_id=place.channel,
        name=place.channel_name,
        created_at=now,
        **CHANNEL_DEFAULTS,
    )


async def channel(session: AsyncSession, ws: Workspace, place: Place, now: datetime) -> Channel:
    """Find or create: only an admin's setup calls this, so only setup switches posting on."""
    row = await find_channel(session, ws, place)
    if row is None:
        row = await _get_or_create(
            session,
            Channel,
            {"workspace_id": ws.id, "external_id": place.channel},
            {"name": place.channel_name, "created_at": now, **CHANNEL_DEFAULTS},
        )
    return row


async def member(session: AsyncSession, ws: Workspace, actor: Actor, now: datetime) -> Member:
    row = await _get_or_create(
        session,
        Member,
        {"workspace_id": ws.id, "external_id": actor.user},
        {"display_name": actor.display_name, "timezone": actor.timezone, "created_at": now},
    )
    if actor.display_name and row.display_name != actor.display_name:
        row.display_name = actor.display_name
    if actor.timezone and row.timezone != actor.timezone:
        row.timezone = actor.timezone
    if row.admin_seen_at is None and (actor.is_admin or actor.user in (ws.settings or {}).get("admins", [])):
        row.admin_seen_at = now  # appeals: another known admin rules out deciding on one's own answer
    return row
