"""Migrations on both backends, the un-migrated start, and the questions table following the bank."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import inspect, select

from bot.bank import Bank, load_bank
from bot.service import PracticeService
from bot.store import migrate
from bot.store.db import Database
from bot.store.migrate import NotMigrated
from bot.store.tables import QuestionRow

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
