"""Grade a free-text interview answer: a short pipeline of pure functions of strings.

    text → clauses (`text`) → a judgement per rubric point (`judgements`) → score (`score`) → card

The rubric is the question's curated key points (`bot.bank.rubric`), or statements derived from its
reference (`rubric`). The card shows the judgements themselves, so it cannot disagree with the score. No
storage and no platform here; callers store `Grade.to_dict()`, which carries GRADER_VERSION.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from bot.bank.model import KeyPoint
from bot.grading import feedback
from bot.grading.calibration import calibrated
from bot.grading.idf import word_weight
from bot.grading.judgements import CONTRADICTED, COVERED, MISSED, PARTLY, Judgement, judge_all
from bot.grading.rubric import Rubric
from bot.grading.score import Reading, answers_another, read, total, verdict
from bot.grading.text import MAX_CHARS, clauses, clean_markdown, content_stems, tokens
from bot.rules.inbound import plain as readable

if TYPE_CHECKING:
    from bot.bank.model import Question

GRADER_VERSION = "rubric-2"
# The words of a non-answer ("I do not know", "no idea, pass", "not sure, sorry"): an answer made of these
# alone has nothing to grade, like emoji alone, and is no attempt.
_CODE = re.compile(r"```|~~~")
NON_ANSWER = frozenset(content_stems("no not know idea idk dunno clue pass skip sure unsure sorry lol"))
ALIAS_MATCH = 90.0  # token_set_ratio at which an answer "is" an accepted alternative answer
ALIAS_SCORE = 90
PARTLY_MARK = " (in part)"
_NO_ANSWER = re.compile(
    r"^(i\s+)?(do\s*n.?t|dont|don't|do not)\s+know\b|^(no|not a)\s+(idea|clue)\b|^idk\b|^not\s+sure\b"
    r"|^(pass|skip|no answer|nothing)\b",
    re.IGNORECASE,
)

__all__ = ["GRADER_VERSION", "Assessment", "Grade", "assess", "grade_answer", "grade_question"]


@dataclass(frozen=True)
class Grade:
    score: int  # 0-100
    verdict: str  # "correct" | "partial" | "incorrect"
    covered: tuple[str, ...]  # points stated (those stated in part end in PARTLY_MARK)
    missed: tuple[str, ...]
    feedback: str  # one friendly sentence
    version: str = GRADER_VERSION
    contradicted: tuple[str, ...] = ()  # points the answer states the opposite of
    # With an LLM judge: both opinions, and whether the rubric's evidence held the judge back.
    rubric_score: int | None = None
    judge_score: int | None = None
    disputed: bool = False
    attempted: bool = True  # False: nothing to grade ("I do not know", emoji alone); keeps no streak alive

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("covered", "missed", "contradicted"):
            d[key] = list(d[key])
        return d


def grade_answer(
    answer: str,
    references: Sequence[str],
    *,
    key_points: Sequence[KeyPoint | str] = (),
    prompt: str = "",
    aliases: Sequence[str] = (),
    distractors: Sequence[str] = (),
) -> Grade:
    """Grade against a question's references and rubric (derived from the first reference when empty)."""
    return assess(
        answer, references, key_points=key_points, prompt=prompt, aliases=aliases, distractors=distractors
    )[0]


@dataclass(frozen=True)
class Assessment:
    """What a grade rests on: each point's judgement and how the whole answer reads (None: nothing judged)."""

    judgements: tuple[Judgement, ...] = ()
    reading: Reading | None = None


def assess(
    answer: str,
    references: Sequence[str],
    *,
    key_points: Sequence[KeyPoint | str] = (),
    prompt: str = "",
    aliases: Sequence[str] = (),
    distractors: Sequence[str] = (),
) -> tuple[Grade, Assessment]:
    """The grade and what it rests on."""
    points = tuple(KeyPoint(p) if isinstance(p, str) else p for p in key_points)
    rubric = calibrated(tuple(references), points, prompt)
    readable_text = readable((answer or "")[:MAX_CHARS])
    plain = clean_markdown(readable_text).strip()  # how it reads: its code aside
    said = clean_markdown(readable_text, code=True).strip() if _CODE.search(readable_text) else plain
    words, stems = tokens(said), content_stems(said)
    if not rubric.points or len(words) <= 1 or not stems:
        return replace(_grade(0, (), feedback.TOO_SHORT, rubric), attempted=False), Assessment()
    alias = _matching_alias(plain, aliases)
    if alias:
        return Grade(ALIAS_SCORE, verdict(ALIAS_SCORE), (alias,), (), feedback.ALIAS), Assessment()
    weight = word_weight(tuple(references), tuple(distractors), prompt)
    judgements = judge_all(rubric, clauses(said), weight)
    if set(stems) <= NON_ANSWER or (_NO_ANSWER.match(plain) and len(words) <= 8):
        grade = _grade(0, judgements, feedback.no_answer(judgements), rubric)
        return replace(grade, attempted=False), Assessment(judgements)
    reading = read(
        plain, content_stems(plain) if said is not plain else stems, rubric, vocabularies(tuple(distractors))
    )
    result = total(judgements, reading)
    off_question = answers_another(judgements, reading)
    note = feedback.sentence(result, judgements, term_list=reading.bare(), off_question=off_question)
    return _grade(result, judgements, note, rubric), Assessment(judgements, reading)


def grade_question(question: Question, answer: str, *, distractors: Sequence[str] = ()) -> Grade:
    """A bank question: its references, its rubric, its prompt and its accepted alternatives."""
    return grade_answer(
        answer,
        question.answers,
        key_points=question.rubric or question.key_points,
        prompt=question.prompt,
        aliases=question.aliases,
        distractors=distractors,
    )


def _grade(result: int, judgements: Sequence[Judgement], note: str, rubric: Rubric) -> Grade:
    if not judgements:  # nothing judged: every point is still to be made
        return Grade(result, verdict(result), (), tuple(p.text for p in rubric.points), note)
    covered = tuple(
        j.point.text + (PARTLY_MARK if j.state == PARTLY else "")
        for j in judgements
        if j.state in (COVERED, PARTLY)
    )
    missed = tuple(j.point.text for j in judgements if j.state == MISSED)
    contradicted = tuple(j.point.text for j in judgements if j.state == CONTRADICTED)
    return Grade(result, verdict(result), covered, missed, note, contradicted=contradicted)


@lru_cache(maxsize=256)
def vocabularies(distractors: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    """The words of other questions' references, to tell when an answer belongs to one of them."""
    return tuple(frozenset(content_stems(clean_markdown(text))) for text in distractors)


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
