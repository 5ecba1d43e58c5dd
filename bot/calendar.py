"""Local schedule arithmetic: when a channel's post of a given local day opens and closes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import UserError

DEFAULT_CLOSE_BEFORE_NEXT = timedelta(hours=1)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"Unknown timezone {name!r}; use an IANA name such as Europe/Berlin.") from None


def parse_hhmm(value: str) -> time:
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise UserError(f"Times look like 09:00 (24-hour clock), not {value!r}.") from None


def local_instant(day: date, at: time, tz: str) -> datetime:
    """The UTC instant of a local wall-clock time; a time skipped by DST moves forward with the clock."""
    return datetime.combine(day, at, tzinfo=zone(tz)).astimezone(UTC)


def next_post_day(day: date, weekdays: str) -> date:
    """The next scheduled day after `day` (weekdays are digits, Monday=0)."""
    allowed = {int(d) for d in weekdays} or set(range(7))
    candidate = day + timedelta(days=1)
    while candidate.weekday() not in allowed:
        candidate += timedelta(days=1)
    return candidate


def closes_at(day: date, post_time: str, weekdays: str, close_time: str | None, tz: str) -> datetime:
    """Close at the channel's close time, or by default one hour before the next post."""
    opens = local_instant(day, parse_hhmm(post_time), tz)
    if close_time:
        close = local_instant(day, parse_hhmm(close_time), tz)
        return close if close > opens else local_instant(day + timedelta(days=1), parse_hhmm(close_time), tz)
    following = local_instant(next_post_day(day, weekdays), parse_hhmm(post_time), tz)
    return following - DEFAULT_CLOSE_BEFORE_NEXT


def today_in(tz: str, now: datetime) -> date:
    return now.astimezone(zone(tz)).date()
