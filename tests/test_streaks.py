"""Streak arithmetic: local days (DST, UTC+14, UTC-12), gaps, repeats, schedules with days off."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.calendar import local_day
from bot.rules.streaks import Streak, extend_channel, extend_practice, practice_current


def run(days: list[date]) -> Streak:
    streak = Streak()
    for day in days:
        streak = extend_practice(streak, day)
    return streak


def test_consecutive_days_gap_and_same_day_repeat() -> None:
    d = date(2026, 3, 1)
    assert run([d, d + timedelta(1), d + timedelta(1), d + timedelta(2)]).current == 3
    gapped = run([d, d + timedelta(1), d + timedelta(3)])
    assert (gapped.current, gapped.best) == (1, 2)


def test_late_delivery_for_an_earlier_day_changes_nothing() -> None:
    streak = run([date(2026, 3, 1), date(2026, 3, 2)])
    assert extend_practice(streak, date(2026, 2, 27)) == streak


@pytest.mark.parametrize(
    ("tz", "spring", "autumn"),
    [
        ("Europe/Berlin", date(2026, 3, 29), date(2026, 10, 25)),
        ("America/New_York", date(2026, 3, 8), date(2026, 11, 1)),
    ],
)
def test_answers_late_in_the_evening_across_dst_switches_keep_the_streak(
    tz: str, spring: date, autumn: date
) -> None:
    from zoneinfo import ZoneInfo

    for switch in (spring, autumn):
        days = []
        for offset in (-1, 0, 1):
            local = datetime.combine(switch + timedelta(offset), datetime.min.time(), ZoneInfo(tz)).replace(
                hour=23, minute=30
            )
            days.append(local_day(local.astimezone(UTC), tz))
        assert days == [switch - timedelta(1), switch, switch + timedelta(1)]
        assert run(days).current == 3


def test_far_timezones_put_one_instant_on_different_days() -> None:
    instant = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
    assert local_day(instant, "Pacific/Kiritimati") == date(2026, 3, 2)
    assert local_day(instant, "Etc/GMT+12") == date(2026, 2, 28)
    assert local_day(instant, "Pacific/Pago_Pago") == date(2026, 3, 1)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError):
        local_day(datetime(2026, 3, 1, 11, 0), "UTC")


def test_weekend_without_posts_does_not_break_the_channel_streak() -> None:
    friday, monday = date(2026, 3, 6), date(2026, 3, 9)
    streak = Streak(current=4, best=4, last=friday)
    assert extend_channel(streak, monday, previous_post_day=friday).current == 5
    assert extend_channel(streak, monday, previous_post_day=friday) == extend_channel(
        extend_channel(streak, monday, friday), monday, friday
    ), "answering the same post twice is idempotent"
    missed = Streak(current=4, best=4, last=date(2026, 3, 5))
    assert extend_channel(missed, monday, previous_post_day=friday) == Streak(1, 4, monday)


def test_displayed_practice_streak_survives_today_but_not_a_missed_day() -> None:
    streak = run([date(2026, 3, 1), date(2026, 3, 2)])
    assert practice_current(streak, date(2026, 3, 3)) == 2
    assert practice_current(streak, date(2026, 3, 4)) == 0


@given(st.lists(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), max_size=40))
def test_streak_is_the_trailing_run_of_consecutive_days(days: list[date]) -> None:
    days = sorted(set(days))
    streak = run(days)
    trailing = 0
    for i in range(len(days) - 1, -1, -1):
        if i == len(days) - 1 or days[i + 1] - days[i] == timedelta(days=1):
            trailing += 1
        else:
            break
    assert streak.current == trailing
    assert streak.best >= streak.current
