"""`interview-bot grade`: grade one answer to a bank question, or a JSONL batch of answers."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from bot.bank import Bank
from bot.grading import Grade, grade_answer, grade_question


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("grade", help="grade an answer against a question's rubric and references")
    one = p.add_argument_group("one answer")
    one.add_argument("--question-id", help="bank question id")
    one.add_argument("--answer", help="the answer text")
    one.add_argument("--json", action="store_true", help="print the grade as JSON")
    batch = p.add_argument_group("batch")
    batch.add_argument(
        "--batch",
        type=Path,
        metavar="IN.jsonl",
        help="lines with answer and question_id, or question and reference_answer (optional key_points)",
    )
    batch.add_argument(
        "--out", type=Path, metavar="OUT.jsonl", help="write graded lines here (default stdout)"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.compose import load_questions

    if args.batch:
        return run_batch(args.batch, args.out, load_questions())
    if not args.question_id or args.answer is None:
        print("grade: give --question-id and --answer, or --batch IN.jsonl", file=sys.stderr)
        return 2
    question = load_questions().get(args.question_id)
    if question is None:
        print(f"grade: no question with id {args.question_id!r}", file=sys.stderr)
        return 2
    grade = grade_question(question, args.answer)
    print(json.dumps(grade.to_dict(), ensure_ascii=False) if args.json else render(grade))
    return 0


def render(grade: Grade) -> str:
    lines = [f"Score {grade.score}/100 · {grade.verdict}"]
    for title, points in (
        ("Covered", grade.covered),
        ("Missed", grade.missed),
        ("Contradicted", grade.contradicted),
    ):
        if points:
            lines.append(f"{title}:")
            lines.extend(f"  • {p}" for p in points)
    lines.append(grade.feedback)
    return "\n".join(lines)


def _grade(record: dict, bank: Bank) -> Grade:
    """A bank question (by id or by its wording) is graded with its rubric; anything else against the
    reference on the line, with the line's key points or points derived from the reference."""
    question = bank.find(str(record.get("question_id") or "")) or bank.find(str(record.get("question") or ""))
    if question is not None and not record.get("key_points"):
        return grade_question(question, record["answer"])
    if not isinstance(record.get("reference_answer"), str):
        raise ValueError("no bank question matches and there is no reference_answer")
    return grade_answer(
        record["answer"],
        [record["reference_answer"]],
        key_points=record.get("key_points") or (),
        prompt=str(record.get("question") or ""),
    )


def graded_lines(lines: TextIO, bank: Bank) -> Iterator[tuple[int, dict | str]]:
    """(line number, graded record) or (line number, error message) per non-blank input line."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            if not isinstance(record.get("answer"), str):
                raise ValueError("missing or non-text answer")
            points = record.get("key_points") or ()
            if not isinstance(points, list | tuple) or not all(isinstance(p, str) for p in points):
                raise ValueError("key_points must be a list of strings")
            grade = _grade(record, bank)
        except ValueError as exc:
            yield number, str(exc)
            continue
        yield number, {**record, **grade.to_dict()}


def run_batch(path: Path, out: Path | None, bank: Bank) -> int:
    try:
        source = path.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        print(f"grade: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    sink = out.open("w", encoding="utf-8") if out else sys.stdout
    bad = 0
    try:
        with source:
            for number, result in graded_lines(source, bank):
                if isinstance(result, str):
                    bad += 1
                    print(f"grade: {path}:{number}: skipped, {result}", file=sys.stderr)
                else:
                    sink.write(json.dumps(result, ensure_ascii=False) + "\n")
    finally:
        if out:
            sink.close()
    if bad:
        print(f"grade: {bad} line(s) skipped, the rest graded", file=sys.stderr)
    return 0
