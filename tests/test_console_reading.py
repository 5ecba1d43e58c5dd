"""What a console member reads: Markdown rendered (styled in a terminal, plain text when piped), columns
that line up for CJK names, stats pictures in the bot's data folder, topics and difficulty as typed."""

from __future__ import annotations

import dataclasses
import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import yaml
from wcwidth import wcswidth

from adapters.console import render
from adapters.console.app import ConsoleSession
from bot.bank import Bank
from bot.surface.cards import BoardRow, GradeCard, PostSummary
from tests.bank_picks import longest_prompt, table_and_code
from tests.console_harness import ANSWER, console, console_env, run_console
from tests.helpers import JUDGED


def small_bank(folder: Path, bank: Bank) -> Path:
    """Two real questions, one per topic, so a quiz on each topic is sure to get them."""
    table, long = table_and_code(bank), longest_prompt(bank)
    entries = [
        {"prompt": table.prompt, "answer": table.answer, "topic": "rag", "difficulty": "easy"},
        {"prompt": long.prompt, "answer": long.answer, "topic": "llms", "difficulty": "easy"},
    ]
    folder.mkdir()
    (folder / "picked.yaml").write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return folder


def table_rows(answer: str) -> list[list[str]]:
    lines = [line for line in answer.split("\n") if line.lstrip().startswith("|")]
    return [[c.strip(" *") for c in line.strip().strip("|").split("|")] for line in (lines[0], lines[2])]


def test_piped_output_renders_markdown_as_plain_text(tmp_path: Path, bank: Bank) -> None:
    questions = small_bank(tmp_path / "questions", bank)
    out = console("ada", tmp_path / "bot.db", f"/quiz rag\n{ANSWER}\n/quiz llms\n", tmp_path, questions)
    assert "\x1b[" not in out, "no escape codes into a pipe"
    assert "**" not in out and not any(line.lstrip().startswith("|") for line in out.splitlines())
    header, row = table_rows(table_and_code(bank).answer)
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if all(cell in line for cell in header))
    below = next(line for line in lines[at:] if row[0] in line)
    assert lines[at].index(header[1]) == below.index(row[1]), "the table's columns line up"
    assert all(line.rstrip() == line for line in lines), "no padding to the terminal width"
    assert longest_prompt(bank).prompt in lines, "a long prompt whole, on its own line"


def test_a_terminal_gets_styled_markdown(tmp_path: Path, bank: Bank) -> None:
    questions = small_bank(tmp_path / "questions", bank)
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "console", "--user", "ada", "--db", f"sqlite:///{tmp_path / 'bot.db'}"],
        stdin=subprocess.PIPE,
        stdout=follower,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env={**console_env(questions), "TERM": "xterm-256color", "COLUMNS": "100"},
    )
    os.close(follower)
    process.stdin.write(f"/quiz rag\n{ANSWER}\n".encode())
    process.stdin.close()
    shown = b""
    while select.select([leader], [], [], 120)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the console exited and closed its end
            break
        if not chunk:
            break
        shown += chunk
    assert process.wait(timeout=60) == 0, process.stderr.read()
    text = shown.decode()
    assert "\x1b[1m" in text, "bold, as a terminal shows it"
    assert "**" not in text


def test_leaderboard_columns_line_up_for_cjk_and_emoji_names(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    for user in ("ada", "李小龍", "🦊 fox"):
        out = console(user, db, f"/quiz transformers\n{ANSWER}\n/leaderboard all\n", tmp_path)
    board = out[out.index("Leaderboard") :].splitlines()[1:4]
    assert len(board) == 3 and {"ada", "李小龍", "🦊 fox"} <= {
        w for line in board for w in [line[5:].split("  ")[0]]
    }
    assert len({wcswidth(line[: line.index(" pts")]) for line in board}) == 1, board


def test_stats_pictures_go_to_the_data_folder_one_per_member_quietly(tmp_path: Path) -> None:
    data, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    data.mkdir()
    elsewhere.mkdir()
    pictures = []
    for user in ("李雷", "韩梅梅"):
        run = run_console(user, data / "bot.db", f"/quiz rag\n{ANSWER}\n/stats\n", elsewhere)
        out, err = run.stdout.decode(), run.stderr.decode()
        line = next(line for line in out.splitlines() if line.startswith("Picture: "))
        pictures.append(Path(line.removeprefix("Picture: ")))
        assert "findfont" not in err and "Glyph" not in err and "Warning" not in err
    assert pictures[0] != pictures[1] and all(p.is_absolute() and p.is_relative_to(data) for p in pictures)
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pictures)
    assert not list(elsewhere.rglob("*.png")), "no picture lands where the command happened to run"


def test_quiz_difficulty_and_setup_topics_as_people_type_them(tmp_path: Path, bank: Bank) -> None:
    topic = next(t for t in sorted(bank.topics()) if "-" in t)
    difficulty = next(q.difficulty for q in bank.questions if q.topic == topic)
    typed = topic.replace("-", " ").title()
    out = console(
        "ada",
        tmp_path / "bot.db",
        f"/quiz {typed} {difficulty}\n/setup topics=RAG, {typed} difficulty=any\n",
        tmp_path,
    )
    assert f"Quiz · {topic} · {difficulty}" in out
    assert f"topics: rag, {topic}; difficulty: any" in out


def shown(*parts: render.Shown) -> str:
    out = io.StringIO()
    session = ConsoleSession(service=None, actor=None, out=out, picture_dir=Path())  # type: ignore[arg-type]
    for part in parts:
        session.say(part)
    return out.getvalue()


def test_contradicted_points_tips_and_milestone_wording() -> None:
    card = dataclasses.replace(JUDGED, answer_id=None)
    text = shown(render.grade(card))
    assert "✗ Contradicted" in text and "Retrieval happens after generation" in text
    assert text.index("Reference answer") < text.index("Interview tips") < text.index("Name a vector store")
    assert "Interview tips" not in shown(render.grade(GradeCard(**{**card.__dict__, "reference": None})))
    summary = PostSummary(
        1, "q", "What is RAG?", "Retrieval first.", 2, (BoardRow(1, "ada", 90, 1),), (("ada", 3),)
    )
    assert "ada reached a 3-day streak!" in shown(render.summary(summary))
