"""Team-written questions in YAML: validated entry by entry, so one bad entry never hides the rest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.bank.model import DIFFICULTIES, KINDS, TOPICS

ALLOWED = {"id", "prompt", "answer", "key_points", "topic", "difficulty", "kind", "aliases", "tips"}
MAX_FILE_BYTES = 2_000_000  # the largest shipped guide is ~225 KB; a bigger file is a mistake, not a bank
MAX_REFERENCE_CHARS = 20_000  # a reference longer than this cannot be shown or graded as one answer


@dataclass(frozen=True)
class BankError:
    file: str
    entry: str  # "entry 3 ('What is X?')", "line 12", or "file" for problems with the whole file
    problem: str

    def __str__(self) -> str:
        return f"{self.file}, {self.entry}: {self.problem}"


@dataclass(frozen=True)
class YamlEntry:
    line: int
    data: dict[str, Any]


def read_text(path: Path) -> tuple[str, BankError | None]:
    """A bank file's text, or why it cannot be one: too large, or not UTF-8 (never silently mangled)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return "", BankError(
            path.name, "file", f"{size:,} bytes; bank files are limited to {MAX_FILE_BYTES:,}"
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return "", BankError(
            path.name,
            f"line {line}",
            f"not UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8 and try again",
        )


def yaml_problem(error: yaml.YAMLError) -> str:
    """PyYAML's own words, with its line and column."""
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return f"not valid YAML: {where}{problem}"


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _problems(data: dict[str, Any]) -> list[str]:
    from bot.bank.rubric import parse_points

    problems = [f"unknown field {key!r}" for key in data if key not in ALLOWED]
    for field in ("prompt", "answer"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            problems.append(f"{field!r} is required and must be non-empty text")
    answer = data.get("answer")
    if isinstance(answer, str) and len(answer) > MAX_REFERENCE_CHARS:
        problems.append(f"'answer' is {len(answer):,} characters; the limit is {MAX_REFERENCE_CHARS:,}")
    if "id" in data and (not isinstance(data["id"], str) or not data["id"].strip()):
        problems.append("'id' must be non-empty text")
    if "key_points" in data:
        problems += parse_points(data["key_points"], "key_points")[1]
    for field in ("aliases", "tips"):
        if field in data and not _string_list(data[field]):
            problems.append(f"{field!r} must be a list of non-empty strings")
    for field, allowed in (("topic", TOPICS), ("difficulty", DIFFICULTIES), ("kind", KINDS)):
        if field in data and data[field] not in allowed:
            problems.append(f"{field!r} is {data[field]!r}; expected one of: {', '.join(allowed)}")
    return problems


def load_yaml_file(path: Path) -> tuple[list[YamlEntry], list[BankError]]:
    name = path.name
    text, error = read_text(path)
    if error:
        return [], [error]
    try:
        document = yaml.safe_load(text)
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        return [], [BankError(name, "file", yaml_problem(exc))]
    if isinstance(document, dict) and "questions" in document:
        document = document["questions"]
    if not isinstance(document, list):
        return [], [BankError(name, "file", "expected a list of questions (or a 'questions:' list)")]
    lines = _entry_lines(node)
    entries, errors = [], []
    ids: dict[str, str] = {}
    for index, data in enumerate(document, start=1):
        line = lines[index - 1] if index <= len(lines) else 1
        label = f"entry {index} (line {line})"
        if not isinstance(data, dict):
            errors.append(BankError(name, label, "expected a mapping with 'prompt' and 'answer'"))
            continue
        if isinstance(data.get("prompt"), str):
            label += f" ({data['prompt'].strip()[:60]!r})"
        problems = _problems(data)
        qid = data.get("id")
        if isinstance(qid, str) and qid in ids:
            problems.append(f"duplicate id {qid!r}: already used by {ids[qid]}")
        elif isinstance(qid, str):
            ids[qid] = f"entry {index}"
        if problems:
            errors.extend(BankError(name, label, p) for p in problems)
        else:
            entries.append(YamlEntry(line, data))
    return entries, errors


def _entry_lines(node: yaml.Node | None) -> list[int]:
    """Line numbers of the list's entries, for `sources` and error messages."""
    if isinstance(node, yaml.MappingNode):
        node = next((v for k, v in node.value if k.value == "questions"), node)
    if isinstance(node, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in node.value]
    return []
