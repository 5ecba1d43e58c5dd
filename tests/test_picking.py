"""Picking: a channel sees its whole pool before any repeat; a member's quiz prefers the unseen."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.errors import UserError
from bot.events import Actor, Place
from bot.service import PracticeService
from bot.store.db import Database
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
