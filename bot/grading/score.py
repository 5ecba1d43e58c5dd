"""From an answer and one reference to a 0-100 score: the signals, then their weighted sum.

The weights are a least-squares fit of the 0-5 human grade on half of the development set's
questions (`benchmarks/grading_agreement.py` refits each half and reports the other one). Plain
numbers, so a reviewer can read what matters. Caps then keep term lists, contradicted claims and
answers to another question from ever reading as "correct", whatever their overlap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.grading import cues
from bot.grading.idf import Rarity
from bot.grading.points import Reference, coverage, matched_stems, prepare
from bot.grading.text import QUESTION_WORDS, content_stems, tokens

POINT_TARGET = 3  # points a good short answer covers
OFF_QUESTION_AT = 0.15  # idf-weighted margin at which an answer clearly fits another question better
LONG_ANSWER = 100  # distinct content words; beyond this, length says nothing more
CORRECT_AT = 80
PARTIAL_AT = 45
CAPPED_AT = CORRECT_AT - 1  # most a flagged answer can score
MIN_MATCHED = 2  # an answer sharing fewer reference terms than this is about something else
UNRELATED_AT = 20  # ... and scores at most this
CONTRADICTED_AT = 40  # most an answer with an opposite inside a reference claim can score
OFF_RECALL = 0.3  # an answer fitting another question that uses less of its own reference than this ...
RECALL_SHARE = 1 / 3  # rarity-weighted share of a reference's terms a full spoken answer uses


@dataclass(frozen=True)
class Signals:
    coverage: float  # key points covered, 0-1
    precision: float  # share of the answer's terms found in the reference or question
    words: int  # distinct content words in the answer (repeating a word explains nothing more)
    matched: int  # distinct reference terms the answer uses
    term_list: float  # share of the answer that is a bare term list, 0-1
    negated: int  # reference terms the answer negates
    flips: int  # opposites of reference terms ("decoder" where the reference says "encoder")
    absolutes: int  # "always", "never", "automatically"...
    off_question: float  # how much better the answer fits another question's reference, 0-1
    recall: float = 0.0  # rarity-weighted share of the reference's terms the answer uses, over RECALL_SHARE
    aligned_flips: int = 0  # opposites within the reference clause an answer clause lines up with
    bound_flips: int = 0  # attributes the reference gives the other way round to the same subject
    blurred: int = 0  # both sides of an opposite named for a subject the reference gives one side
    semantic: float | None = None  # best embedding similarity to one reference point, when the layer is on

    def features(self) -> tuple[float, ...]:
        """The model's inputs, in FEATURES order; counts are capped so one cue cannot dominate."""
        return (
            1.0,
            self.precision,
            math.log1p(min(self.words, LONG_ANSWER)),
            self.term_list,
            min(self.negated, 2),
            min(self.flips, 2),
            min(self.absolutes, 2),
            min(1.0, self.off_question / OFF_QUESTION_AT),
            self.recall,
            self.coverage,
            min(self.aligned_flips + self.bound_flips, 2),
            math.sqrt(self.recall),
        )

    @property
    def flagged(self) -> bool:
        """Signs of a wrong answer that overlap must not outweigh."""
        return (
            self.term_list >= 0.5
            or self.negated + self.flips + self.aligned_flips + self.bound_flips + self.absolutes > 0
            or self.blurred > 0
            or self.off_question >= OFF_QUESTION_AT
        )


FEATURES = (
    "bias",
    "precision",
    "log_words",
    "term_list",
    "negated",
    "flips",
    "absolutes",
    "off_question",
    "recall",
    "coverage",
    "claim_flips",
    "sqrt_recall",
)
# Fitted on half A of the development set's questions (grade 0-5 scale).
WEIGHTS: tuple[float, ...] = (
    -4.053,
    2.317,
    1.76,
    -1.051,
    -0.318,
    -0.172,
    -0.416,
    -0.759,
    -1.729,
    -0.393,
    -1.259,
    3.792,
)


def signals(
    answer: str,
    ref: Reference,
    answer_stems: list[str],
    prompt_stems: frozenset[str],
    off_question: float,
    rarity: Rarity | None = None,
    answer_clauses: list[frozenset[str]] | None = None,
    answer_claims: tuple[cues.Claim, ...] | None = None,
) -> tuple[Signals, frozenset[str]]:
    unique = set(answer_stems)
    matched = matched_stems(unique, ref.vocab | prompt_stems)
    ref_matched = matched & ref.vocab
    recall = 0.0
    if rarity is not None and ref.vocab:
        weight = rarity.weight
        total = sum(weight(t) for t in ref.vocab)
        recall = min(1.0, sum(weight(t) for t in ref_matched) / total / RECALL_SHARE)
    if answer_clauses is None:
        answer_clauses = cues.clauses(answer)
    if answer_claims is None:
        answer_claims = cues.claims(answer)
    bound, blurred = cues.bound_flips(answer_claims, ref.claims, rarity.weight if rarity else len)
    sig = Signals(
        coverage=coverage(ref, ref_matched, POINT_TARGET),
        precision=len(unique & matched) / len(unique) if unique else 0.0,
        words=len(unique),
        matched=len(ref_matched),
        term_list=cues.term_list_share(answer),
        negated=cues.negated_claims(answer, ref_matched, ref.stems),
        flips=cues.antonym_flips(unique, ref.vocab),
        absolutes=cues.absolutes(tokens(answer)),
        off_question=off_question,
        recall=recall,
        aligned_flips=cues.aligned_flips(answer_clauses, ref.clauses),
        bound_flips=bound,
        blurred=blurred,
    )
    return sig, ref_matched


def combine(
    sig: Signals,
    weights: Sequence[float] = WEIGHTS,
    curated: bool = False,
    semantic: tuple[float, float] | None = None,
    floor: tuple[int, float] | None = None,
) -> int:
    """Weighted sum on the 0-5 grade scale, mapped to 0-100, capped below "correct" when flagged.

    Curated key points are a rubric: covering them is worth at least that share of the marks.
    With the semantic layer on, embedding similarity (weight, center) moves the grade, and an
    unflagged answer close enough to a reference point, and sharing more than MIN_MATCHED of its
    terms (being on the topic is not an explanation), scores at least the floor (score, threshold);
    both before the caps, so an answer sharing under two reference terms stays "unrelated".
    """
    grade = sum(w * x for w, x in zip(weights, sig.features(), strict=True))
    lift = 0
    if sig.semantic is not None:
        from bot.grading.semantic import SEMANTIC_CENTER, SEMANTIC_FLOOR, SEMANTIC_FLOOR_AT, SEMANTIC_WEIGHT

        weight, center = semantic or (SEMANTIC_WEIGHT, SEMANTIC_CENTER)
        grade += weight * (sig.semantic - center)
        at_least, threshold = floor or (SEMANTIC_FLOOR, SEMANTIC_FLOOR_AT)
        if not sig.flagged and sig.matched > MIN_MATCHED and sig.semantic >= threshold:
            lift = min(at_least, CAPPED_AT)
    score = max(lift, round(max(0.0, min(100.0, 20.0 * grade))))
    if curated:
        score = max(score, round(100 * sig.coverage))
    if sig.matched < MIN_MATCHED:
        score = min(score, UNRELATED_AT)
    if sig.aligned_flips or sig.bound_flips:
        score = min(score, CONTRADICTED_AT)
    if sig.off_question >= OFF_QUESTION_AT and sig.recall < OFF_RECALL:
        score = min(score, UNRELATED_AT)
    return min(score, CAPPED_AT) if sig.flagged else score


def verdict(score: int) -> str:
    if score >= CORRECT_AT:
        return "correct"
    return "partial" if score >= PARTIAL_AT else "incorrect"


def prompt_subject(prompt: str) -> frozenset[str]:
    return frozenset(content_stems(prompt, QUESTION_WORDS))


def off_question(
    answer_stems: list[str],
    own: Sequence[Reference],
    prompt_stems: frozenset[str],
    distractors: Sequence[str],
) -> float:
    """How much better the answer fits another question's reference than any of its own, 0-1.

    Terms are weighted by rarity across the references at hand, so shared jargon ("model",
    "training") does not decide which question an answer belongs to.
    """
    if not distractors or not answer_stems:
        return 0.0
    others = [prepare(d).vocab for d in distractors]
    mine = [r.vocab | prompt_stems for r in own]
    docs = mine + others
    unique = set(answer_stems)
    idf = {t: math.log((1 + len(docs)) / (1 + sum(t in d for d in docs))) + 0.1 for t in unique}
    total = sum(idf.values())

    def fit(vocab: frozenset[str]) -> float:
        return sum(v for t, v in idf.items() if t in vocab) / total

    return max(0.0, max(fit(v) for v in others) - max(fit(v) for v in mine))
