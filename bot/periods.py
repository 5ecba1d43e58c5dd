"""Leaderboard periods, computed on the workspace's wall clock (weeks start Monday)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.calendar import zone
from bot.errors import UserError

PERIODS = ("week", "month", "all")


def period_start(period: str, now: datetime, tz: str) -> datetime | None:
    """The start of the current period as an aware UTC instant; None for all time."""
    if period not in PERIODS:
        raise UserError(f"Period must be one of: {', '.join(PERIODS)}.")
    if period == "all":
        return None
    today = now.astimezone(zone(tz)).date()
    first = today - timedelta(days=today.weekday()) if period == "week" else today.replace(day=1)
    return datetime.combine(first, time(0), tzinfo=zone(tz)).astimezone(UTC)
