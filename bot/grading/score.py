"""From point judgements to a 0-100 score and a verdict.

The score is the importance-weighted share of the rubric the answer states (a point stated in part
counts for the part stated), raised to a power below one so that stating most points is correct; 100
means every point and nothing missed. A contradiction costs its point's weight and keeps the answer
below "partial"; a bare list of terms names without explaining and stays below "correct" (below
"partial" when padded with terms that belong to no point); an answer that fits another question better
than this one and states none of this one's points is "incorrect".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.grading.judgements import CONTRADICTED, COVERED, Judgement
from bot.grading.params import SHIPPED, Params
from bot.grading.rubric import Rubric
from bot.grading.text import content_stems, is_content, stem, tokens

CORRECT_AT = 80
PARTIAL_AT = 45
CONTRADICTED_CAP = 40  # most an answer that contradicts a point can score
OFF_QUESTION_CAP = 20  # most an answer to another question can score
LISTED_MOST = 0.5  # a bare list: most of the answer's words name terms with no sentence around them
LISTED_AT_LEAST = 0.3  # below this share of bare terms an answer is prose, and its items are not counted
PROSE_ENOUGH = 15  # content words of sentences (two or so) that make a list an explained answer
_ITEMS = re.compile(r"[,;\n+=|:]|->|→|\b(?:and|or|vs)\b|\.\s")


@dataclass(frozen=True)
class Reading:
    """What the whole answer looks like, beside its point judgements."""

    listed: float  # share of its words in bare lists of terms, 0-1
    precision: float  # share of its list items that belong to some point, 0-1
    off_question: float  # how much better another question's reference fits it, 0-1
    prose: int = 0  # content words outside bare lists
    list_asked: bool = False  # the question's reference is a list too ("Name some applications…")

    def bare(self, params: Params = SHIPPED) -> bool:
        """Mostly names terms, without the sentences around them that explain ("Fix: mixed precision,
        model parallelism" under an explained issue is a structured answer, not a bare list), where
        the reference explains."""
        return self.listed >= LISTED_MOST and self.prose < PROSE_ENOUGH and not self.list_asked

    def padded(self, params: Params = SHIPPED) -> bool:
        """... and several of those terms belong to no point."""
        return self.bare(params) and self.precision < params.term_precision

    def elsewhere(self, params: Params = SHIPPED) -> bool:
        return self.off_question >= params.off_question_at


def verdict(score: int) -> str:
    if score >= CORRECT_AT:
        return "correct"
    return "partial" if score >= PARTIAL_AT else "incorrect"


def total(judgements: Sequence[Judgement], reading: Reading, params: Params = SHIPPED) -> int:
    """100 for every point; short of that, the share of the rubric's weight the answer earns."""
    if not judgements:
        return 0
    weights = [params.importance**j.point.rank for j in judgements]
    credit = sum(
        (-1.0 if j.state == CONTRADICTED else j.strength) * w
        for j, w in zip(judgements, weights, strict=True)
    )
    share = max(0.0, credit / sum(weights))
    if all(j.state == COVERED for j in judgements):
        result = 100
    else:
        result = min(99, round(100 * share**params.generosity))
    if any(j.state == CONTRADICTED for j in judgements):
        result = min(result, CONTRADICTED_CAP)
    if reading.bare(params):
        result = min(result, params.padded_cap if reading.padded(params) else CORRECT_AT - 1)
    if answers_another(judgements, reading, params):
        result = min(result, OFF_QUESTION_CAP)
    return result


def answers_another(judgements: Sequence[Judgement], reading: Reading, params: Params = SHIPPED) -> bool:
    """Fits another question's reference better and states none of this question's points: an answer
    that states one is (in part) an answer to this question, whatever else it talks about."""
    return reading.elsewhere(params) and not any(j.state == COVERED for j in judgements)


def read(text: str, stems: Sequence[str], rubric: Rubric, others: tuple[frozenset[str], ...]) -> Reading:
    """How the answer (`text`, whose content stems are `stems`) reads as a whole."""
    listed, precision, prose = _lists(text, rubric)
    return Reading(listed, precision, _off_question(stems, rubric, others), prose, rubric.list_asked)


def _lists(text: str, rubric: Rubric) -> tuple[float, float, int]:
    """How much of the answer names terms without a sentence around them, how many of the named items
    belong to a point, and how many words it spends on sentences.

    A clause of prose has function words between its terms ("Dropout randomly disables units during
    training"); a list has none ("dropout weight decay early stopping data augmentation"), however it
    is punctuated. A terse list of exactly the right terms (each holding an accepted phrasing of a point)
    is an answer; one padded with loose terms is a guess.
    """
    words = listed = 0
    for part in re.split(r"[,;\n]", text):
        toks = tokens(part)
        content = [stem(t) for t in toks if is_content(t)]
        if not content:
            continue
        words += len(content)
        function = len(toks) - len(content)
        if function == 0:  # not a word between the terms: a name, not a sentence
            listed += len(content)
    share = listed / words if words else 0.0
    phrases = [set(phrase.stems) for p in rubric.points for phrase in p.accepts]
    if share < LISTED_AT_LEAST or not phrases:  # prose; or no accepted phrasings to tell padding by
        return share, 1.0, words - listed
    items = [set(stems) for stems in map(content_stems, _ITEMS.split(text)) if stems]
    belong = sum(1 for item in items if any(phrase <= item for phrase in phrases))
    return share, belong / len(items) if items else 1.0, words - listed


def _off_question(answer: Sequence[str], own: Rubric, others: tuple[frozenset[str], ...]) -> float:
    """How much better the answer's words fit another question's reference than this one's, 0-1.

    Terms are weighted by how few of the references at hand use them, so shared jargon ("model",
    "training") does not decide which question an answer belongs to.
    """
    unique = set(answer)
    if not others or not unique:
        return 0.0
    known = _frequencies(own.vocab, others)
    rarest = math.log(2 + len(others)) + 0.1  # a word no reference at hand uses
    idf = {t: known.get(t, rarest) for t in unique}
    weight = sum(idf.values())

    def fit(vocab: frozenset[str]) -> float:
        return sum(v for t, v in idf.items() if t in vocab) / weight

    return max(0.0, max(fit(v) for v in others) - fit(own.vocab))


@lru_cache(maxsize=1024)
def _frequencies(own: frozenset[str], others: tuple[frozenset[str], ...]) -> dict[str, float]:
    """Inverse document frequency of every word of the references at hand, computed once per question."""
    docs = (own, *others)
    counts = Counter(t for d in docs for t in d)
    return {t: math.log((1 + len(docs)) / (1 + n)) + 0.1 for t, n in counts.items()}
