"""The service with an LLM judge configured: its grade is stored with the rubric's beside it, a judge that
wants more than the rubric's evidence allows is bounded and listed for admins, and a failing judge
changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.bank import Bank
from bot.errors import UserError
from bot.grading import GRADER_VERSION, grade_question
from bot.grading.judge import JUDGE_VERSION, Judge, JudgeConfig
from bot.practice.service import PracticeService
from bot.store import migrate
from bot.store.db import Database
from bot.store.tables import Answer
from bot.surface.context import Actor, Place
from tests.conftest import set_up_channel

PLACE = Place("chat", "T1", "C1")
ADA = Actor(PLACE, "ada", "Ada")
ADMIN = Actor(PLACE, "root", "Root", is_admin=True)
OFF_TOPIC = "Merge sort splits the list in halves, sorts each half and merges them back in order."


async def judged_service(url: str, migrated_url: str, bank: Bank, clock) -> PracticeService:
    judge = Judge(JudgeConfig(url=url, model="stand-in"))
    service = PracticeService(Database(migrated_url), bank, clock=clock, judge=judge)
    await service.start()
    return service


def stored(service: PracticeService):
    return service.transaction(
        lambda s: s.execute(
            select(
                Answer.grader_version, Answer.score, Answer.rubric_score, Answer.judge_score, Answer.disputed
            ).order_by(Answer.id)
        )
    )


async def test_quiz_and_daily_answers_are_graded_by_the_judge(stand_in, migrated_url, bank, clock):
    server, url = stand_in
    service = await judged_service(url, migrated_url, bank, clock)
    try:
        quiz = await service.start_quiz(ADA, "rag")
        grade = await service.answer_quiz(ADA, quiz.attempt_id, bank.get(quiz.question_id).answer)
        await set_up_channel(service, PLACE)
        post = await service.daily_post(PLACE)
        daily = await service.answer_post(ADA, post.post_id, bank.get(post.question_id).answer)
        rows = (await stored(service)).all()
    finally:
        await service.close()
    # The references themselves: the rubric finds them correct, so the judge's 88 stands, undisputed.
    builtin = [
        grade_question(bank.get(q), bank.get(q).answer).score for q in (quiz.question_id, post.question_id)
    ]
    assert min(builtin) >= 80 and (grade.score, grade.verdict, daily.score) == (88, "correct", 88)
    assert [tuple(r) for r in rows] == [(JUDGE_VERSION, 88, b, 88, False) for b in builtin]
    assert len(server.calls) == 2 and "<answer>" in server.calls[0]["body"]["messages"][1]["content"]


async def test_a_judge_that_lifts_an_off_question_answer_is_bounded_and_listed(
    stand_in,
    migrated_url,
    bank,
    clock,
):
    server, url = stand_in
    service = await judged_service(url, migrated_url, bank, clock)
    try:
        quiz = await service.start_quiz(ADA, "rag")
        grade = await service.answer_quiz(ADA, quiz.attempt_id, OFF_TOPIC)
        (version, score, rubric_score, judge_score, disputed), *_ = (await stored(service)).all()
        listed = await service.disputed_grades(ADMIN)
        with pytest.raises(UserError):
            await service.disputed_grades(ADA)
    finally:
        await service.close()
    assert len(server.calls) == 1  # the judge said 88 ...
    assert (
        grade.verdict == "incorrect" and score == rubric_score == grade.score < 50
    )  # ... the member did not get it
    assert (version, judge_score, disputed) == (JUDGE_VERSION, 88, True)
    assert [(d.member, d.question_id, d.score, d.rubric_score, d.judge_score) for d in listed] == [
        ("Ada", quiz.question_id, grade.score, grade.score, 88)
    ]
    assert listed[0].answer == OFF_TOPIC


async def test_a_repeated_daily_answer_costs_no_second_judge_call(stand_in, migrated_url, bank, clock):
    # Slack and Discord redeliver, members double-click: the judge is paid per call.
    server, url = stand_in
    service = await judged_service(url, migrated_url, bank, clock)
    try:
        await set_up_channel(service, PLACE)
        post = await service.daily_post(PLACE)
        answer = bank.get(post.question_id).answer
        await service.answer_post(ADA, post.post_id, answer)
        with pytest.raises(UserError, match="already answered"):
            await service.answer_post(ADA, post.post_id, answer)
    finally:
        await service.close()
    assert len(server.calls) == 1


async def test_a_failing_judge_falls_back_to_the_built_in_grade(stand_in, migrated_url, bank, clock):
    server, url = stand_in
    server.mode = "500"
    service = await judged_service(url, migrated_url, bank, clock)
    try:
        quiz = await service.start_quiz(ADA, "rag")
        grade = await service.answer_quiz(ADA, quiz.attempt_id, bank.get(quiz.question_id).answer)
        rows = (await stored(service)).all()
    finally:
        await service.close()
    builtin = grade_question(bank.get(quiz.question_id), bank.get(quiz.question_id).answer).score
    assert grade.score == builtin and [tuple(r) for r in rows] == [
        (GRADER_VERSION, builtin, None, None, False)
    ]


async def test_the_judgement_columns_migrate_down_and_up_keeping_every_answer(
    stand_in,
    migrated_url,
    bank,
    clock,
):
    _, url = stand_in
    service = await judged_service(url, migrated_url, bank, clock)
    quiz = await service.start_quiz(ADA, "rag")
    grade = await service.answer_quiz(ADA, quiz.attempt_id, OFF_TOPIC)
    await service.close()
    migrate.downgrade(migrated_url, "0005")  # a rollback to the release before grade judgements
    migrate.upgrade(migrated_url)
    service = await judged_service(url, migrated_url, bank, clock)
    try:
        rows = (await stored(service)).all()
        contradicted = await service.transaction(lambda s: s.scalar(select(Answer.contradicted)))
        listed = await service.disputed_grades(ADMIN)
    finally:
        await service.close()
    # The answer and its score survive; what the older release could not keep starts empty, not wrong.
    assert [tuple(r) for r in rows] == [(JUDGE_VERSION, grade.score, None, None, False)]
    assert contradicted == [] and listed == []
