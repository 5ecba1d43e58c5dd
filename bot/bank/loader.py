"""Build the bank from a folder of guides and team files: parse, classify, merge, cache."""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.bank.classify import classify_difficulty, classify_kind, classify_topic
from bot.bank.key_points import extract_key_points
from bot.bank.markdown import Skipped, parse_markdown
from bot.bank.merge import group_duplicates, normalise
from bot.bank.model import Question, Reference, Source
from bot.bank.yaml_file import BankError, load_yaml_file
from bot.errors import SetupError

log = logging.getLogger(__name__)

# The cache key covers the parser's own source, so a code change can never serve a stale bank.
_PARSER_SOURCE = b"".join(p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.py")))
SUFFIXES = (".md", ".yaml", ".yml")
DEFAULT_CACHE = Path("data") / "cache"


def question_id(prompt: str) -> str:
    """Depends on the question alone, so edits elsewhere in its file never change it (docs/bank.md)."""
    return "q-" + hashlib.sha1(normalise(prompt).encode("utf-8")).hexdigest()[:10]


@dataclass
class Bank:
    questions: list[Question]
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[BankError] = field(default_factory=list)
    merged_duplicates: int = 0
    by_source: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_id = {q.id: q for q in self.questions}

    def get(self, qid: str) -> Question | None:
        return self._by_id.get(qid)

    def topics(self) -> dict[str, int]:
        return dict(Counter(q.topic for q in self.questions))

    def stats(self) -> dict:
        data = {
            "total": len(self.questions),
            "by_source": dict(self.by_source),
            "by_topic": dict(sorted(self.topics().items())),
            "by_difficulty": dict(sorted(Counter(q.difficulty for q in self.questions).items())),
            "by_kind": dict(sorted(Counter(q.kind for q in self.questions).items())),
            "merged_duplicates": self.merged_duplicates,
            "skipped": [
                {"source": s.source, "line": s.line, "heading": s.heading, "reason": s.reason}
                for s in self.skipped
            ],
        }
        if self.errors:
            data["errors"] = [{"file": e.file, "entry": e.entry, "problem": e.problem} for e in self.errors]
        return data


@dataclass(frozen=True)
class _Draft:
    """One guide's question before merging."""

    prompt: str
    reference: Reference
    topic: str
    difficulty: str
    kind: str
    explicit_id: str | None = None
    aliases: tuple[str, ...] = ()


def _from_markdown(path: Path, text: str) -> tuple[list[_Draft], list[Skipped]]:
    raw, skipped = parse_markdown(text, path.name)
    drafts = []
    for q in raw:
        kind = classify_kind(q.prompt)
        drafts.append(
            _Draft(
                prompt=q.prompt,
                reference=Reference(q.answer, extract_key_points(q.answer), Source(path.name, q.line)),
                topic=classify_topic(q.prompt, q.section, q.answer, kind),
                difficulty=classify_difficulty(q.prompt, q.section, q.answer, kind),
                kind=kind,
            )
        )
    return drafts, skipped


def _from_yaml(path: Path) -> tuple[list[_Draft], list[BankError]]:
    entries, errors = load_yaml_file(path)
    drafts = []
    for entry in entries:
        d = entry.data
        prompt, answer = d["prompt"].strip(), d["answer"].strip()
        kind = d.get("kind") or classify_kind(prompt)
        points = tuple(d.get("key_points") or extract_key_points(answer))
        drafts.append(
            _Draft(
                prompt=prompt,
                reference=Reference(answer, points, Source(path.name, entry.line)),
                topic=d.get("topic") or classify_topic(prompt, "", answer, kind),
                difficulty=d.get("difficulty") or classify_difficulty(prompt, "", answer, kind),
                kind=kind,
                explicit_id=d.get("id"),
                aliases=tuple(d.get("aliases") or ()),
            )
        )
    return drafts, errors


def _merge(drafts: list[_Draft]) -> tuple[list[Question], int]:
    groups = group_duplicates([d.prompt for d in drafts])
    members: dict[int, list[_Draft]] = {}
    for draft, leader in zip(drafts, groups, strict=True):
        members.setdefault(leader, []).append(draft)
    questions = []
    for group in members.values():
        primary = group[0]
        aliases = tuple(dict.fromkeys(a for d in group for a in d.aliases))
        questions.append(
            Question(
                id=primary.explicit_id or question_id(primary.prompt),
                prompt=primary.prompt,
                topic=primary.topic,
                difficulty=primary.difficulty,
                kind=primary.kind,
                references=tuple(d.reference for d in group),
                aliases=aliases,
            )
        )
    return questions, len(drafts) - len(questions)


def _files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise SetupError(f"The question folder {directory} does not exist; set QUESTIONS_DIR to your bank.")
    return sorted(
        p
        for p in directory.iterdir()
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not p.name.startswith(".")
        and not p.name.lower().startswith("readme")
    )


def build_bank(files: list[Path]) -> Bank:
    drafts: list[_Draft] = []
    skipped: list[Skipped] = []
    errors: list[BankError] = []
    by_source: dict[str, int] = {}
    for path in files:
        if path.suffix.lower() == ".md":
            found, skips = _from_markdown(path, path.read_text(encoding="utf-8", errors="replace"))
            skipped += skips
        else:
            found, problems = _from_yaml(path)
            errors += problems
        by_source[path.name] = len(found)
        drafts += found
    questions, merged = _merge(drafts)
    return Bank(questions, skipped, errors, merged, by_source)


def _cache_key(files: list[Path]) -> str:
    digest = hashlib.sha256(_PARSER_SOURCE)
    for path in files:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:24]


def load_bank(
    directory: Path | str | None = None, *, use_cache: bool = True, cache_dir: Path = DEFAULT_CACHE
) -> Bank:
    """Every bank file in a folder (default: QUESTIONS_DIR), cached by file contents and parser source."""
    if directory is None:
        from bot.settings import get_settings

        directory = get_settings().questions_dir
    files = _files(Path(directory))
    if not use_cache:
        return build_bank(files)
    cached = cache_dir / f"bank-{_cache_key(files)}.pickle"
    try:
        return pickle.loads(cached.read_bytes())
    except (OSError, pickle.PickleError, EOFError, AttributeError):
        pass
    bank = build_bank(files)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(pickle.dumps(bank))
    except OSError as error:
        log.info("bank cache not written (%s); loading stays correct, only slower", error)
    return bank
