"""Daily posts and their answers: claimed once, counted once, streaks kept, closing settles them."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adapters.console.app import PLACE as CONSOLE
from adapters.console.app import ConsoleSession
from bot.errors import UserError
from bot.practice.service import PracticeService, streak_bonus
from bot.store.tables import Answer, ChannelStreak, DailyPost
from bot.surface.context import Actor, Place
from tests.conftest import set_up_channel

TEAM = Place(platform="slack", workspace="T1", channel="C1", workspace_name="Team")


@pytest.fixture(autouse=True)
async def team_channel(service: PracticeService) -> None:
    await set_up_channel(service, TEAM)


def member(name: str, place: Place = TEAM) -> Actor:
    return Actor(place=place, user=f"U-{name}", display_name=name)


def good_answer(service: PracticeService, question_id: str) -> str:
    """The reference's own words: whatever the grader's details, this must not score as incorrect."""
    return service.bank.get(question_id).answer[:1500]


async def test_daily_post_is_claimed_once_even_when_raced(service: PracticeService) -> None:
    cards = await asyncio.gather(*(service.daily_post(TEAM) for _ in range(5)))
    assert len({c.post_id for c in cards}) == 1
    async with service.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DailyPost)) == 1


async def test_answer_is_graded_stored_and_counted_once(service: PracticeService) -> None:
    card = await service.daily_post(TEAM)
    ada = member("ada")
    grade = await service.answer_post(ada, card.post_id, good_answer(service, card.question_id))
    assert grade.verdict != "incorrect" and grade.covered
    assert grade.reference is None  # the default reveal policy waits for the close
    with pytest.raises(UserError, match="already answered"):
        await service.answer_post(ada, card.post_id, "a second, different attempt at the answer")
    async with service.db.sessions() as session:
        rows = (await session.scalars(select(Answer))).all()
    assert [(r.counted, r.score) for r in rows] == [(True, grade.score)]
    assert rows[0].grader_version and (await service.daily_post(TEAM)).answered == 1


@pytest.mark.parametrize("text", ["", "   ", "word", "x" * 5000])
async def test_bad_answers_are_refused_and_change_nothing(service: PracticeService, text: str) -> None:
    card = await service.daily_post(TEAM)
    with pytest.raises(UserError):
        await service.answer_post(member("ada"), card.post_id, text)
    async with service.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Answer)) == 0


async def test_same_member_submitting_twice_at_once_counts_once(service: PracticeService) -> None:
    card = await service.daily_post(TEAM)
    ada = member("ada")
    text = good_answer(service, card.question_id)
    results = await asyncio.gather(
        service.answer_post(ada, card.post_id, text),
        service.answer_post(ada, card.post_id, text + " again"),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], UserError) and "already answered" in str(errors[0])
    async with service.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Answer)) == 1


async def test_two_hundred_members_answer_the_same_post_concurrently(service: PracticeService) -> None:
    card = await service.daily_post(TEAM)
    text = good_answer(service, card.question_id)
    members = [member(f"m{i:03}") for i in range(200)]
    await asyncio.gather(*(service.answer_post(m, card.post_id, text) for m in members))
    async with service.db.sessions() as session:
        counted = await session.scalar(select(func.count()).where(Answer.counted.is_(True)))
        streaks = (await session.scalars(select(ChannelStreak))).all()
    assert counted == 200
    assert len(streaks) == 200 and {s.current for s in streaks} == {1}
    assert (await service.daily_post(TEAM)).answered == 200


async def test_channel_streak_grows_skips_weekends_and_settles_on_close(
    service: PracticeService, clock
) -> None:
    ada, bob = member("ada"), member("bob")
    # Monday-to-Friday schedule: the weekend has no post and must not break the streak.
    async with service.db.sessions() as session, session.begin():
        from bot.practice import directory

        ws = await directory.workspace(session, TEAM, clock())
        channel = await directory.channel(session, ws, TEAM, clock())
        channel.weekdays = "01234"
    streaks = []
    for day in range(5):  # Mon..Fri
        card = await service.daily_post(TEAM)
        grade = await service.answer_post(ada, card.post_id, good_answer(service, card.question_id))
        streaks.append(grade.channel_streak)
        if day == 0:
            await service.answer_post(bob, card.post_id, good_answer(service, card.question_id))
        await service.close_post(card.post_id)
        clock.advance(days=3 if day == 4 else 1)
    card = await service.daily_post(TEAM)  # next Monday
    grade = await service.answer_post(ada, card.post_id, good_answer(service, card.question_id))
    assert [*streaks, grade.channel_streak] == [1, 2, 3, 4, 5, 6]
    assert grade.points == grade.score + streak_bonus(6)
    view = await service.streak(bob)
    assert (view.channel_current, view.channel_best) == (0, 1)


async def test_closed_post_refuses_answers_and_reveals_the_reference(service: PracticeService, clock) -> None:
    card = await service.daily_post(TEAM)
    await service.answer_post(member("ada"), card.post_id, good_answer(service, card.question_id))
    summary = await service.close_post(card.post_id)
    again = await service.close_post(card.post_id)
    assert summary.reference == service.bank.get(card.question_id).answer
    assert summary.answered == 1 and summary.top[0].member == "ada"
    assert again == summary
    with pytest.raises(UserError, match="closed"):
        await service.answer_post(member("bob"), card.post_id, "attention lets tokens look at each other")


async def test_a_post_from_another_workspace_is_not_answerable(service: PracticeService) -> None:
    card = await service.daily_post(TEAM)
    stranger = member("eve", Place(platform="slack", workspace="T2", channel="C9"))
    with pytest.raises(UserError, match="does not exist"):
        await service.answer_post(stranger, card.post_id, "some answer with words")


@pytest.mark.parametrize("text", ["I do not know", "🤷 🤷 🤷", "no idea, sorry, pass"])
async def test_a_non_answer_keeps_no_streak_alive(service: PracticeService, clock, text: str) -> None:
    ada = member("ada")
    card = await service.daily_post(TEAM)
    await service.answer_post(ada, card.post_id, good_answer(service, card.question_id))
    quiz = await service.start_quiz(ada, "rag")
    await service.answer_quiz(ada, quiz.attempt_id, "Retrieval adds relevant documents to the prompt")
    await service.close_post(card.post_id)
    clock.advance(days=1)
    card = await service.daily_post(TEAM)
    daily = await service.answer_post(ada, card.post_id, text)
    quiz = await service.start_quiz(ada, "rag")
    practice = await service.answer_quiz(ada, quiz.attempt_id, text)
    assert (daily.score, daily.channel_streak, practice.practice_streak) == (
        0,
        1,
        1,
    )  # yesterday's, unextended
    await service.close_post(card.post_id)
    clock.advance(days=1)
    view = await service.streak(ada)
    assert (view.channel_current, view.practice_current) == (0, 0)


async def test_skip_can_be_undone_and_status_says_what_is_skipped(service: PracticeService) -> None:
    boss = Actor(TEAM, "boss", "Boss", is_admin=True)
    skipped = await service.skip_next(boss)  # Monday 10:00: today's 09:00 post is past, so Tuesday's
    assert skipped.skip_date == "2026-03-03"
    with pytest.raises(UserError, match="already skipped; resume undoes"):
        await service.skip_next(boss)
    resumed = await service.resume_channel(boss)
    assert resumed.skip_date is None and "Tue 2026-03-03 09:00" in resumed.next_post_local


async def console_says(service: PracticeService, *lines: str) -> str:
    """The console app itself, in-process, on the service's injected clock."""
    out = io.StringIO()
    session = ConsoleSession(service, Actor(CONSOLE, "ada", "ada", is_admin=True), out, Path("unused"))
    for line in lines:
        await session.handle(line)
    return out.getvalue()


async def test_console_daily_on_a_paused_channel_a_skipped_day_or_a_day_off_creates_nothing(
    service: PracticeService, clock
) -> None:
    assert "not set up in this channel" in await console_says(service, "/daily")
    said = await console_says(service, "/setup weekdays=mon-fri", "/pause", "/daily")
    assert "paused here; an admin's resume starts it again" in said
    clock.now = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # Tuesday, before its post
    said = await console_says(service, "/resume", "/skip", "/status", "/daily")
    assert "skipping the post of 2026-03-03 (/resume undoes it)" in said
    assert "Today's daily question is skipped here" in said
    clock.now = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)  # Saturday
    said = await console_says(service, "/daily")
    assert (
        "no daily question here on Saturdays (it posts weekdays); the next one is on Mon 2026-03-09" in said
    )
    async with service.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DailyPost)) == 0
    clock.now = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)  # Monday: a scheduled day
    assert "Daily question ·" in await console_says(service, "/daily")
