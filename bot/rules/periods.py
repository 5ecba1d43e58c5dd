"""Leaderboard periods on the workspace's wall clock (weeks start Monday), as local first days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.errors import UserError
from bot.rules.calendar import zone

PERIODS = ("week", "month", "all")
ALL_TIME = date(1970, 1, 1)  # the single bucket of the all-time board


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def bucket(period: str, instant: datetime, tz: str) -> date:
    """The first local day of the period that contains `instant`."""
    if period not in PERIODS:
        raise UserError(f"Period must be one of: {', '.join(PERIODS)}.")
    if period == "all":
        return ALL_TIME
    day = instant.astimezone(zone(tz)).date()
    return week_start(day) if period == "week" else day.replace(day=1)
