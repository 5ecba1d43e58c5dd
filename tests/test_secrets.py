"""Secrets come only from the environment or `.env`, and no log line or printed setting shows them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.settings import Settings
from bot.store import migrate

ROOT = Path(__file__).resolve().parents[1]
SECRETS = {
    "SLACK_SIGNING_SECRET": "sig-0123456789abcdef",
    "SLACK_CLIENT_SECRET": "client-secret-fedcba",
    "SLACK_APP_TOKEN": "xapp-1-secret-app-token",
    "GRADER_JUDGE_API_KEY": "judge-key-0badc0ffee",
}


def test_settings_never_print_secret_values(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("DISCORD_TOKEN=discord-token-from-dotenv\n", encoding="utf-8")
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.discord_token.get_secret_value() == "discord-token-from-dotenv"
    shown = repr(settings) + str(settings) + settings.model_dump_json()
    for value in [*SECRETS.values(), "discord-token-from-dotenv"]:
        assert value not in shown


def test_a_full_console_run_at_debug_level_logs_no_secret(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bot.db"
    migrate.upgrade(url)
    ours = ("SLACK_", "DISCORD_", "GRADER_", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env |= {**SECRETS, "DATABASE_URL": url, "LOG_LEVEL": "DEBUG", "QUESTIONS_DIR": str(ROOT / "questions")}
    env["GRADER_JUDGE_URL"] = "http://127.0.0.1:9"  # the judge is tried with its key, fails, falls back
    result = subprocess.run(
        [sys.executable, "-m", "app", "run"],
        input="/quiz rag\nRetrieval adds relevant documents to the prompt\n/stats\n/quit\n",
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Score " in result.stdout and "DEBUG" in result.stderr  # it really ran, and logged verbosely
    for value in SECRETS.values():
        assert value not in result.stdout + result.stderr
