"""Team-written questions in YAML: validated entry by entry, so one bad entry never hides the rest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.bank.model import DIFFICULTIES, KINDS, TOPICS

ALLOWED = {"id", "prompt", "answer", "key_points", "topic", "difficulty", "kind", "aliases"}


@dataclass(frozen=True)
class BankError:
    file: str
    entry: str  # "entry 3 ('What is X?')", or "file" for problems with the whole file
    problem: str

    def __str__(self) -> str:
        return f"{self.file}, {self.entry}: {self.problem}"


@dataclass(frozen=True)
class YamlEntry:
    line: int
    data: dict[str, Any]


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _problems(data: dict[str, Any]) -> list[str]:
    problems = [f"unknown field {key!r}" for key in data if key not in ALLOWED]
    for field in ("prompt", "answer"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            problems.append(f"{field!r} is required and must be non-empty text")
    if "id" in data and (not isinstance(data["id"], str) or not data["id"].strip()):
        problems.append("'id' must be non-empty text")
    for field in ("key_points", "aliases"):
        if field in data and not _string_list(data[field]):
            problems.append(f"{field!r} must be a list of non-empty strings")
    for field, allowed in (("topic", TOPICS), ("difficulty", DIFFICULTIES), ("kind", KINDS)):
        if field in data and data[field] not in allowed:
            problems.append(f"{field!r} is {data[field]!r}; expected one of: {', '.join(allowed)}")
    return problems


def load_yaml_file(path: Path) -> tuple[list[YamlEntry], list[BankError]]:
    name = path.name
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return [], [BankError(name, "file", f"not valid YAML: {str(error).splitlines()[0]}")]
    if isinstance(document, dict) and "questions" in document:
        document = document["questions"]
    if not isinstance(document, list):
        return [], [BankError(name, "file", "expected a list of questions (or a 'questions:' list)")]
    lines = _entry_lines(path)
    entries, errors = [], []
    for index, data in enumerate(document, start=1):
        label = f"entry {index}"
        if not isinstance(data, dict):
            errors.append(BankError(name, label, "expected a mapping with 'prompt' and 'answer'"))
            continue
        if isinstance(data.get("prompt"), str):
            label += f" ({data['prompt'].strip()[:60]!r})"
        problems = _problems(data)
        if problems:
            errors.extend(BankError(name, label, p) for p in problems)
        else:
            entries.append(YamlEntry(lines[index - 1] if index <= len(lines) else 1, data))
    return entries, errors


def _entry_lines(path: Path) -> list[int]:
    """Line numbers of the list's entries, for `sources`; best effort, never fails the load."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return []
    if isinstance(node, yaml.MappingNode):
        node = next((v for k, v in node.value if k.value == "questions"), node)
    if isinstance(node, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in node.value]
    return []
