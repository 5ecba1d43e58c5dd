"""Wording every adapter shares, so a card says the same thing on every platform; adapters add only markup."""

from __future__ import annotations

from collections.abc import Callable

from bot.surface.cards import AppealView, GradeCard

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


def decision(view: AppealView, member: str, whose: str = "their") -> str:
    """What the admin who decided an appeal is told; `member` comes escaped for the platform."""
    own = f" ({whose} own answer: decided as the only admin, and marked so)" if view.self_decided else ""
    if view.state == "accepted":
        return f"Appeal #{view.appeal_id} accepted: {member}'s answer now scores {view.new_score}.{own}"
    return f"Appeal #{view.appeal_id} rejected; the score stays {view.score}.{own}"


def appeal_result(view: AppealView) -> str:
    """Where a decided appeal leaves the answer, as the member who appealed is told it."""
    if view.state == "accepted":
        return f"your answer now scores {view.new_score}/100 and is worth {plural(view.points, 'point')}."
    return f"the score stays {view.score}."


def appeal_outcome(view: AppealView, shown: Callable[[str], str], emphasis: str) -> str:
    """The chat platforms' message to the member who appealed: `shown` escapes their text, `emphasis`
    marks the question."""
    by = shown(view.decided_by or "an admin") + (" (on their own answer)" if view.self_decided else "")
    prompt = f"{emphasis}{shown(view.prompt)}{emphasis}"
    text = f"Your appeal #{view.appeal_id} on {prompt} was {view.state} by {by}: "
    return text + appeal_result(view) + (f"\nNote: {shown(view.note)}" if view.note else "")
