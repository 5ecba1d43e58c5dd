"""Find-or-create for workspaces, channels and members, safe when two requests race to create one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Actor, Place
from bot.store.tables import Channel, Member, Workspace


def insert_for(session: AsyncSession, table: Any):
    """The dialect's INSERT, which knows ON CONFLICT on both SQLite and PostgreSQL."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


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


async def channel(session: AsyncSession, ws: Workspace, place: Place, now: datetime) -> Channel:
    if place.channel is None:
        raise ValueError("this action needs a channel")
    row = await _get_or_create(
        session,
        Channel,
        {"workspace_id": ws.id, "external_id": place.channel},
        {
            "name": place.channel_name,
            "enabled": True,
            "post_time": "09:00",
            "weekdays": "0123456",
            "topics": [],
            "reveal_policy": "after_close",
            "failures": 0,
            "created_at": now,
        },
    )
    if place.channel_name and row.name != place.channel_name:
        row.name = place.channel_name
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
    return row
