"""`interview-bot bank ...`: see the bank as the bot sees it; check files before shipping them."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from app.compose import load_questions
from bot.bank.loader import Bank, build_bank, load_folder
from bot.bank.model import TOPICS, Question
from bot.bank.rubric import RUBRIC_DIR
from bot.grading.calibration import misfires
from bot.grading.rubric import prepare


def register(sub: argparse._SubParsersAction) -> None:
    bank = sub.add_parser("bank", help="inspect and validate the question bank")
    cmds = bank.add_subparsers(dest="bank_command", required=True)
    stats = cmds.add_parser("stats", help="counts by source, topic, difficulty and kind; what was skipped")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=_stats)
    listing = cmds.add_parser("list", help="list questions")
    listing.add_argument("--topic", choices=TOPICS)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    show = cmds.add_parser("show", help="one question with its reference answers")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)
    validate = cmds.add_parser(
        "validate", help="check bank files or a bank folder (with its rubric); exit 1 with readable errors"
    )
    validate.add_argument("paths", nargs="+", type=Path)
    validate.set_defaults(handler=_validate)


def _stats(args: argparse.Namespace) -> int:
    stats = load_questions().stats()
    if args.json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
        return 0
    print(
        f"{stats['total']} questions ({stats['merged_duplicates']} entries merged into others), "
        f"{stats['key_points']} key points, {stats['curated']} with a curated rubric"
    )
    print("\nby source (entries read; distinct questions):")
    for name, count in stats["by_source"].items():
        print(f"  {name:<40} {count:>4} {stats['distinct_by_source'][name]:>5}")
    for title in ("by_topic", "by_difficulty", "by_kind"):
        print(f"\n{title.replace('_', ' ')}:")
        for name, count in stats[title].items():
            print(f"  {name:<40} {count:>4}")
    print(f"\nskipped headings: {len(stats['skipped'])} (see --json for each, with its reason)")
    for error in stats.get("errors", []):
        print(f"error: {error['file']}, {error['entry']}: {error['problem']}", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    questions = [q for q in load_questions().questions if not args.topic or q.topic == args.topic]
    if args.json:
        print(json.dumps([q.to_dict() for q in questions], indent=2, ensure_ascii=False))
        return 0
    for q in questions:
        print(f"{q.id}  {q.topic:<18} {q.difficulty:<6} {q.prompt}")
    return 0


def _show(args: argparse.Namespace) -> int:
    question = load_questions().get(args.id)
    if question is None:
        print(f"No question with id {args.id!r}. `interview-bot bank list` shows them.", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(question.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(_render(question))
    return 0


def _render(q: Question) -> str:
    sources = ", ".join(f"{s.file}:{s.line}" for s in q.sources)
    parts = [q.prompt, f"{q.id} · {q.topic} · {q.difficulty} · {q.kind} · {sources}", ""]
    parts.append("Key points (curated):" if q.rubric else "Key points (derived from the reference):")
    for point in q.rubric:
        parts.append(f"  - {point.text}")
        if point.accept:
            parts.append(f"      accepts: {'; '.join(point.accept)}")
        if point.wrong:
            parts.append(f"      contradicted by: {'; '.join(point.wrong)}")
    if not q.rubric:
        parts += [f"  - {p}" for p in q.key_points]
    for i, answer in enumerate(q.answers, start=1):
        parts += ["", f"Reference answer {i}:" if len(q.answers) > 1 else "Reference answer:"]
        parts.append(textwrap.indent(answer, "  "))
    if q.tips:
        parts += ["", "Interview tips (shown after the reveal, not graded):"]
        parts += [f"  - {tip}" for tip in q.tips]
    return "\n".join(parts)


def _misfires(bank: Bank) -> list[str]:
    """Rubric parts the grader cannot use because a question's own reference sets them off."""
    notes = []
    for q in bank.questions:
        if not q.rubric:
            continue
        rubric = prepare(tuple(q.answers), tuple(q.rubric), q.prompt)
        for m in misfires(q.answers, rubric, q.prompt):
            point = next(p for p in q.rubric if p.text == m.point)
            if m.kind == "wrong":
                through = f'its wrong claim "{point.wrong[m.index or 0]}"'
            elif m.kind == "accept":
                through = f'its phrasing "{point.accept[m.index or 0]}" said negated'
            else:
                through = "its own words said the other way round"
            notes.append(
                f'note: {q.id}: reference {m.reference + 1} reads as contradicting "{m.point}" through '
                f"{through}; the grader does not use that for this question (reword it to restore it)"
            )
    return notes


def _validate(args: argparse.Namespace) -> int:
    """Files are checked together (an id used twice across them is an error); a folder with its rubric."""
    problems = [f"{path}: no such file or folder" for path in args.paths if not path.exists()]
    folders = [p for p in args.paths if p.is_dir()]
    files = [p for p in args.paths if p.is_file()]
    banks = [load_folder(folder) for folder in folders]
    if files:
        banks.append(build_bank(files))
    for bank in banks:
        problems += [str(error) for error in bank.errors]
        problems += [
            f"{name}: no questions found"
            for name, count in bank.by_source.items()
            if name.endswith(".md") and not count
        ]
    for line in problems:
        print(line, file=sys.stderr)
    for folder, bank in zip(folders, banks, strict=False):
        if (folder / RUBRIC_DIR).is_dir() and bank.uncurated:
            listed = ", ".join(bank.uncurated[:10])
            print(f"note: {len(bank.uncurated)} guide question(s) have no rubric yet: {listed}")
    for bank in banks:
        for line in _misfires(bank):
            print(line)
    if problems:
        return 1
    total = sum(len(b.questions) for b in banks)
    print(f"OK: {total} questions in {len(files)} file(s) and {len(folders)} folder(s).")
    return 0
