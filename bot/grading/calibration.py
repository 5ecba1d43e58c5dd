"""A rubric checked against its own references: what fires on them is not trusted for that question.

A reference states the right thing by definition. A wrong claim the matcher finds in one ("a smaller
student model is trained to mimic a larger teacher" holds every word of "a student model trains the
teacher"), or a point a reference seems to state the other way round, shows where word matching cannot
see who does what to whom in this question's wording; a member's answer would be flagged for the same
words. So such a wrong claim is dropped; and where a reference seems to deny the point itself, or to
say one of its accepted phrasings negated, the point is contradicted only by its remaining wrong
claims (its phrasings still count it covered). `interview-bot bank validate` lists them for a curator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.bank.model import KeyPoint
from bot.grading.idf import word_weight
from bot.grading.judgements import Seen, evidence
from bot.grading.rubric import Point, Rubric, prepare
from bot.grading.text import clauses, clean_markdown


@dataclass(frozen=True)
class Misfire:
    """A reference read as contradicting a point, through one wrong claim, one accepted phrasing said
    negated, or the point's own words (`index` then None)."""

    point: str
    kind: str  # "wrong", "accept" or "own"
    index: int | None
    reference: int


@lru_cache(maxsize=4096)
def calibrated(
    references: tuple[str, ...], key_points: tuple[KeyPoint, ...] = (), prompt: str = ""
) -> Rubric:
    """The question's rubric without the contradictions its own references set off."""
    rubric = prepare(references, key_points, prompt)
    found = misfires(references, rubric, prompt)
    if not found:
        return rubric
    points = []
    for p in rubric.points:
        dropped = {(m.kind, m.index) for m in found if m.point == p.text}
        points.append(
            replace(
                p,
                accepts_deny=p.accepts_deny and not any(kind == "accept" for kind, _ in dropped),
                wrongs=tuple(w for i, w in enumerate(p.wrongs) if ("wrong", i) not in dropped),
                own_denies=p.own_denies and ("own", None) not in dropped,
            )
        )
    return replace(rubric, points=tuple(points))


def misfires(references: Sequence[str], rubric: Rubric, prompt: str = "") -> list[Misfire]:
    """Each way a point can be contradicted, tried alone on every reference, weighing words as grading
    does (the question's own words count for little)."""
    weight = word_weight(tuple(references), (), prompt)
    answers = [Seen(clauses(clean_markdown(r, code=True))) for r in references]
    found = []
    for p in rubric.points:
        # Tried with no other points: a negation about another point's subject still counts here.
        alone = replace(p, accepts=(), wrongs=(), own_denies=False, accepts_deny=False, others=frozenset())
        trials: list[tuple[str, int | None, Point]] = [("own", None, replace(alone, own_denies=True))]
        if p.accepts_deny:
            trials += [
                ("accept", i, replace(alone, accepts=(a,), accepts_deny=True))
                for i, a in enumerate(p.accepts)
            ]
        trials += [("wrong", i, replace(alone, wrongs=(w,))) for i, w in enumerate(p.wrongs)]
        for kind, index, point in trials:
            if kind == "own" and not p.own_denies:
                continue
            hit = next((n for n, seen in enumerate(answers) if evidence(point, seen, weight).denied), None)
            if hit is not None:
                found.append(Misfire(p.text, kind, index, hit))
    return found
