"""The service with an LLM judge configured: its grade is stored, and a failing judge changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.bank import Bank
from bot.errors import UserError
from bot.events import Actor, Place
from bot.grading.judge import JUDGE_VERSION, Judge, JudgeConfig
from bot.service import PracticeService
from bot.store.db import Database
from bot.store.tables import Answer
from tests.conftest import set_up_channel
from tests.test_grading_judge import stand_in  # noqa: F401  (the local stand-in endpoint fixture)

ADA = Actor(Place("chat", "T1", "C1"), "ada", "Ada")
ANSWER = "Retrieval augmented generation fetches relevant documents and adds them to the prompt"


async def judged_service(url: str, migrated_url: str, bank: Bank, clock) -> PracticeService:
    judge = Judge(JudgeConfig(url=url, model="stand-in"))
    service = PracticeService(Database(migrated_url), bank, clock=clock, judge=judge)
    await service.start()
    return service


async def test_quiz_and_daily_answers_are_graded_by_the_judge(stand_in, migrated_url, bank, clock):  # noqa: F811
    server, url = stand_in
    service = await judged_service(url, migrated_url, bank, clock)
    try:
        quiz = await service.start_quiz(ADA, "rag")
        grade = await service.answer_quiz(ADA, quiz.attempt_id, ANSWER)
        await set_up_channel(service, ADA.place)
        post = await service.daily_post(ADA.place)
        daily = await service.answer_post(ADA, post.post_id, ANSWER)
        versions = await service.transaction(lambda s: s.scalars(select(Answer.grader_version)))
    finally:
        await service.close()
    assert (grade.score, grade.verdict, daily.score) == (88, "correct", 88)
    assert set(versions.all()) == {JUDGE_VERSION}
    assert len(server.requests) == 2 and "<answer>" in server.requests[0]["body"]["messages"][1]["content"]


async def test_a_repeated_daily_answer_costs_no_second_judge_call(stand_in, migrated_url, bank, clock):  # noqa: F811
    # Slack and Discord redeliver, members double-click: the judge is paid per call.
    server, url = stand_in
    service = await judged_service(url, migrated_url, bank, clock)
    try:
        await set_up_channel(service, ADA.place)
        post = await service.daily_post(ADA.place)
        await service.answer_post(ADA, post.post_id, ANSWER)
        with pytest.raises(UserError, match="already answered"):
            await service.answer_post(ADA, post.post_id, ANSWER)
    finally:
        await service.close()
    assert len(server.requests) == 1


async def test_a_failing_judge_falls_back_to_the_built_in_grade(stand_in, migrated_url, bank, clock):  # noqa: F811
    server, url = stand_in
    server.mode = "500"
    service = await judged_service(url, migrated_url, bank, clock)
    try:
        quiz = await service.start_quiz(ADA, "rag")
        grade = await service.answer_quiz(ADA, quiz.attempt_id, ANSWER)
        stored = await service.transaction(lambda s: s.scalar(select(Answer.grader_version)))
    finally:
        await service.close()
    assert grade.score != 88 and stored.startswith("light-")
