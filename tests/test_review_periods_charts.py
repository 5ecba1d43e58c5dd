"""Spaced repetition intervals, leaderboard period starts, and the stats picture."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import matplotlib.image
import pytest

from bot.errors import UserError
from bot.rules.periods import ALL_TIME, bucket
from bot.rules.review import review
from bot.surface.charts import StatsPicture, TopicMastery, render_stats_png

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def intervals(scores: list[int]) -> list[float]:
    card, now, gaps = None, T0, []
    for score in scores:
        card, due = review(card, score, now)
        gaps.append((due - now).total_seconds() / 86400)
        now = due
    return gaps


def test_poor_answers_come_back_sooner_and_good_ones_grow() -> None:
    poor, good = intervals([20, 20, 20]), intervals([95, 95, 95])
    assert poor[0] < good[0]
    assert max(poor) <= 1
    assert good[0] < good[1] < good[2]


def test_card_state_round_trips_and_due_is_aware_utc() -> None:
    card, due = review(None, 70, T0)
    again, due2 = review(card, 70, due)
    assert due.tzinfo is not None and due.utcoffset().total_seconds() == 0
    assert due2 > due and isinstance(again, str)


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (datetime(2026, 3, 18, 12, tzinfo=UTC), "UTC", date(2026, 3, 16)),
        # Sunday 22:00 UTC is already Monday in Kiritimati: a new week starts there.
        (datetime(2026, 3, 15, 22, tzinfo=UTC), "Pacific/Kiritimati", date(2026, 3, 16)),
        # Sunday 23:30 UTC on the Berlin spring switch is already Monday 01:30 CEST: a new week.
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), "Europe/Berlin", date(2026, 3, 30)),
        # ... while 21:30 UTC is still Sunday 23:30 CEST, in the week that began Monday Mar 23.
        (datetime(2026, 3, 29, 21, 30, tzinfo=UTC), "Europe/Berlin", date(2026, 3, 23)),
        # Sunday 23:00 local in Pago Pago (UTC-11) is Monday 10:00 UTC: still last week there.
        (datetime(2026, 3, 16, 10, tzinfo=UTC), "Pacific/Pago_Pago", date(2026, 3, 9)),
    ],
)
def test_week_starts_monday_midnight_local(now: datetime, tz: str, expected: date) -> None:
    assert bucket("week", now, tz) == expected


def test_month_and_all_time() -> None:
    now = datetime(2026, 3, 18, 12, tzinfo=UTC)
    assert bucket("month", now, "America/New_York") == date(2026, 3, 1)
    assert bucket("month", datetime(2026, 4, 1, 3, tzinfo=UTC), "America/New_York") == date(2026, 3, 1)
    assert bucket("all", now, "UTC") == ALL_TIME
    with pytest.raises(UserError, match="week, month, all"):
        bucket("fortnight", now, "UTC")


@pytest.mark.parametrize(
    "stats",
    [
        StatsPicture(
            "ada", [(date(2026, 3, 2), 55.0), (date(2026, 3, 9), 80.0)], [TopicMastery("rag", 3, 62.0)]
        ),
        StatsPicture("nobody", [], []),
        StatsPicture("x" * 300, [], [TopicMastery(f"topic-{i}", i + 1, i * 5.0) for i in range(20)]),
    ],
)
def test_stats_picture_is_a_readable_png(stats: StatsPicture) -> None:
    png = render_stats_png(stats)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (500, 900)
