"""The first commands a newcomer or an operator runs, as real processes in a folder of their own: they work
from nothing, and every failure ends with a plain message, never a traceback."""

from __future__ import annotations

import os
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.store import migrate

OURS = ("SLACK_", "DISCORD_", "GRADER_", "DATABASE_URL", "QUESTIONS_DIR", "LOG_LEVEL", "REQUIRE_POSTGRES")


def cli(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`interview-bot ARGS` in `cwd` (not the repository) with no input, as `make run </dev/null` runs."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    result = subprocess.run(
        [sys.executable, "-m", "app", *args],
        env={**clean, **env},
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_run_in_an_empty_folder_migrates_and_starts_the_console(tmp_path: Path) -> None:
    upgraded = cli(tmp_path, "db", "upgrade")  # `make run` step one, before anything made data/
    assert upgraded.returncode == 0 and "latest schema" in upgraded.stdout
    db = tmp_path / "data" / "interview-bot.db"
    assert mode(db) == 0o600, "answers and OAuth bot tokens: readable by the owner only"
    started = cli(tmp_path, "run")  # step two, with standard input closed; the bank is found from here
    assert started.returncode == 0, started.stderr
    assert "starting the console channel" in started.stderr
    for journal in db.parent.glob("interview-bot.db-*"):  # SQLite's WAL files take the database's mode
        assert mode(journal) == 0o600, journal


def test_console_outside_the_repository_finds_the_bank(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "console", "--user", "ada"],
        env={k: v for k, v in os.environ.items() if not k.startswith(OURS)},
        cwd=tmp_path,
        input="/quiz rag\nRetrieval adds relevant documents to the prompt before generation\n",
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "Score " in result.stdout and "Traceback" not in result.stderr


def test_schedule_list_on_no_database_says_what_to_run_and_creates_nothing(tmp_path: Path) -> None:
    result = cli(tmp_path, "schedule", "list")
    assert result.returncode == 2 and "interview-bot db upgrade" in result.stderr
    assert not (tmp_path / "data").exists()


def test_schedule_list_on_an_old_schema_says_what_to_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bot.db"
    migrate.upgrade(url, "0002")
    result = cli(tmp_path, "schedule", "list", DATABASE_URL=url)
    assert result.returncode == 2
    assert "at revision 0002" in result.stderr and "interview-bot db upgrade" in result.stderr


def test_a_database_from_a_newer_version_says_upgrade_cannot_help(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bot.db"
    migrate.upgrade(url)
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    for args in (("run",), ("db", "upgrade"), ("schedule", "list")):
        result = cli(tmp_path, *args, DATABASE_URL=url)
        assert result.returncode == 2, args
        assert "revision 0099" in result.stderr and "`interview-bot db upgrade` cannot help" in result.stderr
        assert "restore the backup" in result.stderr
    doctor = cli(tmp_path, "doctor", DATABASE_URL=url)
    assert doctor.returncode == 1 and "cannot help" in doctor.stdout


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_run_with_the_database_unreachable_is_a_plain_message(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/test"
    result = cli(tmp_path, "run", DATABASE_URL=url)
    assert result.returncode == 2
    assert "Cannot open the postgresql database" in result.stderr and "DATABASE_URL" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SLACK_ADMINS": "U123,U456"}, "SLACK_ADMINS could not be read"),
        ({"DATABASE_URL": "postgresql://bot:hunter2@[::1/x"}, "DATABASE_URL is not a database URL"),
        ({"DATABASE_URL": "mysql://bot:hunter2@db/x"}, "DATABASE_URL is not a database URL"),
    ],
    ids=["non-json-admins", "malformed-url", "unsupported-backend"],
)
def test_doctor_and_run_report_bad_settings_plainly(tmp_path: Path, env: dict, expected: str) -> None:
    doctor = cli(tmp_path, "doctor", **env)  # the Docker healthcheck
    assert doctor.returncode == 1 and expected in doctor.stdout
    run = cli(tmp_path, "run", **env)
    assert run.returncode == 2 and expected in run.stderr
    assert "hunter2" not in doctor.stdout + run.stderr


def test_downgrade_needs_a_revision_or_yes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bot.db"
    migrate.upgrade(url)
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        conn.execute(
            "INSERT INTO workspaces (platform, external_id, name, timezone, settings, created_at)"
            " VALUES ('slack', 'T1', 'Team', 'UTC', '{}', '2026-03-01 00:00:00')"
        )
    refused = cli(tmp_path, "db", "downgrade", DATABASE_URL=url)
    assert refused.returncode == 2 and "Nothing was changed" in refused.stderr
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        assert conn.execute("SELECT count(*) FROM workspaces").fetchone() == (1,)
    done = cli(tmp_path, "db", "downgrade", "--yes", DATABASE_URL=url)
    assert done.returncode == 0 and "downgraded to base" in done.stdout
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "workspaces" not in tables
