"""Composition root: settings, bank and database wired into one service for whichever channel runs."""

from __future__ import annotations

import logging

from bot.bank import load_bank
from bot.grading.judge import Judge, JudgeConfig
from bot.service import PracticeService
from bot.settings import Settings, get_settings
from bot.store.db import Database


def configure_logging(settings: Settings) -> None:
    level = settings.log_level.upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level != "DEBUG":  # Alembic's "Context impl SQLiteImpl" on every schema check is noise in a terminal
        logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)


async def build_service(database_url: str | None = None, settings: Settings | None = None) -> PracticeService:
    """A started service: migrations checked (NotMigrated says what to run), questions synced."""
    settings = settings or get_settings()
    bank = load_bank(settings.questions_dir)
    judge_config = JudgeConfig.from_env(settings)
    service = PracticeService(
        Database(database_url or settings.database_url),
        bank,
        default_timezone=settings.default_timezone,
        judge=Judge(judge_config) if judge_config else None,
    )
    try:
        await service.start()
    except BaseException:
        await service.close()
        raise
    return service
