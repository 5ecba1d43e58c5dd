"""`interview-bot doctor`: what is wrong with this installation, in plain words, without showing secrets."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.settings import Settings, settings_problem
from bot.bank import load_bank
from bot.errors import SetupError, UserError
from bot.grading import GRADER_VERSION
from bot.rules.calendar import zone
from bot.store.db import Database, sqlite_file
from bot.store.migrate import current_revision, head_revision, known_revision, too_new


@dataclass(frozen=True)
class Check:
    ok: bool
    topic: str
    detail: str


def register(sub: argparse._SubParsersAction) -> None:
    doctor = sub.add_parser(
        "doctor", help="check settings, database, migrations, platform tokens and grading extras"
    )
    doctor.set_defaults(handler=_doctor)


def platform_checks(settings: Settings) -> list[Check]:
    checks = []
    slack_single = settings.slack_bot_token is not None
    slack_oauth = settings.slack_client_id is not None or settings.slack_client_secret is not None
    if slack_single or slack_oauth:
        if slack_oauth and not (settings.slack_client_id and settings.slack_client_secret):
            checks.append(Check(False, "Slack", "OAuth needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET."))
        if settings.slack_app_token is not None:
            mode = "Socket Mode (SLACK_APP_TOKEN is set)"
            if not settings.slack_app_token.get_secret_value().startswith("xapp-"):
                checks.append(Check(False, "Slack", "SLACK_APP_TOKEN should start with xapp-."))
        else:
            mode = f"HTTP mode on port {settings.slack_port} (/slack/events)"
            if settings.slack_signing_secret is None:
                checks.append(
                    Check(False, "Slack", "HTTP mode needs SLACK_SIGNING_SECRET to verify Slack's requests.")
                )
        if slack_single and not settings.slack_bot_token.get_secret_value().startswith("xoxb-"):
            checks.append(Check(False, "Slack", "SLACK_BOT_TOKEN should be a bot token (xoxb-...)."))
        kind = "many workspaces through OAuth" if slack_oauth else "one workspace (SLACK_BOT_TOKEN)"
        checks.append(Check(True, "Slack", f"configured for {kind}, {mode}."))
    if settings.discord_token is not None:
        where = (
            f"commands sync to test server {settings.discord_test_guild}"
            if settings.discord_test_guild
            else "commands sync globally (can take up to an hour to appear)"
        )
        checks.append(Check(True, "Discord", f"token is set; {where}."))
    if not checks:
        checks.append(Check(True, "Platforms", "no Slack or Discord token: `run` starts the console."))
    return checks


async def database_checks(settings: Settings) -> list[Check]:
    """Looks without touching: a missing SQLite file is reported, not created."""
    try:
        db = Database(settings.database_url)
    except SetupError as error:
        return [Check(False, "Database", str(error))]
    backend = db.engine.url.get_backend_name()
    path = sqlite_file(settings.database_url)
    if path is not None and not path.is_file():
        await db.dispose()
        return [Check(False, "Database", f"no database at {path} yet; run `interview-bot db upgrade`.")]
    try:
        current = await current_revision(db.engine)
    except SetupError as error:
        return [Check(False, "Database", str(error))]
    finally:
        await db.dispose()
    head = head_revision()
    checks = [Check(True, "Database", f"{backend} database reachable.")]
    if current is None:
        checks.append(Check(False, "Migrations", "the database is empty; run `interview-bot db upgrade`."))
    elif not known_revision(current):
        checks.append(Check(False, "Migrations", too_new(current)))
    elif current != head:
        checks.append(
            Check(False, "Migrations", f"at {current}, code expects {head}; run `interview-bot db upgrade`.")
        )
    else:
        checks.append(Check(True, "Migrations", f"at the latest schema ({head})."))
    return checks


def bank_checks(settings: Settings) -> list[Check]:
    if not settings.questions_dir.is_dir():
        return [Check(False, "Questions", f"QUESTIONS_DIR {settings.questions_dir} is not a directory.")]
    bank = load_bank(settings.questions_dir)
    checks = [Check(bool(bank.questions), "Questions", f"{len(bank.questions)} questions loaded.")]
    checks += [Check(False, "Questions", f"{e.file}, entry {e.entry}: {e.problem}") for e in bank.errors]
    return checks


def timezone_checks(settings: Settings) -> list[Check]:
    try:
        zone(settings.default_timezone)
    except UserError as error:
        return [Check(False, "Timezone", f"DEFAULT_TIMEZONE: {error}")]
    return [Check(True, "Timezone", f"default timezone {settings.default_timezone}.")]


def grading_checks(settings: Settings) -> list[Check]:
    checks = []
    url = (settings.grader_judge_url or "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            checks.append(Check(False, "Grading", "GRADER_JUDGE_URL should look like http://host:port/v1."))
        else:
            where = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
            key = "with an API key" if settings.grader_judge_api_key else "without an API key"
            checks.append(
                Check(
                    True,
                    "Grading",
                    f"LLM judge at {where} (model {settings.grader_judge_model}, {key}, at most "
                    f"{settings.grader_judge_max_calls} calls a day); the built-in grader is the fallback.",
                )
            )
    if not checks:
        checks.append(Check(True, "Grading", f"built-in grader ({GRADER_VERSION})."))
    return checks


async def run_checks(settings: Settings) -> list[Check]:
    return (
        timezone_checks(settings)
        + bank_checks(settings)
        + await database_checks(settings)
        + platform_checks(settings)
        + grading_checks(settings)
    )


def _doctor(args: argparse.Namespace) -> int:
    try:
        settings = Settings()
    except Exception as error:
        problem = settings_problem(error)
        if problem is None:
            raise
        for line in problem.splitlines():
            print(f"problem  {line}")
        return 1
    checks = asyncio.run(run_checks(settings))
    for check in checks:
        print(f"{'ok     ' if check.ok else 'problem'}  {check.topic}: {check.detail}")
    problems = sum(not c.ok for c in checks)
    print("All good." if not problems else f"{problems} problem(s) to fix.")
    return 0 if not problems else 1
