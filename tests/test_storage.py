"""Migrations on both backends, the un-migrated start, and the questions table following the bank."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import inspect, select, text

from bot.bank import Bank, load_bank
from bot.practice.service import PracticeService
from bot.store import migrate
from bot.store.db import Database
from bot.store.migrate import NotMigrated
from bot.store.tables import Answer, BoardTotal, QuestionRow

TABLES = {
    "workspaces",
    "channels",
    "members",
    "questions",
    "daily_posts",
    "quiz_attempts",
    "answers",
    "reviews",
    "practice_streaks",
    "channel_streaks",
    "appeals",
    "question_aliases",
    "board_totals",
    "slack_bots",
    "slack_installations",
    "slack_oauth_states",
}


async def _tables(url: str) -> set[str]:
    db = Database(url)
    async with db.engine.connect() as conn:
        names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await db.dispose()
    return names


async def test_upgrade_from_empty_and_downgrade_to_base(db_url: str) -> None:
    migrate.upgrade(db_url)
    assert await _tables(db_url) >= TABLES
    migrate.downgrade(db_url, "base")
    assert not (TABLES & await _tables(db_url))
    migrate.upgrade(db_url)
    assert await _tables(db_url) >= TABLES


async def test_unmigrated_database_says_what_to_run(db_url: str, bank: Bank) -> None:
    service = PracticeService(Database(db_url), bank)
    with pytest.raises(NotMigrated, match="interview-bot db upgrade"):
        await service.start()
    await service.db.dispose()


def _yaml_bank(directory: Path, prompts: list[str]) -> Bank:
    entries = [
        {
            "prompt": p,
            "answer": f"{p} is answered by a long enough reference answer about attention and tokens.",
            "topic": "fundamentals",
            "difficulty": "easy",
        }
        for p in prompts
    ]
    (directory / "team.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    return load_bank(directory, use_cache=False)


async def test_question_that_leaves_the_bank_is_retired_not_deleted(
    migrated_url: str, tmp_path: Path, clock
) -> None:
    bank_dir = tmp_path / "questions"
    bank_dir.mkdir()
    both = _yaml_bank(bank_dir, ["What is a token?", "What is a context window?"])
    service = PracticeService(Database(migrated_url), both, clock=clock)
    await service.start()
    gone, kept = both.questions[0].id, both.questions[1].id
    bank_dir.joinpath("team.yaml").unlink()
    service.bank = _yaml_bank(bank_dir, [both.questions[1].prompt])
    clock.advance(minutes=1)
    await service.sync_questions()
    async with service.db.sessions() as session:
        rows = {r.id: r for r in (await session.scalars(select(QuestionRow))).all()}
    await service.db.dispose()
    assert rows[gone].retired_at is not None
    assert rows[kept].retired_at is None


async def test_totals_migration_backfills_answers_counted_before_it(db_url: str, bank: Bank) -> None:
    migrate.upgrade(db_url, "0002")
    db = Database(db_url)
    berlin_sunday_night = "2026-03-15 23:30:00"  # Monday 00:30 in Berlin: next week's board there
    async with db.engine.begin() as conn:
        for sql in (
            "INSERT INTO workspaces (id, platform, external_id, name, timezone, settings, created_at)"
            " VALUES (1, 'slack', 'T1', '', 'Europe/Berlin', '{}', '2026-03-01 00:00:00')",
            "INSERT INTO members (id, workspace_id, external_id, display_name, created_at)"
            " VALUES (1, 1, 'U1', 'ada', '2026-03-01 00:00:00')",
            "INSERT INTO questions (id, prompt, topic, difficulty, kind, synced_at)"
            " VALUES ('q1', 'What?', 'llms', 'easy', 'concept', '2026-03-01 00:00:00')",
        ):
            await conn.execute(text(sql))
        for points, counted, at in [
            (40, "TRUE", "2026-03-10 12:00:00"),
            (30, "TRUE", berlin_sunday_night),
            (99, "FALSE", berlin_sunday_night),
        ]:
            await conn.execute(
                text(
                    "INSERT INTO answers (workspace_id, member_id, question_id, text, score, verdict,"
                    " covered, missed, feedback, grader_version, points, counted, created_at)"
                    f" VALUES (1, 1, 'q1', 't', {points}, 'partial', '[]', '[]', '', 'x', {points},"
                    f" {counted}, '{at}')"
                )
            )
    await db.dispose()
    migrate.upgrade(db_url)
    db = Database(db_url)
    async with db.sessions() as session:
        rows = await session.execute(
            select(BoardTotal.period, BoardTotal.starts, BoardTotal.points, BoardTotal.answers)
            .where(BoardTotal.channel_id == 0)
            .order_by(BoardTotal.period, BoardTotal.starts)
        )
        found = [(period, starts.isoformat(), points, n) for period, starts, points, n in rows.all()]
    await db.dispose()
    assert found == [
        ("all", "1970-01-01", 70, 2),
        ("month", "2026-03-01", 70, 2),
        ("week", "2026-03-09", 40, 1),
        ("week", "2026-03-16", 30, 1),
    ]


async def test_fairness_migration_backfills_streak_bonuses_and_tie_times(db_url: str) -> None:
    """0004 on populated data: each daily answer's streak bonus is replayed from the channel's posts, and a
    board's `reached` is the last answer that earned points; down and up again keeps working."""
    migrate.upgrade(db_url, "0002")
    db = Database(db_url)
    async with db.engine.begin() as conn:
        for sql in (
            "INSERT INTO workspaces (id, platform, external_id, name, timezone, settings, created_at)"
            " VALUES (1, 'slack', 'T1', '', 'UTC', '{}', '2026-03-01 00:00:00')",
            "INSERT INTO members (id, workspace_id, external_id, display_name, created_at)"
            " VALUES (1, 1, 'U1', 'ada', '2026-03-01 00:00:00')",
            "INSERT INTO questions (id, prompt, topic, difficulty, kind, synced_at)"
            " VALUES ('q1', 'What?', 'llms', 'easy', 'concept', '2026-03-01 00:00:00')",
            "INSERT INTO channels (id, workspace_id, external_id, name, enabled, post_time, weekdays, topics,"
            " reveal_policy, failures, created_at)"
            " VALUES (1, 1, 'C1', '', TRUE, '09:00', '0123456', '[]', 'after_close', 0,"
            " '2026-03-01 00:00:00')",
        ):
            await conn.execute(text(sql))
        for day in (2, 3, 4, 5):
            await conn.execute(
                text(
                    "INSERT INTO daily_posts (id, channel_id, question_id, local_date, state, claimed_at,"
                    f" closes_at) VALUES ({day}, 1, 'q1', '2026-03-0{day}', 'closed',"
                    f" '2026-03-0{day} 09:00:00', '2026-03-0{day} 23:00:00')"
                )
            )
        # Answered on days 2, 3 and 5 (day 4 missed); the last one graded 0.
        for day, points in ((2, 50), (3, 65), (5, 0)):
            await conn.execute(
                text(
                    "INSERT INTO answers (workspace_id, member_id, question_id, channel_id, post_id, text,"
                    " score, verdict, covered, missed, feedback, grader_version, points, counted, count_key,"
                    f" created_at) VALUES (1, 1, 'q1', 1, {day}, 't', {points}, 'partial', '[]', '[]', '',"
                    f" 'x', {points}, TRUE, 'post:{day}:1', '2026-03-0{day} 10:00:00')"
                )
            )
    await db.dispose()
    migrate.upgrade(db_url, "0003")  # its backfill moved `reached` to the 0-point answer
    migrate.upgrade(db_url)
    db = Database(db_url)
    async with db.sessions() as session:
        bonuses = (await session.scalars(select(Answer.streak_bonus).order_by(Answer.post_id))).all()
        reached = (await session.scalars(select(BoardTotal.reached).where(BoardTotal.period == "all"))).all()
    await db.dispose()
    assert bonuses == [0, 5, 0]
    assert {r.isoformat() for r in reached} == {"2026-03-03T10:00:00+00:00"}
    migrate.downgrade(db_url, "0003")
    migrate.upgrade(db_url)
