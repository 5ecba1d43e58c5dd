"""The console channel end to end, as a newcomer runs it: a real process, piped input, a real SQLite file."""

from __future__ import annotations

from pathlib import Path

from tests.console_harness import ANSWER, console


def test_quiz_grade_streak_and_leaderboard_for_two_members(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    script = f"/quiz transformers\n{ANSWER}\n/streak\n/leaderboard all\n"
    first = console("ada", db, script, tmp_path)
    assert "Quiz · transformers" in first
    assert "Score " in first and ("✓ Covered" in first or "○ Missed" in first)
    assert "Practice streak: 1 day" in first
    assert ">" not in first.splitlines()[0], "piped input gets no prompt noise"
    assert "1. ada" in first
    second = console("grace", db, script, tmp_path)
    board = second[second.index("Leaderboard") :]
    assert "ada" in board and "grace" in board


def test_plain_text_answers_and_friendly_errors(tmp_path: Path) -> None:
    out = console(
        "lin",
        tmp_path / "bot.db",
        "hello there\n/quiz cooking\n/daily\n/quiz rag\n\n/answer word\n/leaderboard forever\n"
        "/nonsense\n/topics\n/stats\n/quit\n/streak\n",
        tmp_path,
    )
    assert "No open question" in out
    assert "Unknown topic 'cooking'" in out
    assert "The daily question is not set up in this channel yet" in out
    assert "One word is not enough" in out
    assert "Period must be one of" in out
    assert "Unknown command /nonsense" in out
    assert "transformers" in out and "questions" in out
    assert "No answers yet" in out
    assert "Practice streak" not in out, "/quit ends the session"


def test_stats_picture_is_written_and_its_path_printed(tmp_path: Path) -> None:
    out = console("ada", tmp_path / "bot.db", f"/quiz rag\n{ANSWER}\n/stats\n", tmp_path)
    line = next(line for line in out.splitlines() if line.startswith("Picture: "))
    picture = tmp_path / line.removeprefix("Picture: ")
    assert picture.read_bytes().startswith(b"\x89PNG")


def test_appeal_and_admin_commands(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    out = console(
        "ada",
        db,
        "/appeal\n/quiz rag\nRetrieval pulls documents into the prompt before generation happens\n"
        "/appeal I covered the retrieval step\n/appeal again\n/appeals\n/accept 1 95\n/appeals\n"
        "/leaderboard all\n/leaderboard week channel\n/streak\n/status\n/timezone Mars/Base\n"
        "/timezone Pacific/Auckland\n/setup post_time=25:00\n"
        "/setup post_time=08:30 timezone=Europe/Berlin weekdays=mon-fri\n"
        "/pause\n/resume\n/status\n",
        tmp_path,
    )
    assert "Answer a question first" in out
    assert "Appeal #1 sent" in out
    assert "already appealed" in out
    assert "#1 ada" in out and "reason: I covered the retrieval step" in out
    assert (
        "Appeal #1 accepted: ada's answer now scores 95. (your own answer: decided as the only admin" in out
    )
    assert "ada: your appeal #1 (" in out and "was accepted by ada (on their own answer)" in out
    assert "Daily question in #console: not set up yet" in out, "reading created no posting channel"
    assert "Unknown timezone 'Mars/Base'" in out and "Your timezone: Pacific/Auckland (your choice)" in out
    assert "No pending appeals." in out
    assert "95 pts" in out
    assert "Times look like 09:00" in out
    assert "posts at 08:30 (weekdays, Europe/Berlin)" in out
    assert ": paused" in out and out.count(": on") >= 2
