"""Build the bank from a folder of guides and team files: parse, classify, merge, cache."""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.bank.classify import classify_difficulty, classify_kind, classify_topic
from bot.bank.key_points import extract_key_points
from bot.bank.markdown import NO_ANSWER, Skipped, parse_markdown
from bot.bank.merge import first_clause, group_duplicates, normalise
from bot.bank.model import GuideAnswer, KeyPoint, Question, Source
from bot.bank.rubric import Rubric, load_rubrics, parse_points, rubric_files
from bot.bank.yaml_file import BankError, load_yaml_file, read_text
from bot.errors import SetupError

log = logging.getLogger(__name__)

# The cache key covers the parser's own source, so a code change can never serve a stale bank.
_PARSER_SOURCE = b"".join(p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.py")))
SUFFIXES = (".md", ".yaml", ".yml")
DEFAULT_CACHE = Path("data") / "cache"


def question_id(prompt: str, taken: frozenset[str] | set[str] = frozenset()) -> str:
    """Depends on the question alone, so edits elsewhere in its file never change it (docs/bank.md).

    Ids were first derived from a prompt's first clause; they stay so, and only a later question with
    the same first clause ("What is X?" after "What is X, and how…?") takes the whole prompt's digest,
    numbered if even that is taken.
    """
    keys = [first_clause(prompt), normalise(prompt)]
    keys += [f"{keys[1]} {n}" for n in range(2, len(taken) + 3)]
    return next(
        qid for qid in ("q-" + hashlib.sha1(k.encode()).hexdigest()[:10] for k in keys) if qid not in taken
    )


@dataclass
class Bank:
    questions: list[Question]
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[BankError] = field(default_factory=list)
    merged_duplicates: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)  # an absorbed question's id -> the one it joined
    uncurated: list[str] = field(default_factory=list)  # ids of guide questions that have no rubric yet

    def __post_init__(self) -> None:
        self._by_id = {q.id: q for q in self.questions}
        self._by_prompt: dict[str, Question] = {}

    def get(self, qid: str) -> Question | None:
        return self._by_id.get(qid) or self._by_id.get(self.renamed.get(qid, ""))

    def find(self, asked: str) -> Question | None:
        """The question asked in these words: its id, its prompt, or any guide's wording of it."""
        if not self._by_prompt:
            for q in self.questions:
                for prompt in (q.prompt, *(r.prompt for r in q.guide_answers)):
                    self._by_prompt.setdefault(normalise(prompt), q)
        return self.get(asked.strip()) or self._by_prompt.get(normalise(asked))

    def topics(self) -> dict[str, int]:
        return dict(Counter(q.topic for q in self.questions))

    def stats(self) -> dict:
        data = {
            "total": len(self.questions),
            "by_source": dict(self.by_source),
            "by_topic": dict(sorted(self.topics().items())),
            "by_difficulty": dict(sorted(Counter(q.difficulty for q in self.questions).items())),
            "by_kind": dict(sorted(Counter(q.kind for q in self.questions).items())),
            "distinct_by_source": {
                name: sum(any(s.file == name for s in q.sources) for q in self.questions)
                for name in self.by_source
            },
            "merged_duplicates": self.merged_duplicates,
            "key_points": sum(len(q.key_points) for q in self.questions),
            "curated": sum(bool(q.rubric) for q in self.questions),
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
    guide_answer: GuideAnswer
    topic: str
    difficulty: str
    kind: str
    explicit_id: str | None = None
    aliases: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    rubric: tuple[KeyPoint, ...] = ()


def _from_markdown(path: Path, text: str) -> tuple[list[_Draft], list[Skipped]]:
    raw, skipped = parse_markdown(text, path.name)
    drafts = []
    for q in raw:
        kind = classify_kind(q.prompt)
        drafts.append(
            _Draft(
                prompt=q.prompt,
                guide_answer=GuideAnswer(
                    q.answer, extract_key_points(q.answer), Source(path.name, q.line), q.prompt
                ),
                topic=classify_topic(q.prompt, q.section, q.answer, kind),
                difficulty=classify_difficulty(q.prompt, q.section, q.answer, kind),
                kind=kind,
                tips=q.tips,
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
        rubric = parse_points(d["key_points"], "key_points")[0] if "key_points" in d else ()
        drafts.append(
            _Draft(
                prompt=prompt,
                guide_answer=GuideAnswer(
                    answer, extract_key_points(answer), Source(path.name, entry.line), prompt
                ),
                topic=d.get("topic") or classify_topic(prompt, "", answer, kind),
                difficulty=d.get("difficulty") or classify_difficulty(prompt, "", answer, kind),
                kind=kind,
                explicit_id=d.get("id"),
                aliases=tuple(d.get("aliases") or ()),
                tips=tuple(d.get("tips") or ()),
                rubric=rubric,
            )
        )
    return drafts, errors


def _merge(drafts: list[_Draft]) -> list[Question]:
    groups = group_duplicates([d.prompt for d in drafts])
    members: dict[int, list[_Draft]] = {}
    for draft, leader in zip(drafts, groups, strict=True):
        members.setdefault(leader, []).append(draft)
    questions = []
    taken = {d.explicit_id for d in drafts if d.explicit_id}
    for group in members.values():
        primary = group[0]
        qid = primary.explicit_id or question_id(primary.prompt, taken)
        taken.add(qid)
        questions.append(
            Question(
                id=qid,
                prompt=primary.prompt,
                topic=primary.topic,
                difficulty=primary.difficulty,
                kind=primary.kind,
                guide_answers=tuple(d.guide_answer for d in group),
                aliases=tuple(dict.fromkeys(a for d in group for a in d.aliases)),
                tips=tuple(dict.fromkeys(t for d in group for t in d.tips)),
                rubric=next((d.rubric for d in group if d.rubric), ()),
            )
        )
    return questions


def _curate(
    questions: list[Question], rubrics: dict[str, Rubric]
) -> tuple[list[Question], dict[str, str], list[BankError]]:
    """Apply the rubric: merge what it says is one question, then its prompt, topic, difficulty, points."""
    by_id = {q.id: q for q in questions}
    renamed: dict[str, str] = {}
    errors: list[BankError] = []
    for rubric in rubrics.values():
        for other in rubric.merge:
            renamed[other] = rubric.id
            absorbed = by_id.pop(other, None)
            target = by_id.get(rubric.id)
            if absorbed is not None and target is not None:
                by_id[rubric.id] = replace(
                    target,
                    guide_answers=target.guide_answers + absorbed.guide_answers,
                    aliases=tuple(dict.fromkeys(target.aliases + absorbed.aliases)),
                    tips=tuple(dict.fromkeys(target.tips + absorbed.tips)),
                )
    for rubric in rubrics.values():
        question = by_id.get(rubric.id)
        if question is None:
            errors.append(
                BankError(
                    rubric.file,
                    f"line {rubric.line} ({rubric.id})",
                    f"no question has this id ({rubric.prompt[:60]!r}): was its guide heading changed? "
                    "Move the rubric to the question's new id, or delete it with the question",
                )
            )
            continue
        by_id[rubric.id] = replace(
            question,
            prompt=rubric.prompt,
            topic=rubric.topic,
            difficulty=rubric.difficulty,
            rubric=rubric.points,
        )
    order = [q.id for q in questions if q.id in by_id]
    renamed = {old: new for old, new in renamed.items() if new in by_id}
    return [by_id[qid] for qid in order], renamed, errors


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


def build_bank(files: list[Path], rubrics: dict[str, Rubric] | None = None) -> Bank:
    drafts: list[_Draft] = []
    skipped: list[Skipped] = []
    errors: list[BankError] = []
    by_source: dict[str, int] = {}
    for path in files:
        if path.suffix.lower() == ".md":
            text, error = read_text(path)
            if error:
                errors.append(error)
                continue
            found, skips = _from_markdown(path, text)
            skipped += skips
            errors += [
                BankError(s.source, f"line {s.line}", f"question {s.heading!r} has no answer")
                for s in skips
                if s.reason == NO_ANSWER
            ]
        else:
            found, problems = _from_yaml(path)
            errors += problems
        by_source[path.name] = len(found)
        drafts += found
    questions = _merge(drafts)
    errors += _duplicate_ids(drafts)
    renamed: dict[str, str] = {}
    if rubrics:
        questions, renamed, problems = _curate(questions, rubrics)
        errors += problems
    merged = len(drafts) - len(questions)
    uncurated = [q.id for q in questions if not q.rubric and q.sources[0].file.endswith(".md")]
    return Bank(questions, skipped, errors, merged, by_source, renamed, uncurated)


def _duplicate_ids(drafts: list[_Draft]) -> list[BankError]:
    """The same explicit id in two files: one of them would silently replace the other."""
    first: dict[str, Source] = {}
    errors = []
    for draft in drafts:
        if not draft.explicit_id:
            continue
        seen = first.setdefault(draft.explicit_id, draft.guide_answer.source)
        if seen != draft.guide_answer.source and seen.file != draft.guide_answer.source.file:
            where = draft.guide_answer.source
            errors.append(
                BankError(
                    where.file,
                    f"line {where.line}",
                    f"duplicate id {draft.explicit_id!r}: already used in {seen.file}, line {seen.line}",
                )
            )
    return errors


def load_folder(directory: Path) -> Bank:
    """A bank folder's guides and team files, curated by its `rubric/` files."""
    rubrics, problems = load_rubrics(directory)
    bank = build_bank(_files(directory), rubrics)
    bank.errors[:0] = problems
    return bank


def _cache_key(files: list[Path]) -> str:
    digest = hashlib.sha256(_PARSER_SOURCE)
    for path in files:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:24]


def load_bank(directory: Path | str, *, use_cache: bool = True, cache_dir: Path = DEFAULT_CACHE) -> Bank:
    """Every bank file in a folder, cached by file contents and parser source."""
    directory = Path(directory)
    if not use_cache:
        return load_folder(directory)
    cached = cache_dir / f"bank-{_cache_key(_files(directory) + rubric_files(directory))}.pickle"
    try:
        return pickle.loads(cached.read_bytes())
    except (OSError, pickle.PickleError, EOFError, AttributeError):
        pass
    bank = load_folder(directory)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(pickle.dumps(bank))
    except OSError as error:
        log.info("bank cache not written (%s); loading stays correct, only slower", error)
    return bank
