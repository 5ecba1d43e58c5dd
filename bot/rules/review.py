"""Spaced repetition for personal quizzes, on the maintained FSRS scheduler (`fsrs`).

A grade maps to an FSRS rating: below 40 Again, below 60 Hard, below 85 Good, else Easy. Fuzzing is off so
a member's schedule is reproducible (and testable); with one question per quiz, bunching is not a concern.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler

# Quizzes are not flash cards: a minute-long learning step would re-ask at once, so start at hours.
_SCHEDULER = Scheduler(
    learning_steps=(),
    relearning_steps=(),
    enable_fuzzing=False,
)


def rating_for(score: int) -> Rating:
    if score < 40:
        return Rating.Again
    if score < 60:
        return Rating.Hard
    if score < 85:
        return Rating.Good
    return Rating.Easy


def review(card_json: str | None, score: int, when: datetime) -> tuple[str, datetime]:
    """The card after one graded answer, and when the question is next due (aware UTC)."""
    if when.tzinfo is None:
        raise ValueError("review time must be timezone-aware")
    card = Card.from_json(card_json) if card_json else Card(card_id=1, due=when.astimezone(UTC))
    card, _ = _SCHEDULER.review_card(card, rating_for(score), review_datetime=when.astimezone(UTC))
    return card.to_json(), card.due.astimezone(UTC)
