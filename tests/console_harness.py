"""The console run the way a member runs it, a real `python -m bot console` process on piped bytes, shared
by the console, console-reading and hostile-input tests so all three drive it alike."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

ANSWER = "Self-attention lets every token weigh every other token in the sequence to build context"


def console_env(questions: Path = ROOT / "questions") -> dict[str, str]:
    env = {**os.environ, "QUESTIONS_DIR": str(questions)}
    env.pop("DATABASE_URL", None)
    return env


def run_console(user: str, db: Path, script: str | bytes, cwd: Path, questions: Path = ROOT / "questions"):
    """The console as a member runs it, on raw bytes (so input that is not UTF-8 can be sent)."""
    result = subprocess.run(
        [sys.executable, "-m", "app", "console", "--user", user, "--db", f"sqlite:///{db}"],
        input=script.encode() if isinstance(script, str) else script,
        capture_output=True,
        cwd=cwd,
        env=console_env(questions),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


def console(user: str, db: Path, script: str | bytes, cwd: Path, questions: Path = ROOT / "questions") -> str:
    return run_console(user, db, script, cwd, questions).stdout.decode()
