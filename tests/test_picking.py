"""Picking: a channel sees its whole pool before any repeat; a member's quiz prefers the unseen."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.errors import UserError
from bot.practice.service import PracticeService
from bot.store.db import Database
from bot.store.tables import Review
from bot.surface.context import Actor, Place
from tests.conftest import set_up_channel
from tests.helpers import TOPIC_ANSWERS, yaml_bank

PLACE = Place(platform="discord", workspace="G1", channel="C1")
ADA = Actor(place=PLACE, user="ada", display_name="ada")


@pytest.fixture
async def small(migrated_url: str, tmp_path: Path, clock):
    service = PracticeService(Database(migrated_url), yaml_bank(tmp_path / "q", 4), clock=clock)
    await service.start()
    yield service
    await service.db.dispose()


async def test_daily_question_never_repeats_until_the_pool_is_used_up(small: PracticeService, clock) -> None:
    await set_up_channel(small, PLACE)
    seen = []
    for _ in range(8):
        seen.append((await small.daily_post(PLACE)).question_id)
        clock.advance(days=1)
    assert len(set(seen[:4])) == 4, "the first cycle uses every question once"
    assert set(seen[4:]) == set(seen[:4]) and len(set(seen[4:])) == 4, "then the cycle starts again"
    assert Counter(seen) == Counter({q: 2 for q in seen[:4]})


async def test_quiz_prefers_unseen_then_the_poorly_answered(small: PracticeService, clock) -> None:
    asked = []
    for _ in range(4):
        card = await small.start_quiz(ADA)
        asked.append(card.question_id)
        good = card.question_id != asked[0]
        text = TOPIC_ANSWERS["transformers"] if good else "no idea, something about cats and dogs maybe"
        await small.answer_quiz(ADA, card.attempt_id, text)
        clock.advance(minutes=5)
    assert len(set(asked)) == 4, "every question is seen before any comes back"
    clock.advance(days=2)
    again = await small.start_quiz(ADA)
    assert again.question_id == asked[0], "the poorly answered question is due first"


async def test_unknown_topic_is_a_friendly_error(small: PracticeService) -> None:
    with pytest.raises(UserError, match=r"Unknown topic 'cooking'\. Topics: transformers"):
        await small.start_quiz(ADA, "cooking")


async def test_quiz_answer_counts_once_per_question_and_local_day(
    migrated_url: str, tmp_path: Path, clock
) -> None:
    service = PracticeService(Database(migrated_url), yaml_bank(tmp_path / "one", 1), clock=clock)
    await service.start()
    try:
        first = await service.start_quiz(ADA)
        graded = await service.answer_quiz(ADA, first.attempt_id, TOPIC_ANSWERS["transformers"])
        with pytest.raises(UserError, match="already answered"):
            await service.answer_quiz(ADA, first.attempt_id, TOPIC_ANSWERS["transformers"])
        again = await service.start_quiz(ADA)
        same_day = await service.answer_quiz(ADA, again.attempt_id, TOPIC_ANSWERS["transformers"])
        clock.advance(days=1)
        later = await service.start_quiz(ADA)
        next_day = await service.answer_quiz(ADA, later.attempt_id, TOPIC_ANSWERS["transformers"])
        stranger = await service.start_quiz(Actor(place=PLACE, user="bob", display_name="bob"))
        with pytest.raises(UserError, match="not yours"):
            await service.answer_quiz(ADA, stranger.attempt_id, TOPIC_ANSWERS["transformers"])
    finally:
        await service.db.dispose()
    assert graded.counted and graded.points == graded.score and graded.reference
    assert not same_day.counted and same_day.points == 0
    assert next_day.counted and next_day.practice_streak == 2


async def test_two_weeks_of_quizzes_bring_a_missed_question_back_on_its_due_day(
    migrated_url: str, tmp_path: Path, clock
) -> None:
    """Three quizzes every morning for two weeks, the first one missed: it returns on the day it is due,
    reviews come first, nothing comes back early while new questions remain, and new ones keep coming."""
    service = PracticeService(Database(migrated_url), yaml_bank(tmp_path / "q", 60), clock=clock)
    await service.start()
    start = clock.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    served: list[tuple[int, str, datetime | None]] = []  # (day, question, when it was due, if seen before)
    try:
        for day in range(14):
            clock.now = start + timedelta(days=day)
            for _ in range(3):
                card = await service.start_quiz(ADA)
                due = await service.transaction(
                    lambda s, q=card.question_id: s.scalar(
                        select(Review.due_at).where(Review.question_id == q)
                    )
                )
                served.append((day, card.question_id, due))
                missed = not served[:-1]
                text = (
                    "Something about cats and dogs, I am only guessing"
                    if missed
                    else (service.bank.get(card.question_id).answer)
                )
                await service.answer_quiz(ADA, card.attempt_id, text)
                clock.advance(minutes=10)
    finally:
        await service.db.dispose()
    first = served[0][1]
    assert [day for day, q, _ in served if q == first][:2] == [0, 1], "missed on day 0, due and back on day 1"
    assert served[3][1] == first, "the due review comes before anything new"
    reviews = [(day, due) for day, _, due in served if due is not None]
    assert len(reviews) >= 4
    assert all((start + timedelta(days=day)).date() >= due.date() for day, due in reviews), "never early"
    assert all(any(due is None for d, _, due in served if d == day) for day in range(14)), "new every day"


async def test_a_missed_daily_question_comes_back_in_the_quiz_when_due(small: PracticeService, clock) -> None:
    await set_up_channel(small, PLACE)
    card = await small.daily_post(PLACE)
    await small.answer_post(ADA, card.post_id, "Something about cats and dogs, I am only guessing")
    assert (await small.start_quiz(ADA)).question_id != card.question_id  # not due yet: something new
    clock.advance(days=1)
    assert (await small.start_quiz(ADA)).question_id == card.question_id
