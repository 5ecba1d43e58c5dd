"""`interview-bot doctor` as an operator runs it: plain words, the right exit code, no secrets shown."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app import doctor as doctor_module
from app.settings import Settings
from bot.store import migrate

ROOT = Path(__file__).resolve().parents[1]


def doctor(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    ours = ("SLACK_", "DISCORD_", "GRADER_", "DATABASE_URL")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    return subprocess.run(
        [sys.executable, "-m", "app", "doctor"],
        env={**clean, "QUESTIONS_DIR": str(ROOT / "questions"), **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_unmigrated_database_is_reported_with_the_fix(tmp_path: Path) -> None:
    result = doctor(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/bot.db")
    assert result.returncode == 1
    assert "run `interview-bot db upgrade`" in result.stdout


def test_healthy_install_and_tokens_never_shown(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bot.db"
    migrate.upgrade(url)
    result = doctor(
        tmp_path,
        DATABASE_URL=url,
        SLACK_BOT_TOKEN="xoxb-very-secret-token",
        SLACK_SIGNING_SECRET="signing-secret-value",
        DISCORD_TOKEN="discord.secret.token",
    )
    assert result.returncode == 0, result.stdout
    assert "All good." in result.stdout and "questions loaded" in result.stdout
    for secret in ("very-secret", "signing-secret-value", "discord.secret"):
        assert secret not in result.stdout + result.stderr


def test_missing_signing_secret_and_bad_settings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bot.db"
    migrate.upgrade(url)
    result = doctor(tmp_path, DATABASE_URL=url, SLACK_BOT_TOKEN="xoxb-1", DEFAULT_TIMEZONE="Mars/Base")
    assert result.returncode == 1
    assert "needs SLACK_SIGNING_SECRET" in result.stdout
    assert "Unknown timezone 'Mars/Base'" in result.stdout
    bad = doctor(tmp_path, DATABASE_URL=url, SLACK_PORT="eighty")
    assert bad.returncode == 1 and "SLACK_PORT" in bad.stdout


def test_grading_extras_are_reported_without_secrets(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bot.db"
    migrate.upgrade(url)
    result = doctor(
        tmp_path,
        DATABASE_URL=url,
        GRADER_JUDGE_URL="http://judge-user:judge-pass@127.0.0.1:8000/v1",
        GRADER_JUDGE_API_KEY="sk-judge-secret",
        GRADER_JUDGE_MODEL="llama3",
    )
    assert result.returncode == 0, result.stdout
    assert "LLM judge at http://127.0.0.1:8000 (model llama3, with an API key" in result.stdout
    for secret in ("judge-pass", "judge-user", "sk-judge-secret"):
        assert secret not in result.stdout + result.stderr


def test_a_judge_url_that_is_not_a_url_is_a_problem() -> None:
    bad = doctor_module.grading_checks(Settings(grader_judge_url="127.0.0.1:8000", _env_file=None))
    assert not bad[0].ok and "http://host:port/v1" in bad[0].detail
