"""The points an answer is judged on, prepared once per question and reused for every answer.

A curated rubric (`bot.bank.rubric`) gives each point its accepted phrasings and the wrong claims that
contradict it. Without one (a team file, a batch line with only a reference), the reference's own
statements are the points (`bot.bank.key_points`), and a reference too short to hold a statement ("by
reference.") is one point as it stands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.bank.key_points import extract_key_points
from bot.bank.model import KeyPoint
from bot.grading.opposites import opposites
from bot.grading.text import clauses, clean_markdown, content_stems


@dataclass(frozen=True)
class Phrase:
    """Content stems in order, and which of them the phrase itself denies ("without retraining")."""

    stems: tuple[str, ...]
    negated: frozenset[str]
    passive: frozenset[str] = frozenset()  # said in the passive voice ("is trained")
    sided: bool = False  # its negation is the point's ("vanishing gradients" of "avoids vanishing gradients")
    turns: tuple[frozenset[str], ...] = ()  # per word, its opposites the phrase does not also say


@dataclass(frozen=True)
class Point:
    text: str  # as the grade card shows it
    own: Phrase  # the point's own words
    accepts: tuple[Phrase, ...]
    wrongs: tuple[Phrase, ...]
    rank: int  # 0 for the most important point
    own_denies: bool = True  # its own words said the other way round contradict it (grading.calibration)
    parts: tuple[Phrase, ...] = ()  # its claims after the first ("…; lower is better"), with its subject
    sides: frozenset[str] = frozenset()  # the two subjects it sets apart ("BERT is …; GPT is …")
    others: frozenset[str] = frozenset()  # the other points' own words it does not use: the rest's matter
    accepts_deny: bool = True  # so does an accepted phrasing said negated ("never use dropout")


@dataclass(frozen=True)
class Rubric:
    points: tuple[Point, ...]
    vocab: frozenset[str]  # every stem of the references and points: what "on topic" means here
    curated: bool
    list_asked: bool = False  # the question asks for names ("Name a few…"): a list is the expected form


def phrase(text: str) -> Phrase:
    parts = clauses(clean_markdown(text))
    stems = tuple(s for c in parts for s in c.stems)
    negated = frozenset(s for c in parts for s, n in zip(c.stems, c.negated, strict=True) if n)
    passive = frozenset(s for c in parts for s, p in zip(c.stems, c.passive, strict=True) if p)
    unique = tuple(dict.fromkeys(stems))
    turns = tuple(opposites(s) - set(unique) for s in unique)
    return Phrase(unique, negated, passive, turns=turns)


def _sided(accepted: Phrase, own: Phrase) -> Phrase:
    """A phrasing of a point built on a denial names what the point denies ("vanishing gradients" for
    "avoids vanishing gradients"): it states the point only where the answer denies it too."""
    if not own.negated or accepted.negated:
        return accepted
    negated = frozenset(accepted.stems) & own.negated
    return replace(accepted, negated=negated, sided=True) if negated else accepted


def _parts(text: str, own: Phrase) -> tuple[Phrase, ...]:
    """The claims after a semicolon; a short one without a subject of its own ("lower is better") is
    about the point's subject ("perplexity … lower is better")."""
    out = []
    for part in map(phrase, text.split(";")[1:]):
        if len(part.stems) < 2:
            continue
        if len(part.stems) <= 3 and own.stems[0] not in part.stems:
            part = phrase(" ".join((own.stems[0], *part.stems)))
        out.append(part)
    return tuple(out)


def _sides(text: str) -> frozenset[str]:
    """The subjects of a curated point that sets two things apart, "A does X; B does Y": the first words of
    its two claims, when they differ."""
    claims = [phrase(part).stems for part in text.split(";")]
    if len(claims) != 2 or not all(claims):
        return frozenset()
    heads = frozenset(c[0] for c in claims)
    return heads if len(heads) == 2 else frozenset()


def _points(key_points: Sequence[KeyPoint], curated: bool) -> tuple[Point, ...]:
    out: list[Point] = []
    for kp in key_points:
        own = phrase(kp.text)
        if not own.stems:
            continue
        accepts = tuple(_sided(p, own) for p in map(phrase, kp.accept) if p.stems)
        out.append(
            Point(
                kp.text,
                own,
                accepts,
                tuple(p for p in map(phrase, kp.wrong) if p.stems),
                len(out),
                own_denies=not own.negated,  # a point built on its own denial ("if no constructor…")
                parts=_parts(kp.text, own),
                sides=_sides(kp.text) if curated else frozenset(),
            )
        )
    return tuple(
        replace(p, others=frozenset(s for q in out if q is not p for s in q.own.stems) - set(p.own.stems))
        for p in out
    )


# Questions that ask for names rather than explanations, where a list of terms is the answer.
LIST_ASKED = re.compile(
    r"^\s*(?:name|list|enumerate|give)\b|^\s*what are (?:some|a few|the (?:most )?common)\b|\bexamples of\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def prepare(references: tuple[str, ...], key_points: tuple[KeyPoint, ...] = (), prompt: str = "") -> Rubric:
    """A question's rubric: its curated points, else statements derived from its first reference."""
    curated = bool(key_points)
    if not curated:
        first = next((r for r in references if r.strip()), "")
        derived = extract_key_points(first) or (clean_markdown(first).strip(),)
        key_points = tuple(KeyPoint(text) for text in derived if text)
    points = _points(key_points, curated)
    vocab = frozenset(s for text in references for s in content_stems(clean_markdown(text)))
    vocab |= {s for p in points for s in p.own.stems}
    return Rubric(points, vocab, curated, list_asked=bool(LIST_ASKED.search(prompt)))
