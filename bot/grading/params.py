"""Every number of the grader fitted to data, in one place.

benchmarks/grading_agreement.py fits them on one half of the development set's questions and reports
them on the other half and on out-of-domain data; benchmarks/RESULTS.md records how far each figure
moves between fit and report. Everything else is a definition, not a fit: the verdict bands, the caps
on contradicted and off-question answers, a bare list being most of an answer's words
(`score.LISTED_MOST`), and the question's own words showing no knowledge (`idf.word_weight`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Params:
    """The grader's fitted numbers; `SHIPPED` holds the values fitted on half A of the development set."""

    covered_at: float = 0.5  # share of a point's rarity-weighted words one clause states to cover it
    partly_at: float = 0.1  # ... to state it in part
    wrong_at: float = 0.7  # share of a wrong claim's weighted words, in its order, that makes it
    importance: float = 1.0  # each point's weight relative to the one before it in the rubric
    term_precision: float = 0.7  # a bare list with fewer of its items accepted phrasings than this is padded
    off_question_at: float = 0.15  # rarity-weighted margin by which another question's reference fits better
    padded_cap: int = 25  # most a bare list padded with terms that belong to no point can score
    generosity: float = 0.5  # score = 100 * share ** generosity: where "correct" starts (verdicts only)


SHIPPED = Params()
