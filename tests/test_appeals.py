"""Appeals through the core, on SQLite and PostgreSQL: rescoring, points, aliases, and who decided."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.errors import UserError
from bot.practice.service import PracticeService, streak_bonus
from bot.store.tables import Appeal, Member
from bot.surface.context import Actor, Place
from tests.conftest import set_up_channel

PLACE = Place("chat", "T1", "C1")
ADA = Actor(PLACE, "ada", "Ada")
BOB = Actor(PLACE, "bob", "Bob")
BOSS = Actor(PLACE, "boss", "Boss", is_admin=True)
OTHER_TEAM_BOSS = Actor(Place("chat", "T2", "C9"), "boss2", "Boss two", is_admin=True)
UNUSUAL = "Think of it like a librarian who hands the writer the right books before the essay starts"


async def quiz_answer(service: PracticeService, actor: Actor, text: str, topic: str = "rag"):
    card = await service.start_quiz(actor, topic)
    return card, await service.answer_quiz(actor, card.attempt_id, text)


async def test_accepted_appeal_rescores_moves_the_board_and_teaches_the_grader(service: PracticeService):
    card, grade = await quiz_answer(service, ADA, UNUSUAL)
    assert grade.score < 90
    appeal = await service.appeal(ADA, grade.answer_id, "An analogy, but it is the right idea")
    assert [a.appeal_id for a in await service.pending_appeals(BOSS)] == [appeal.appeal_id]
    before = (await service.leaderboard(ADA, "all")).me.points
    decided = await service.decide_appeal(BOSS, appeal.appeal_id, accept=True)
    assert (decided.state, decided.new_score, decided.decided_by) == ("accepted", 90, "Boss")
    assert (await service.leaderboard(ADA, "all")).me.points == before + 90 - grade.score
    assert await service.pending_appeals(BOSS) == []
    # The accepted answer is now an alias: the same idea scores well for the next member.
    while True:
        bob_card = await service.start_quiz(BOB, "rag")
        if bob_card.question_id == card.question_id:
            break
        await service.answer_quiz(BOB, bob_card.attempt_id, "Skipping this one for now, sorry")
    bob_grade = await service.answer_quiz(BOB, bob_card.attempt_id, UNUSUAL)
    assert bob_grade.score >= 90 and bob_grade.verdict == "correct"


async def test_rejected_appeal_keeps_the_score_and_who_decided(service: PracticeService):
    _, grade = await quiz_answer(service, ADA, UNUSUAL)
    appeal = await service.appeal(ADA, grade.answer_id, "please")
    decided = await service.decide_appeal(BOSS, appeal.appeal_id, accept=False, note="Misses retrieval")
    assert (decided.state, decided.new_score) == ("rejected", None)
    row = await service.transaction(lambda s: s.scalar(select(Appeal).where(Appeal.id == appeal.appeal_id)))
    boss_id = await service.transaction(
        lambda s: s.scalar(select(Member.id).where(Member.external_id == "boss"))
    )
    assert (row.decided_by, row.note, row.decided_at is not None) == (boss_id, "Misses retrieval", True)
    with pytest.raises(UserError, match="already rejected"):
        await service.decide_appeal(BOSS, appeal.appeal_id, accept=True)


async def test_appeal_rules(service: PracticeService):
    _, grade = await quiz_answer(service, ADA, UNUSUAL)
    with pytest.raises(UserError, match="your own answers"):
        await service.appeal(BOB, grade.answer_id, "mine now")
    with pytest.raises(UserError, match="under 1,000 characters"):
        await service.appeal(ADA, grade.answer_id, "x" * 1001)
    appeal = await service.appeal(ADA, grade.answer_id, "fair?")
    with pytest.raises(UserError, match="already appealed"):
        await service.appeal(ADA, grade.answer_id, "again")
    with pytest.raises(UserError, match="Only workspace admins"):
        await service.decide_appeal(BOB, appeal.appeal_id, accept=True)
    with pytest.raises(UserError, match="Only workspace admins"):
        await service.pending_appeals(BOB)
    with pytest.raises(UserError, match="no appeal"):
        await service.decide_appeal(OTHER_TEAM_BOSS, appeal.appeal_id, accept=True)
    with pytest.raises(UserError, match="0 to 100"):
        await service.decide_appeal(BOSS, appeal.appeal_id, accept=True, score=150)
    assert [a.state for a in await service.pending_appeals(BOSS)] == ["pending"]


async def test_an_admin_cannot_decide_on_their_own_answer_while_another_admin_is_known(
    service: PracticeService,
):
    _, grade = await quiz_answer(service, BOSS, UNUSUAL)
    appeal = await service.appeal(BOSS, grade.answer_id, "mine, and right")
    assert [a.appeal_id for a in await service.pending_appeals(BOSS)] == [
        appeal.appeal_id
    ]  # sole admin so far
    await service.pending_appeals(Actor(PLACE, "chief", "Chief", is_admin=True))  # a second admin shows up
    with pytest.raises(UserError, match="your own answer; another admin"):
        await service.decide_appeal(BOSS, appeal.appeal_id, accept=True, score=100)
    decided = await service.decide_appeal(
        Actor(PLACE, "chief", "Chief", is_admin=True), appeal.appeal_id, True
    )
    assert (decided.state, decided.decided_by, decided.self_decided) == ("accepted", "Chief", False)


async def test_a_sole_admin_deciding_on_their_own_answer_is_marked(service: PracticeService):
    _, grade = await quiz_answer(service, BOSS, UNUSUAL)
    appeal = await service.appeal(BOSS, grade.answer_id, "mine")
    decided = await service.decide_appeal(BOSS, appeal.appeal_id, accept=False, note="fair enough")
    assert (decided.state, decided.decided_by, decided.self_decided) == ("rejected", "Boss", True)
    row = await service.transaction(lambda s: s.get(Appeal, appeal.appeal_id))
    assert row.self_decided is True


async def test_only_an_answer_accepted_as_correct_grades_later_answers(service: PracticeService):
    nonsense = "no clue at all, pass on this one please"
    card, grade = await quiz_answer(service, ADA, nonsense)
    appeal = await service.appeal(ADA, grade.answer_id, "be kind")
    decided = await service.decide_appeal(BOSS, appeal.appeal_id, accept=True, score=30)
    assert decided.new_score == 30 and decided.points == 30
    while True:
        bob_card = await service.start_quiz(BOB, "rag")
        if bob_card.question_id == card.question_id:
            break
        await service.answer_quiz(BOB, bob_card.attempt_id, "Skipping this one for now, sorry")
    assert (await service.answer_quiz(BOB, bob_card.attempt_id, nonsense)).score < 30


async def test_accepting_cannot_lower_a_score(service: PracticeService):
    card = await service.start_quiz(ADA, "rag")
    grade = await service.answer_quiz(ADA, card.attempt_id, service.bank.get(card.question_id).answer)
    assert grade.score > 0  # something to lower
    appeal = await service.appeal(ADA, grade.answer_id, "more please")
    with pytest.raises(UserError, match="cannot lower the score"):
        await service.decide_appeal(BOSS, appeal.appeal_id, accept=True, score=max(grade.score - 1, 0))
    assert [a.state for a in await service.pending_appeals(BOSS)] == ["pending"]


async def test_an_accepted_daily_answer_gets_the_streak_bonus_it_was_denied(service: PracticeService, clock):
    await set_up_channel(service, PLACE)
    for _ in range(3):  # two answered posts, then an answer graded incorrect on the third
        card = await service.daily_post(PLACE)
        text = service.bank.get(card.question_id).answer[:1500]
        graded = await service.answer_post(ADA, card.post_id, text)
        clock.advance(days=1)
    card = await service.daily_post(PLACE)
    wrong = await service.answer_post(ADA, card.post_id, UNUSUAL + " with bananas and rockets")
    assert wrong.verdict == "incorrect" and wrong.points == wrong.score and wrong.channel_streak == 4
    before = (await service.leaderboard(ADA, "all")).me.points
    appeal = await service.appeal(ADA, wrong.answer_id, "an analogy")
    decided = await service.decide_appeal(BOSS, appeal.appeal_id, accept=True, score=85)
    assert decided.points == 85 + streak_bonus(4) and graded.points > graded.score
    assert (await service.leaderboard(ADA, "all")).me.points == before - wrong.points + 85 + streak_bonus(4)
