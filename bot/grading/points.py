"""Key points of a reference and how many of them an answer covers.

A reference without explicit key points is cut into its own sentences and bullets, so covered and
missed points are always shown in the reference's words. Matching is per whole stem (exact, or a
close spelling for words of five letters or more), which tolerates typos without substring traps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.grading.text import clean_markdown, content_stems, sentences, shorten

MAX_POINTS = 12  # derived points beyond this are detail a spoken answer would not reach
TYPO_MIN_LEN = 5
TYPO_SCORE = 85.0
COVERED_AT = 0.5  # share of a point's words an answer needs for the point to count as covered


@dataclass(frozen=True)
class Point:
    text: str
    stems: frozenset[str]
    weight: float


@dataclass(frozen=True)
class Reference:
    """A reference answer prepared once and reused for every answer graded against it."""

    points: tuple[Point, ...]
    vocab: frozenset[str]
    stems: tuple[str, ...]
    curated: bool  # key points were given, not derived from the text


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
            points.append(Point(shorten(raw), stems, 1.0 / (1.0 + 0.25 * i)))
    all_stems = content_stems(text)
    vocab = frozenset(all_stems).union(*(p.stems for p in points))
    return Reference(tuple(points), vocab, tuple(all_stems), bool(key_points))


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
