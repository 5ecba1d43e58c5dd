"""The `grade` sub-command, driven through argparse the way `interview-bot grade` runs it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from app.commands import grading as cli
from bot.grading import GRADER_VERSION


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="interview-bot")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["grade", *argv])
    return args.handler(args)


def test_batch_round_trip_skips_a_bad_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = {
        "question": "What does a hash map do?",
        "reference_answer": (
            "A hash map stores key-value pairs and finds a value by hashing its key into a bucket."
        ),
        "answer": "It keeps key/value pairs and hashes the key to jump straight to the right bucket.",
        "id": 7,
    }
    with_points = {**good, "key_points": ["stores key-value pairs", "hashes the key into a bucket"]}
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps(good)
        + "\n{not json\n\n"
        + json.dumps({"question": "q", "answer": "a"})
        + "\n"
        + json.dumps(with_points)
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    assert run(["--batch", str(src), "--out", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2
    for line in lines:
        assert line["id"] == 7 and line["answer"] == good["answer"]  # the input is kept
        assert 0 <= line["score"] <= 100
        assert line["verdict"] in ("correct", "partial", "incorrect")
        assert isinstance(line["covered"], list) and isinstance(line["missed"], list)
        assert line["version"].startswith(GRADER_VERSION)
    err = capsys.readouterr().err
    assert ":2:" in err and ":4:" in err and "reference_answer" in err


def test_batch_to_stdout_and_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"question": "q", "reference_answer": "r", "answer": ""}) + "\n", encoding="utf-8"
    )
    assert run(["--batch", str(src)]) == 0
    assert json.loads(capsys.readouterr().out)["score"] == 0
    assert run(["--batch", str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_usage_error_without_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([]) == 2
    assert "--question-id" in capsys.readouterr().err


def test_render_shows_points_and_feedback() -> None:
    from bot.grading import Grade

    text = cli.render(Grade(55, "partial", ("point one",), ("point two",), "Good start."))
    assert "55/100" in text and "• point one" in text and "Missed:" in text and text.endswith("Good start.")
