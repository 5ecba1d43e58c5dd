"""Wording every adapter shares, so a card says the same thing on every platform; adapters add only markup."""

from __future__ import annotations

from bot.surface.cards import GradeCard

COVERED = "✓ Covered"
MISSED = "○ Missed"
CONTRADICTED = "✗ Contradicted"
REFERENCE = "Reference answer"
TIPS = "Interview tips"
FULL_ANSWER = "Full answer"
PRACTICE_ONLY = "practice only (already counted today)"
CLOSED = "This daily question has closed: its reference answer and the top scores are in the reply to it."
PERIOD_NAMES = {"week": "this week", "month": "this month", "all": "all time"}  # the leaderboard's periods


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def day_streak(days: int) -> str:
    """ "a 3-day streak", "an 8-day streak", "an 11-day streak"."""
    spoken_with_vowel = str(days).startswith("8") or days in (11, 18)
    return f"{'an' if spoken_with_vowel else 'a'} {days}-day streak"


def points(card: GradeCard) -> str:
    return f"+{card.points} points" if card.counted else PRACTICE_ONLY


def streaks(card: GradeCard) -> str:
    parts = []
    if card.practice_streak:
        parts.append(f"practice streak {plural(card.practice_streak, 'day')}")
    if card.channel_streak:
        parts.append(f"daily streak {plural(card.channel_streak, 'day')}")
    return " · ".join(parts)


def point_sections(card: GradeCard) -> list[tuple[str, tuple[str, ...]]]:
    """The judged rubric points, by judgement: covered, missed, contradicted (empty ones left out)."""
    sections = ((COVERED, card.covered), (MISSED, card.missed), (CONTRADICTED, card.contradicted))
    return [(title, items) for title, items in sections if items]
