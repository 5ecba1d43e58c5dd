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


def local_day(instant: datetime, tz: str) -> date:
    """The calendar date of an instant in an IANA zone: days, not 24-hour spans, so DST cannot split one."""
    if instant.tzinfo is None:
        raise ValueError("local_day needs a timezone-aware instant")
    return instant.astimezone(zone(tz)).date()


DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_WORDS = {"daily": "0123456", "every day": "0123456", "weekdays": "01234", "weekends": "56"}


def parse_weekdays(value: str) -> str:
    """Weekdays as digits (Monday=0) from "mon-fri", "mon,wed,fri", "weekdays", "daily" or "01234"."""
    text = value.strip().lower()
    if text in WEEKDAY_WORDS:
        return WEEKDAY_WORDS[text]
    if text.isdigit() and all(c in "0123456" for c in text):
        return "".join(sorted(set(text)))
    days: set[int] = set()
    for part in filter(None, (p.strip() for p in text.replace(" ", ",").split(","))):
        first, _, last = part.partition("-")
        try:
            start = DAY_NAMES.index(first[:3])
            end = DAY_NAMES.index(last[:3]) if last else start
        except ValueError:
            raise UserError(f"Weekdays look like mon-fri, mon,wed,fri or daily, not {value!r}.") from None
        days.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)])
    if not days:
        raise UserError("Pick at least one weekday (for example mon-fri).")
    return "".join(str(d) for d in sorted(days))


def describe_weekdays(weekdays: str) -> str:
    for word, digits in WEEKDAY_WORDS.items():
        if weekdays == digits and word != "every day":
            return word
    return ",".join(DAY_NAMES[int(d)] for d in weekdays)


def post_days(weekdays: str, start: date):
    """Scheduled local days from `start` on (an endless iterator)."""
    allowed = {int(d) for d in weekdays} or set(range(7))
    day = start
    while True:
        if day.weekday() in allowed:
            yield day
        day += timedelta(days=1)


def next_post(
    post_time: str, weekdays: str, tz: str, after: datetime, skip: date | None = None
) -> tuple[date, datetime]:
    """The first scheduled (local day, UTC instant) at or after `after`, passing over a skipped day."""
    start = after.astimezone(zone(tz)).date() - timedelta(days=1)
    for day in post_days(weekdays, start):
        instant = local_instant(day, parse_hhmm(post_time), tz)
        if instant >= after and day != skip:
            return day, instant
    raise AssertionError("unreachable: post_days is endless")
