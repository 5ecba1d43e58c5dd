"""Leaderboards: periods in the workspace's timezone, ties to who got there first, own rank beyond ten."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.errors import UserError
from bot.practice import boards, directory
from bot.practice.service import PracticeService
from bot.store.tables import Answer, BoardTotal
from bot.surface.context import Actor, Place
from tests.conftest import set_up_channel

PLACE = Place(platform="slack", workspace="T1", channel="C1")


def actor(name: str) -> Actor:
    return Actor(place=PLACE, user=name, display_name=name)


async def give(service: PracticeService, name: str, points: int, at: datetime, channel: bool = False) -> None:
    """Store a counted answer as the service does: these tests are about the board, not the grader."""
    async with service.db.sessions() as session, session.begin():
        ws = await directory.workspace(session, PLACE, at)
        member = await directory.member(session, ws, actor(name), at)
        ch = await directory.channel(session, ws, PLACE, at) if channel else None  # as setup makes it
        answer = Answer(
            workspace_id=ws.id,
            member_id=member.id,
            question_id=service.bank.questions[0].id,
            channel_id=ch.id if ch else None,
            text="t",
            score=points,
            verdict="correct",
            covered=[],
            missed=[],
            feedback="",
            grader_version="test",
            points=points,
            counted=True,
            created_at=at,
        )
        session.add(answer)
        await session.flush()
        await boards.credit(session, answer, ws.timezone)


async def test_week_month_and_all_time(service: PracticeService, clock) -> None:
    clock.now = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # a Wednesday
    await give(service, "old", 500, datetime(2026, 1, 5, tzinfo=UTC))
    await give(service, "month", 300, datetime(2026, 3, 3, tzinfo=UTC))
    await give(service, "week", 100, datetime(2026, 3, 16, 0, 30, tzinfo=UTC))
    names = {}
    for period in ("week", "month", "all"):
        board = await service.leaderboard(actor("week"), period)
        names[period] = [r.member for r in board.rows]
    assert names == {"week": ["week"], "month": ["month", "week"], "all": ["old", "month", "week"]}


async def test_week_starts_monday_in_the_workspace_timezone(service: PracticeService, clock) -> None:
    async with service.db.sessions() as session, session.begin():
        ws = await directory.workspace(session, PLACE, clock())
        ws.timezone = "Pacific/Kiritimati"  # UTC+14
    clock.now = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)
    # Sunday 2026-03-15 11:00 UTC is already Monday 01:00 in Kiritimati: this week there.
    await give(service, "early", 50, datetime(2026, 3, 15, 11, 0, tzinfo=UTC))
    # Sunday 09:00 UTC is Sunday 23:00 there: last week.
    await give(service, "late", 70, datetime(2026, 3, 15, 9, 0, tzinfo=UTC))
    board = await service.leaderboard(actor("early"), "week")
    assert [r.member for r in board.rows] == ["early"]


async def test_ties_go_to_who_got_there_first(service: PracticeService, clock) -> None:
    await give(service, "second", 80, datetime(2026, 3, 2, 9, 5, tzinfo=UTC))
    await give(service, "first", 80, datetime(2026, 3, 2, 9, 1, tzinfo=UTC))
    board = await service.leaderboard(actor("first"), "all")
    assert [(r.rank, r.member) for r in board.rows] == [(1, "first"), (2, "second")]


async def test_own_rank_shown_outside_the_top_ten(service: PracticeService, clock) -> None:
    for i in range(12):
        await give(service, f"m{i:02}", 100 - i, datetime(2026, 3, 2, 9, i, tzinfo=UTC))
    board = await service.leaderboard(actor("m11"), "all")
    assert len(board.rows) == 10 and board.rows[0].member == "m00"
    assert board.me is not None and (board.me.rank, board.me.points) == (12, 89)


async def test_channel_scope_counts_only_that_channel(service: PracticeService) -> None:
    await give(service, "daily", 60, datetime(2026, 3, 2, 9, 0, tzinfo=UTC), channel=True)
    await give(service, "quizzer", 90, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    board = await service.leaderboard(actor("daily"), "all", "channel")
    assert [r.member for r in board.rows] == ["daily"]


@pytest.mark.parametrize(("period", "scope"), [("year", "workspace"), ("week", "galaxy")])
async def test_bad_options_are_clear_errors(service: PracticeService, period: str, scope: str) -> None:
    with pytest.raises(UserError, match="must be one of"):
        await service.leaderboard(actor("ada"), period, scope)


async def test_totals_kept_on_arrival_match_the_answers(service: PracticeService, clock) -> None:
    """Daily answers, quiz answers (one counted per question and day) and an accepted appeal."""
    team = [actor(n) for n in ("ada", "bob", "cy")]
    await set_up_channel(service, PLACE)
    for day in range(3):
        card = await service.daily_post(PLACE)
        for who in team[: day + 1]:
            await service.answer_post(who, card.post_id, "Attention weighs tokens by query and key")
        quiz = await service.start_quiz(team[0], "rag")
        grade = await service.answer_quiz(team[0], quiz.attempt_id, "Retrieval adds documents to the prompt")
        clock.advance(days=1)
    appeal = await service.appeal(team[0], grade.answer_id, "fair")
    await service.decide_appeal(Actor(PLACE, "boss", is_admin=True), appeal.appeal_id, accept=True, score=100)

    async def from_answers(session):
        rows = await session.execute(
            select(Answer.member_id, func.sum(Answer.points), func.count())
            .where(Answer.counted.is_(True))
            .group_by(Answer.member_id)
        )
        return sorted(rows.all())

    async def from_totals(session):
        rows = await session.execute(
            select(BoardTotal.member_id, BoardTotal.points, BoardTotal.answers).where(
                BoardTotal.period == "all", BoardTotal.channel_id == 0
            )
        )
        return sorted(rows.all())

    expected = await service.transaction(from_answers)
    assert len(expected) == 3
    assert await service.transaction(from_totals) == expected
    board = await service.leaderboard(team[2], "all", "channel")
    assert [r.answers for r in board.rows] == [3, 2, 1]  # the channel board counts daily answers only


async def test_a_later_answer_worth_nothing_keeps_the_tie_with_who_got_there_first(
    service: PracticeService,
) -> None:
    await give(service, "first", 80, datetime(2026, 3, 2, 9, 1, tzinfo=UTC))
    await give(service, "second", 80, datetime(2026, 3, 2, 9, 5, tzinfo=UTC))
    await give(service, "first", 0, datetime(2026, 3, 2, 9, 10, tzinfo=UTC))  # an answer graded 0
    for period in ("week", "all"):
        board = await service.leaderboard(actor("second"), period)
        assert [(r.rank, r.member, r.points) for r in board.rows] == [(1, "first", 80), (2, "second", 80)]
        assert board.me.rank == 2


async def test_an_auckland_team_sees_the_new_week_on_monday_morning(service: PracticeService, clock) -> None:
    """The workspace's timezone is set by an admin; week boards start on its Monday, not UTC's."""
    boss = Actor(PLACE, "boss", "Boss", is_admin=True)
    with pytest.raises(UserError, match="Only workspace admins"):
        await service.timezone(actor("ada"), "Pacific/Auckland", workspace=True)
    await give(service, "last-week", 90, datetime(2026, 3, 6, 2, 0, tzinfo=UTC))  # Friday 15:00 in Auckland
    await give(service, "this-week", 40, datetime(2026, 3, 8, 20, 30, tzinfo=UTC))  # Monday 09:30 there
    view = await service.timezone(boss, "Pacific/Auckland", workspace=True)
    assert view.workspace == "Pacific/Auckland"
    clock.now = datetime(2026, 3, 8, 21, 0, tzinfo=UTC)  # Monday 10:00 in Auckland, still Sunday in UTC
    board = await service.leaderboard(actor("ada"), "week")
    assert [r.member for r in board.rows] == ["this-week"]
    alltime = await service.leaderboard(actor("ada"), "all")
    assert [(r.member, r.points) for r in alltime.rows] == [("last-week", 90), ("this-week", 40)]
