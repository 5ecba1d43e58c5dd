"""Grade a free-text interview answer against reference answers: a pure function of strings.

No storage and no platform here; callers store `Grade.to_dict()` (which carries GRADER_VERSION)
with the answer so old grades can be told apart when the scoring changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from bot.grading import cues, feedback, semantic
from bot.grading.idf import rarity_for
from bot.grading.points import prepare, split_points
from bot.grading.score import (
    Signals,
    combine,
    off_question,
    prompt_subject,
    signals,
    verdict,
)
from bot.grading.text import MAX_CHARS, content_stems, tokens

if TYPE_CHECKING:
    from bot.bank.model import Question

GRADER_VERSION = "light-3"
# The words of a non-answer ("I do not know", "no idea, pass", "not sure, sorry"): an answer made of these
# alone has nothing to grade, like emoji alone, and is no attempt.
NON_ANSWER = frozenset(content_stems("no not know idea idk dunno clue pass skip sure unsure sorry lol"))
ALIAS_MATCH = 90.0  # token_set_ratio at which an answer "is" an accepted alternative answer
ALIAS_SCORE = 90

__all__ = ["GRADER_VERSION", "Grade", "assess", "grade_answer", "grade_question"]


@dataclass(frozen=True)
class Grade:
    score: int  # 0-100
    verdict: str  # "correct" | "partial" | "incorrect"
    covered: tuple[str, ...]  # key points covered, in the reference's words
    missed: tuple[str, ...]
    feedback: str  # one friendly sentence
    version: str = GRADER_VERSION
    contradicted: tuple[str, ...] = ()  # points the answer states the opposite of
    attempted: bool = True  # False: nothing to grade ("I do not know", emoji alone); keeps no streak alive

    def to_dict(self) -> dict:
        d = asdict(self)
        d["covered"], d["missed"] = list(self.covered), list(self.missed)
        d["contradicted"] = list(self.contradicted)
        return d


References = Sequence[tuple[str, Sequence[str]]]


def grade_answer(
    answer: str,
    references: References,
    *,
    prompt: str = "",
    aliases: Sequence[str] = (),
    distractors: Sequence[str] = (),
) -> Grade:
    """Grade against every reference (a merged question has several) and keep the best."""
    return assess(answer, references, prompt=prompt, aliases=aliases, distractors=distractors)[0]


def assess(
    answer: str,
    references: References,
    *,
    prompt: str = "",
    aliases: Sequence[str] = (),
    distractors: Sequence[str] = (),
) -> tuple[Grade, Signals | None]:
    """The grade and the signals behind it (None when the answer was too short to look at)."""
    answer = (answer or "")[:MAX_CHARS]
    if len(tokens(answer)) <= 1:
        return Grade(0, "incorrect", (), _all_points(references), feedback.TOO_SHORT, attempted=False), None
    alias = _matching_alias(answer, aliases)
    if alias:
        return Grade(ALIAS_SCORE, verdict(ALIAS_SCORE), (alias,), (), feedback.ALIAS), None
    prompt_stems = prompt_subject(prompt)
    answer_stems = content_stems(answer)
    refs = [prepare(text, tuple(points)) for text, points in references if text.strip() or points]
    if not refs or not answer_stems or set(answer_stems) <= NON_ANSWER:
        return Grade(0, "incorrect", (), _all_points(references), feedback.TOO_SHORT, attempted=False), None
    off = off_question(answer_stems, refs, prompt_stems, distractors)
    rarity = rarity_for((r.text for r in refs), tuple(distractors))
    answer_clauses = cues.clauses(answer)
    answer_claims = cues.claims(answer)
    sims = semantic.point_match(answer, refs)
    best: tuple[int, Signals, tuple[str, ...], tuple[str, ...]] | None = None
    for i, ref in enumerate(refs):
        sig, matched = signals(
            answer, ref, answer_stems, prompt_stems, off, rarity, answer_clauses, answer_claims
        )
        if sims is not None:
            sig = replace(sig, semantic=sims[i])
        score = combine(sig, curated=ref.curated)
        covered, missed = split_points(ref, matched)
        if best is None or (score, len(covered)) > (best[0], len(best[2])):
            best = (score, sig, covered, missed)
    assert best is not None
    score, sig, covered, missed = best
    version = GRADER_VERSION if sims is None else f"{GRADER_VERSION}+{semantic.SEMANTIC_VERSION}"
    grade = Grade(score, verdict(score), covered, missed, feedback.sentence(score, sig, missed), version)
    return grade, sig


def grade_question(question: Question, answer: str, *, distractors: Sequence[str] = ()) -> Grade:
    """Convenience for a bank question: all its references, its prompt and its aliases."""
    return grade_answer(
        answer,
        [(r.answer, r.key_points) for r in question.references],
        prompt=question.prompt,
        aliases=question.aliases,
        distractors=distractors,
    )


def _matching_alias(answer: str, aliases: Sequence[str]) -> str | None:
    processed = default_process(answer)
    for alias in aliases:
        if (
            len(tokens(alias)) >= 2
            and fuzz.token_set_ratio(processed, default_process(alias)) >= ALIAS_MATCH
            and len(processed) <= 3 * len(default_process(alias))
        ):
            return alias
    return None


def _all_points(references: References) -> tuple[str, ...]:
    for text, points in references:
        if text.strip() or points:
            return tuple(p.text for p in prepare(text, tuple(points)).points)
    return ()
