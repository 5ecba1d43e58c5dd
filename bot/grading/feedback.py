"""The one friendly sentence on the grade card: the most useful next step, not a verdict restated."""

from __future__ import annotations

from collections.abc import Sequence

from bot.grading.score import CORRECT_AT, OFF_QUESTION_AT, PARTIAL_AT, Signals
from bot.grading.text import shorten

TOO_SHORT = "Write a sentence or two in your own words, so there is something to grade."
ALIAS = "Correct, that is one of the accepted answers."


def sentence(score: int, sig: Signals, missed: Sequence[str]) -> str:
    hint = f": {shorten(missed[0], 70)}" if missed else "."
    if sig.off_question >= OFF_QUESTION_AT and score < PARTIAL_AT:
        return (
            "This reads like an answer to a different question; re-read the prompt and answer what it asks."
        )
    if sig.term_list >= 0.5:
        return "You named relevant terms; now explain in a sentence or two how they fit together."
    if sig.negated or sig.flips or sig.aligned_flips or sig.bound_flips or sig.blurred:
        return "Double-check your claims: part of the answer seems to say the opposite of the reference."
    if score >= CORRECT_AT:
        return "Solid answer." if not missed else f"Solid answer; for full marks also mention{hint}"
    if score >= PARTIAL_AT:
        if not missed:
            return "Good start; explain the points in a little more depth for full marks."
        return f"Good start; to round it out, also cover{hint}"
    if not missed:
        return "Not quite; explain the idea in your own words and check each claim against the question."
    return f"Not quite; a good answer would start from{hint}"
