"""Streak arithmetic on local calendar dates; the caller decides whose timezone a day is in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Streak:
    current: int = 0
    best: int = 0
    last: date | None = None  # practice: last day counted; channel: local date of the last answered post


def _bump(streak: Streak, current: int, last: date) -> Streak:
    return Streak(current=current, best=max(streak.best, current), last=last)


def extend_practice(streak: Streak, day: date) -> Streak:
    """A quiz answer on `day`: the next day extends, a gap restarts, an earlier day changes nothing."""
    if streak.last is not None and day <= streak.last:
        return streak
    consecutive = streak.last is not None and day == streak.last + timedelta(days=1)
    return _bump(streak, streak.current + 1 if consecutive else 1, day)


def extend_channel(streak: Streak, post_day: date, previous_post_day: date | None) -> Streak:
    """An answer to the post of `post_day`: consecutive posts extend, whatever the days in between."""
    if streak.last == post_day:
        return streak
    consecutive = previous_post_day is not None and streak.last == previous_post_day
    return _bump(streak, streak.current + 1 if consecutive else 1, post_day)


def practice_current(streak: Streak, today: date) -> int:
    """The streak still alive today: practised today or yesterday (today is not over yet)."""
    if streak.last is None or today - streak.last > timedelta(days=1):
        return 0
    return streak.current
