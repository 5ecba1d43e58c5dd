"""`interview-bot schedule list`: every channel's next post and close, in UTC and in its own time."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime

from sqlalchemy import select

from app.settings import get_settings
from bot.rules.calendar import closes_at, describe_weekdays, next_post, zone
from bot.store.db import Database
from bot.store.migrate import ensure_migrated
from bot.store.tables import Channel, Workspace


def register(sub: argparse._SubParsersAction) -> None:
    schedule = sub.add_parser("schedule", help="daily schedules")
    verbs = schedule.add_subparsers(dest="verb", required=True, metavar="VERB")
    listing = verbs.add_parser("list", help="every channel's next post and close time")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.add_argument("--db", help="database URL (default: DATABASE_URL)")
    listing.set_defaults(handler=_list)


async def rows(url: str, now: datetime) -> list[dict]:
    db = Database(url)
    try:
        await ensure_migrated(db.engine)
        async with db.sessions() as session:
            result = await session.execute(
                select(Channel, Workspace)
                .join(Workspace, Workspace.id == Channel.workspace_id)
                .order_by(Workspace.platform, Workspace.external_id, Channel.external_id)
            )
            return [_row(channel, ws, now) for channel, ws in result.all()]
    finally:
        await db.dispose()


def _row(channel: Channel, ws: Workspace, now: datetime) -> dict:
    tz = channel.timezone or ws.timezone
    row = {
        "platform": ws.platform,
        "workspace": ws.name or ws.external_id,
        "channel": channel.name or channel.external_id,
        "enabled": channel.enabled,
        "timezone": tz,
        "post_time": channel.post_time,
        "weekdays": describe_weekdays(channel.weekdays),
        "next_post_utc": None,
        "next_post_local": None,
        "closes_utc": None,
        "closes_local": None,
        "last_error": channel.last_error,
    }
    if channel.enabled:
        day, at = next_post(channel.post_time, channel.weekdays, tz, now, channel.skip_date)
        close = closes_at(day, channel.post_time, channel.weekdays, channel.close_time, tz)
        row |= {
            "next_post_utc": at.isoformat(),
            "next_post_local": at.astimezone(zone(tz)).isoformat(),
            "closes_utc": close.isoformat(),
            "closes_local": close.astimezone(zone(tz)).isoformat(),
        }
    return row


def _list(args: argparse.Namespace) -> int:
    found = asyncio.run(rows(args.db or get_settings().database_url, datetime.now(UTC)))
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    if not found:
        print("No channels yet. A channel appears when an admin runs setup there.")
    for r in found:
        where = f"{r['platform']}/{r['workspace']}/#{r['channel']}"
        if not r["enabled"]:
            print(f"{where}: paused" + (f" ({r['last_error']})" if r["last_error"] else ""))
            continue
        print(
            f"{where}: {r['post_time']} {r['weekdays']} {r['timezone']}; next post "
            f"{_short(r['next_post_local'])} local = {_short(r['next_post_utc'])} UTC, "
            f"closes {_short(r['closes_local'])} local"
        )
    return 0


def _short(iso: str) -> str:
    return iso[:16].replace("T", " ")
