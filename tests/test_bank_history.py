"""Curation that merges two questions into one keeps every member's history: answers, points, streaks,
boards and review schedule, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import func, select

from bot.bank import Bank, load_bank
from bot.practice.service import PracticeService
from bot.store.db import Database
from bot.store.tables import Answer, DailyPost, QuestionAlias, QuestionRow, Review
from bot.surface.context import Actor, Place
from tests.conftest import Clock, set_up_channel

HOME = Place(platform="console", workspace="team", channel="main", workspace_name="Team")
ADA = Actor(place=HOME, user="ada", display_name="Ada")
BOB = Actor(place=HOME, user="bob", display_name="Bob")
BOSS = Actor(place=HOME, user="boss", display_name="Boss", is_admin=True)
# Ada's own words for the second question, which an admin accepts as correct on appeal.
HER_WORDS = "It keeps painting the same handful of pictures whatever noise you feed it."

QUESTIONS = [
    {
        "id": "team-mode-collapse",
        "prompt": "What is mode collapse in GANs?",
        "answer": "The generator produces only a few kinds of output, so samples lack diversity.",
        "topic": "gans-vaes",
    },
    {
        "id": "team-mode-collapse-2",
        "prompt": "How do we recognise mode collapse when training a GAN?",
        "answer": "Samples from the generator look alike: the generator covers few modes of the data.",
        "topic": "gans-vaes",
    },
]
RUBRIC = {
    "team-mode-collapse": {
        "prompt": "What is mode collapse in GANs, and how do you recognise it?",
        "topic": "gans-vaes",
        "difficulty": "medium",
        "merge": ["team-mode-collapse-2"],
        "points": [
            {"point": "The generator produces only a few kinds of output.", "accept": ["few modes"]},
            "Samples then lack diversity and look alike.",
        ],
    }
}


def bank_folder(root: Path, curated: bool) -> Bank:
    root.mkdir(parents=True, exist_ok=True)
    (root / "team.yaml").write_text(yaml.safe_dump(QUESTIONS), encoding="utf-8")
    if curated:
        (root / "rubric").mkdir(exist_ok=True)
        (root / "rubric" / "team.yaml").write_text(yaml.safe_dump(RUBRIC), encoding="utf-8")
    return load_bank(root, use_cache=False)


async def started(url: str, bank: Bank, clock: Clock) -> PracticeService:
    service = PracticeService(Database(url), bank, clock=clock)
    await service.start()
    return service


async def standing(service: PracticeService) -> tuple:
    stats = await service.stats(ADA, picture=False)
    streak = await service.streak(ADA)
    board = await service.leaderboard(ADA, "all")
    return stats.answers, stats.average, streak, [(r.member, r.points) for r in board.rows]


async def test_history_follows_a_merged_question(migrated_url: str, tmp_path: Path, clock: Clock) -> None:
    before = bank_folder(tmp_path / "v1", curated=False)
    assert {q.id for q in before.questions} == {"team-mode-collapse", "team-mode-collapse-2"}
    service = await started(migrated_url, before, clock)
    await set_up_channel(service, HOME)
    card = await service.daily_post(HOME)
    await service.answer_post(ADA, card.post_id, before.get(card.question_id).answer)
    for _ in range(2):  # both questions, one after the other: a quiz prefers the one not seen yet
        quiz = await service.start_quiz(ADA)
        if quiz.question_id == "team-mode-collapse-2":
            graded = await service.answer_quiz(ADA, quiz.attempt_id, HER_WORDS)
            appeal = await service.appeal(ADA, graded.answer_id, "the same idea in other words")
            await service.decide_appeal(BOSS, appeal.appeal_id, accept=True, score=90)
        else:
            await service.answer_quiz(ADA, quiz.attempt_id, before.get(quiz.question_id).answer)
        clock.advance(hours=1)
    was = await standing(service)
    async with service.db.sessions() as session:
        last = max((await session.scalars(select(Review))).all(), key=lambda r: r.reviewed_at).due_at
    await service.db.dispose()

    after = bank_folder(tmp_path / "v2", curated=True)
    assert [q.id for q in after.questions] == ["team-mode-collapse"]
    assert after.renamed == {"team-mode-collapse-2": "team-mode-collapse"}
    service = await started(migrated_url, after, clock)
    try:
        assert await standing(service) == was
        async with service.db.sessions() as session:
            cards = (await session.scalars(select(Review))).all()
            ids = set(await session.scalars(select(Answer.question_id)))
            posts = set(await session.scalars(select(DailyPost.question_id)))
            retired = await session.get(QuestionRow, "team-mode-collapse-2")
            aliases = set(await session.scalars(select(QuestionAlias.question_id)))
        # One card, the one the member's latest grade scheduled; every answer and post moved with it.
        assert [(c.question_id, c.due_at) for c in cards] == [("team-mode-collapse", last)]
        assert ids == posts == aliases == {"team-mode-collapse"}
        assert retired.retired_at is not None
        # Starting again moves nothing twice.
        await service.sync_questions()
        assert await standing(service) == was
        async with service.db.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Review)) == 1
        # The accepted alternative still grades the merged question for the next member.
        quiz = await service.start_quiz(BOB)
        assert quiz.question_id == "team-mode-collapse"
        assert (await service.answer_quiz(BOB, quiz.attempt_id, HER_WORDS)).verdict == "correct"
    finally:
        await service.db.dispose()
