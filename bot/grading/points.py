"""Key points of a reference and how many of them an answer covers.

A reference without explicit key points is cut into its own sentences and bullets, so covered and
missed points are always shown in the reference's words. Matching is per whole stem (exact, or a
close spelling for words of five letters or more), which tolerates typos without substring traps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.grading.cues import Claim, claims, clauses
from bot.grading.text import STOPWORDS, clean_markdown, content_stems, sentences

MAX_POINTS = 12  # derived points beyond this are detail a spoken answer would not reach
TYPO_MIN_LEN = 5
TYPO_SCORE = 85.0
COVERED_AT = 0.5  # share of a point's words an answer needs for the point to count as covered
LABEL_CHARS = 60  # a point on the grade card: a short phrase, not a sentence


@dataclass(frozen=True)
class Point:
    text: str  # as shown on the grade card: a short label
    stems: frozenset[str]
    weight: float
    full: str = ""  # the point in full, for the semantic layer


@dataclass(frozen=True)
class Reference:
    """A reference answer prepared once and reused for every answer graded against it."""

    points: tuple[Point, ...]
    vocab: frozenset[str]
    stems: tuple[str, ...]
    curated: bool  # key points were given, not derived from the text
    clauses: tuple[frozenset[str], ...] = ()  # content stems per clause, for sentence-local cues
    text: str = ""  # the cleaned reference text
    claims: tuple[Claim, ...] = ()  # attributes bound to subjects, for role swaps


def _is_heading(line: str) -> bool:
    return line.rstrip().endswith(":") and len(line.split()) <= 5


def _derive_points(text: str) -> list[str]:
    """Sentences and bullets that say something: headings and one-word fragments are skipped."""
    found = [s for s in sentences(text) if not _is_heading(s) and len(content_stems(s)) >= 2]
    return found[:MAX_POINTS]


@lru_cache(maxsize=4096)
def prepare(reference: str, key_points: tuple[str, ...] = ()) -> Reference:
    """Parse a reference (markdown allowed) and its key points; cached because one reference grades many."""
    text = clean_markdown(reference)
    raw_points = [clean_markdown(p).strip() for p in key_points if p.strip()] or _derive_points(text)
    points = []
    for i, raw in enumerate(raw_points):
        stems = frozenset(content_stems(raw))
        if stems:
            # Earlier points usually hold the definition; later ones are detail and examples.
            points.append(Point(label(raw), stems, 1.0 / (1.0 + 0.25 * i), raw))
    all_stems = content_stems(text)
    vocab = frozenset(all_stems).union(*(p.stems for p in points))
    return Reference(
        tuple(points), vocab, tuple(all_stems), bool(key_points), tuple(clauses(text)), text, claims(text)
    )


_PAREN = re.compile(r"\s+\([^()]*\)")
_CLAUSE_SPLIT = (", ", "; ", " - ", " – ", " — ", " which ", " so that ", " because ", " while ", " whereas ")


def label(point: str, limit: int = LABEL_CHARS) -> str:
    """A point as shown on the grade card: a short phrase in the reference's own words.

    In order: the point itself if short; without its parentheses; its first clause; a short
    "Term:" (a bold term, once markdown is gone) with the start of its explanation; else the point
    cut at a word (never mid-word) and marked with "…".
    """
    text = " ".join(point.split()).strip(" .;,:")
    if len(text) <= limit:
        return text
    bare = _PAREN.sub("", text)
    if len(bare) <= limit:
        return bare
    clause = _first_clause(bare)
    if len(content_stems(clause)) >= 3 and len(clause) <= limit:
        return clause
    term, colon, rest = bare.partition(": ")
    if colon and len(term.split()) <= 5:
        rest = _first_clause(rest)
        return f"{term}: {rest}" if len(term) + 2 + len(rest) <= limit else _cut(f"{term}: {rest}", limit)
    return _cut(clause if len(content_stems(clause)) >= 3 else bare, limit)


def _first_clause(text: str) -> str:
    cut = len(text)
    for sep in _CLAUSE_SPLIT:
        i = text.find(sep)
        if 0 < i < cut:
            cut = i
    return text[:cut].strip(" .;,:")


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    words = text[: limit + 1].split(" ")
    if len(words) > 1:
        words = words[:-1]  # the last one may be cut mid-word
    while len(words) > 1 and words[-1].lower().strip(",;:") in STOPWORDS:
        words.pop()  # "… of the" says nothing
    return " ".join(words).rstrip(",;:(") + "…"


def matched_stems(answer_stems: Iterable[str], vocab: frozenset[str]) -> frozenset[str]:
    """Reference stems that the answer uses: exact stems, plus near-spellings of longer words."""
    answer = set(answer_stems)
    hits = answer & vocab
    long_answer = [a for a in answer - hits if len(a) >= TYPO_MIN_LEN]
    if long_answer:
        for word in vocab - hits:
            if len(word) >= TYPO_MIN_LEN and process.extractOne(
                word, long_answer, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE
            ):
                hits.add(word)
    return frozenset(hits)


def point_coverage(point: Point, matched: frozenset[str]) -> float:
    return len(point.stems & matched) / len(point.stems)


def coverage(ref: Reference, matched: frozenset[str], target: int) -> float:
    """Weighted point coverage, normalised by what a good short answer covers (the first `target` points)."""
    if not ref.points:
        return 0.0
    weights = sorted((p.weight for p in ref.points), reverse=True)[:target]
    got = sum(p.weight * min(1.0, point_coverage(p, matched) / COVERED_AT) ** 2 for p in ref.points)
    return min(1.0, got / sum(weights))


def split_points(ref: Reference, matched: frozenset[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    covered: list[str] = []
    missed: list[str] = []
    for p in ref.points:
        (covered if point_coverage(p, matched) >= COVERED_AT else missed).append(p.text)
    return tuple(covered), tuple(missed)
