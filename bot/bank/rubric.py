"""The curated rubric: the key points of each shipped question, written by reading its reference answers.

It lives beside the guides (`questions/rubric/*.yaml`, one mapping from question id to entry per guide) so
it survives re-parsing and is reviewed in a diff like any other content. An entry gives the prompt as
members see it, the topic and difficulty judged by reading the question, 1-6 key points in order of
importance (each with the phrasings an interviewer accepts and the wrong claims that contradict it), and
`merge`: the ids of other questions that ask the same thing. Their references join this question and
members' history under those ids follows it (`Bank.renamed`). See docs/bank.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.bank.model import DIFFICULTIES, TOPICS, KeyPoint
from bot.bank.yaml_file import BankError, read_text, yaml_problem

RUBRIC_DIR = "rubric"
MAX_RUBRIC_POINTS = 6  # key points one curated rubric entry may list
POINT_WORDS = 20  # "about 15 words or fewer": a point is one idea, read at a glance on a grade card
ENTRY_FIELDS = {"prompt", "topic", "difficulty", "points", "merge"}
POINT_FIELDS = {"point", "accept", "wrong"}


@dataclass(frozen=True)
class Rubric:
    id: str
    prompt: str
    topic: str
    difficulty: str
    points: tuple[KeyPoint, ...]
    merge: tuple[str, ...]
    file: str
    line: int


def _strings(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    return None


def parse_points(value: Any, field: str = "points") -> tuple[tuple[KeyPoint, ...], list[str]]:
    """Key points as a list of strings or of {point, accept, wrong}; shared with team question files."""
    if not isinstance(value, list) or not value:
        return (), [f"{field!r} must be a non-empty list of points"]
    points: list[KeyPoint] = []
    problems: list[str] = []
    for n, item in enumerate(value, start=1):
        if isinstance(item, str) and item.strip():
            points.append(KeyPoint(item.strip()))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("point"), str) or not item["point"].strip():
            problems.append(f"point {n} must be text or a mapping with a 'point'")
            continue
        unknown = set(item) - POINT_FIELDS
        accept, wrong = _strings(item.get("accept")), _strings(item.get("wrong"))
        if unknown:
            problems.append(f"point {n} has unknown field(s): {', '.join(sorted(unknown))}")
        elif accept is None or wrong is None:
            problems.append(f"point {n}: 'accept' and 'wrong' must be lists of non-empty strings")
        else:
            points.append(KeyPoint(item["point"].strip(), accept, wrong))
    if len(value) > MAX_RUBRIC_POINTS:
        problems.append(f"{len(value)} points; a rubric has at most {MAX_RUBRIC_POINTS}")
    long = [p.text for p in points if len(p.text.split()) > POINT_WORDS]
    problems += [f"point too long to read at a glance ({len(t.split())} words): {t[:50]!r}…" for t in long]
    return tuple(points), problems


def _entry(qid: Any, data: Any, file: str, line: int) -> tuple[Rubric | None, list[str]]:
    if not isinstance(qid, str) or not qid.strip():
        return None, ["the key must be a question id"]
    if not isinstance(data, dict):
        return None, ["expected a mapping with prompt, topic, difficulty and points"]
    problems = [f"unknown field {key!r}" for key in data if key not in ENTRY_FIELDS]
    if not isinstance(data.get("prompt"), str) or not data["prompt"].strip():
        problems.append("'prompt' is required")
    for field, allowed in (("topic", TOPICS), ("difficulty", DIFFICULTIES)):
        if data.get(field) not in allowed:
            problems.append(f"{field!r} is {data.get(field)!r}; expected one of: {', '.join(allowed)}")
    points, point_problems = parse_points(data.get("points"))
    merge = _strings(data.get("merge"))
    if merge is None:
        problems.append("'merge' must be a list of question ids")
    if merge is None or problems or point_problems:
        return None, problems + point_problems
    return Rubric(
        qid, data["prompt"].strip(), data["topic"], data["difficulty"], points, merge, file, line
    ), []


def load_rubric_file(path: Path) -> tuple[list[Rubric], list[BankError]]:
    text, error = read_text(path)
    if error:
        return [], [error]
    try:
        document = yaml.safe_load(text) or {}
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        return [], [BankError(path.name, "file", yaml_problem(exc))]
    if not isinstance(document, dict):
        return [], [BankError(path.name, "file", "expected a mapping from question id to rubric entry")]
    keys = (
        [(k.value, k.start_mark.line + 1) for k, _ in node.value]
        if isinstance(node, yaml.MappingNode)
        else []
    )
    lines = dict(keys)
    rubrics, errors = [], []
    seen: dict[str, int] = {}
    for qid, line in keys:
        if qid in seen:  # YAML keeps the last of two equal keys without a word: say so instead
            errors.append(
                BankError(path.name, f"line {line} ({qid})", f"duplicate id: also on line {seen[qid]}")
            )
        seen.setdefault(qid, line)
    for qid, data in document.items():
        line = lines.get(qid, 1)
        rubric, problems = _entry(qid, data, path.name, line)
        errors += [BankError(path.name, f"line {line} ({qid})", p) for p in problems]
        if rubric:
            rubrics.append(rubric)
    return rubrics, errors


def load_rubrics(directory: Path) -> tuple[dict[str, Rubric], list[BankError]]:
    """Every rubric file of a bank folder; an id given twice is an error naming both places."""
    folder = directory / RUBRIC_DIR
    found: dict[str, Rubric] = {}
    errors: list[BankError] = []
    if not folder.is_dir():
        return found, errors
    for path in sorted(folder.glob("*.y*ml")):
        rubrics, problems = load_rubric_file(path)
        errors += problems
        for rubric in rubrics:
            first = found.get(rubric.id)
            if first:
                errors.append(
                    BankError(
                        rubric.file,
                        f"line {rubric.line} ({rubric.id})",
                        f"duplicate id: already given in {first.file}, line {first.line}",
                    )
                )
                continue
            found[rubric.id] = rubric
    return found, errors


def rubric_files(directory: Path) -> list[Path]:
    folder = directory / RUBRIC_DIR
    return sorted(folder.glob("*.y*ml")) if folder.is_dir() else []


def unsupported_terms(point: KeyPoint, sources: list[str]) -> list[str]:
    """The point's content words that neither its references (nor its prompt) nor its accepted
    phrasings contain: a point may only say what the reference says."""
    from bot.grading.text import clean_markdown, content_stems

    known = {s for text in sources for s in content_stems(clean_markdown(text))}
    known |= {s for phrase in point.accept for s in content_stems(phrase)}
    return [word for word in content_stems(point.text) if word not in known]
