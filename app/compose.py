"""Composition root: settings, bank and database wired into one service for whichever channel runs."""

from __future__ import annotations

import logging

from app.settings import Settings, get_settings
from bot.bank import Bank, load_bank
from bot.grading.idf import use_bank
from bot.grading.judge import Judge, JudgeConfig
from bot.practice.service import PracticeService
from bot.store.db import Database


def configure_logging(settings: Settings) -> None:
    level = settings.log_level.upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level != "DEBUG":  # Alembic's "Context impl SQLiteImpl" on every schema check is noise in a terminal
        logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)


def load_questions(settings: Settings | None = None) -> Bank:
    """The bank in QUESTIONS_DIR; the grader takes its term rarity from the same bank."""
    bank = load_bank((settings or get_settings()).questions_dir)
    use_bank(bank)
    return bank


def judge_settings(settings: Settings) -> JudgeConfig | None:
    """The LLM judge the settings name (GRADER_JUDGE_*), or None: the built-in grader alone."""
    url = (settings.grader_judge_url or "").strip()
    if not url:
        return None
    key = settings.grader_judge_api_key
    return JudgeConfig(
        url=url,
        model=settings.grader_judge_model.strip() or "default",
        api_key=key.get_secret_value() if key else None,
        timeout=settings.grader_judge_timeout,
        max_calls_per_day=settings.grader_judge_max_calls,
    )


async def build_service(database_url: str | None = None, settings: Settings | None = None) -> PracticeService:
    """A started service: migrations checked (NotMigrated says what to run), questions synced."""
    settings = settings or get_settings()
    bank = load_questions(settings)
    judge_config = judge_settings(settings)
    service = PracticeService(
        Database(database_url or settings.database_url),
        bank,
        default_timezone=settings.default_timezone,
        judge=Judge(judge_config) if judge_config else None,
        grading_concurrency=settings.grading_concurrency,
        card_refresh_seconds=settings.card_refresh_seconds,
    )
    try:
        await service.start()
    except BaseException:
        await service.close()
        raise
    return service
