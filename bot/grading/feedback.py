"""The one friendly sentence on the grade card: it describes the judgement and names the next step."""

from __future__ import annotations

from collections.abc import Sequence

from bot.grading.judgements import CONTRADICTED, MISSED, PARTLY, Judgement
from bot.grading.score import CORRECT_AT, PARTIAL_AT

TOO_SHORT = "Write a sentence or two in your own words, so there is something to grade."
ALIAS = "Correct, that is one of the accepted answers."
NO_ANSWER = "No problem, that is what practice is for. A good answer starts from: {point}."
TERM_LIST = "You named relevant terms; now explain in a sentence or two how they fit together."
OFF_QUESTION = (
    "This reads like an answer to a different question; re-read the prompt and answer what it asks."
)


def _first(judgements: Sequence[Judgement], *states: str) -> str | None:
    return next((j.point.text.rstrip(".") for j in judgements if j.state in states), None)


def sentence(score: int, judgements: Sequence[Judgement], *, term_list: bool, off_question: bool) -> str:
    wrong = _first(judgements, CONTRADICTED)
    if wrong:
        return f"Check your claims: your answer says the opposite of “{wrong}”."
    if off_question:
        return OFF_QUESTION
    if term_list:
        return TERM_LIST
    missing = _first(judgements, MISSED, PARTLY)
    if missing is None:
        return "Full marks: you covered every point."
    if score >= CORRECT_AT:
        return f"Correct. To round it out, also mention: {missing}."
    if score >= PARTIAL_AT:
        return f"Good start. To complete it, also cover: {missing}."
    return f"Not quite yet. A good answer starts from: {missing}."


def no_answer(judgements: Sequence[Judgement]) -> str:
    first = _first(judgements, MISSED, PARTLY, CONTRADICTED) or "the key idea in your own words"
    return NO_ANSWER.format(point=first)
