"""What a member would notice about the grader, on invented questions (not the development set)."""

from __future__ import annotations

from bot.grading import GRADER_VERSION, Grade, grade_answer
from bot.grading.points import matched_stems, prepare
from bot.grading.text import content_stems

CHAIR = (
    "A chair is a piece of furniture with a raised seat, a back and usually four legs, used by one person."
)
SORT = (
    "Merge sort splits the list into two halves, sorts each half recursively and then merges the two "
    "sorted halves into one sorted list. It runs in O(n log n) time and needs extra memory for merging."
)
SORT_POINTS = (
    "splits the list into halves",
    "sorts each half recursively",
    "merges the sorted halves",
    "runs in O(n log n) time",
)


def grade(answer: str, reference: str = SORT, points: tuple[str, ...] = SORT_POINTS, **kw) -> Grade:
    return grade_answer(answer, [(reference, points)], prompt="How does merge sort work?", **kw)


def test_air_does_not_match_chair() -> None:
    assert "chair" not in matched_stems(content_stems("air"), prepare(CHAIR).vocab)
    g = grade_answer("Fresh air flows around the room", [(CHAIR, ())], prompt="What is a chair?")
    assert g.verdict == "incorrect"
    assert not g.covered


def test_empty_and_one_word_answers_score_zero_with_a_friendly_message() -> None:
    for answer in ("", "   \n", "mergesort", "  recursion!  "):
        g = grade(answer)
        assert (g.score, g.verdict) == (0, "incorrect")
        assert "sentence" in g.feedback
        assert g.missed  # the card can still show what a good answer covers


def test_a_good_explanation_beats_a_term_list() -> None:
    good = grade(
        "You cut the list into two halves, sort each half recursively, then merge the two sorted halves "
        "back together; overall that takes O(n log n) time."
    )
    stuffed = grade("merge, sort, halves, recursively, sorted, list, O(n log n), memory, time.")
    assert good.verdict == "correct"
    assert stuffed.verdict != "correct"
    assert stuffed.score < good.score - 20
    assert "explain" in stuffed.feedback


def test_negating_the_reference_is_penalised() -> None:
    reference = "Dropout is a regularisation technique: it randomly zeroes activations during training."
    points = ("regularisation technique", "randomly zeroes activations during training")
    right = grade_answer(
        "Dropout is a regularisation technique that randomly zeroes activations during training.",
        [(reference, points)],
    )
    flipped = grade_answer(
        "Dropout is not a regularisation technique and never zeroes activations during training.",
        [(reference, points)],
    )
    assert flipped.verdict != "correct"
    assert flipped.score < right.score - 15


def test_an_antonym_flip_is_penalised() -> None:
    reference = "BERT is an encoder-only model trained with masked language modelling to understand text."
    right = grade_answer(
        "BERT is an encoder-only model trained by masked language modelling.", [(reference, ())]
    )
    flipped = grade_answer(
        "BERT is a decoder-only model trained by masked language modelling.", [(reference, ())]
    )
    assert flipped.score < right.score
    assert flipped.verdict != "correct"


def test_a_paraphrase_gets_at_least_partial() -> None:
    g = grade(
        "The algorithm keeps dividing the input in two until pieces have a single element, handles each "
        "part by calling itself, then combines neighbouring ordered runs into larger ordered runs. Every "
        "level costs linear work and there are logarithmically many levels, so the total is n log n, "
        "at the price of an auxiliary buffer."
    )
    assert g.verdict in ("partial", "correct")


def test_merged_question_keeps_the_best_reference() -> None:
    answer = (
        "Merge sort splits the list into halves, sorts each half recursively and merges the sorted halves."
    )
    alone = grade_answer(answer, [(CHAIR, ())])
    merged = grade_answer(answer, [(CHAIR, ()), (SORT, SORT_POINTS)])
    assert merged.score == grade(answer).score
    assert merged.score > alone.score
    assert set(merged.covered) <= set(SORT_POINTS)


def test_covered_and_missed_use_the_references_words() -> None:
    g = grade("It splits the list into two halves and sorts each half recursively, then merges them.")
    assert g.covered and g.missed
    assert set(g.covered) | set(g.missed) == set(SORT_POINTS)
    derived = grade("It splits the list into halves, sorts them recursively and merges.", points=())
    for point in derived.covered + derived.missed:
        assert point.rstrip("…") in SORT


def test_answer_to_another_question_is_caught_with_distractors() -> None:
    other = (
        "Gradient descent updates the weights by stepping against the gradient of the loss "
        "with a learning rate."
    )
    answer = (
        "You step the weights against the gradient of the loss, scaled by a learning rate, "
        "until it converges."
    )
    g = grade(answer, distractors=[other, CHAIR])
    assert g.verdict == "incorrect"
    assert "different question" in g.feedback


def test_markdown_code_does_not_dominate_coverage() -> None:
    reference = (
        SORT + "\n\n```python\ndef merge_sort(xs):\n    return sorted(xs)  # merge sort list halves\n```\n"
    )
    g = grade_answer("merge_sort(xs) returns sorted(xs) in python def", [(reference, ())])
    assert g.verdict == "incorrect"
    assert all("def " not in p and "return" not in p for p in g.covered + g.missed)


def test_aliases_are_accepted() -> None:
    g = grade_answer(
        "retrieval augmented generation",
        [("A long reference about RAG pipelines.", ())],
        aliases=("Retrieval-Augmented Generation",),
    )
    assert g.verdict == "correct"


def test_huge_and_odd_unicode_answers_do_not_crash() -> None:
    huge = "merge sort splits halves recursively " * 3000 + "🙂 日本語 \u0000 \ud7ff"
    g = grade(huge)
    assert 0 <= g.score <= 100
    assert grade("ＭＥＲＧＥ　ｓｏｒｔ splits the list ½ → halves").verdict in (
        "incorrect",
        "partial",
        "correct",
    )


def test_the_version_is_recorded() -> None:
    d = grade("Merge sort splits the list in halves and merges them back sorted.").to_dict()
    assert d["version"].startswith(GRADER_VERSION)  # "+minilm-1" with the semantic layer
    assert set(d) == {
        "score",
        "verdict",
        "covered",
        "missed",
        "contradicted",
        "feedback",
        "version",
        "attempted",
    }
    assert isinstance(d["covered"], list) and d["attempted"] is True


def test_a_swapped_claim_inside_one_sentence_is_caught() -> None:
    # Both sides of the pair appear in the reference, so only a sentence-local check sees the swap.
    reference = (
        "BERT stacks only the encoder blocks and reads the text in both directions at once. "
        "GPT stacks only the decoder blocks and predicts the next token from left to right."
    )
    right = grade_answer(
        "BERT stacks the encoder blocks and reads text in both directions, while GPT stacks the decoder "
        "blocks and predicts the next token left to right.",
        [(reference, ())],
    )
    swapped = grade_answer(
        "BERT stacks the decoder blocks and reads text in both directions, while GPT stacks the encoder "
        "blocks and predicts the next token left to right.",
        [(reference, ())],
    )
    assert right.verdict != "incorrect"
    assert swapped.verdict == "incorrect"
    assert swapped.score < right.score - 20
    assert "opposite" in swapped.feedback


def test_points_on_the_card_are_short_phrases_not_cut_mid_word() -> None:
    reference = (
        "**Gradient clipping**: rescales the gradient whenever its norm exceeds a threshold, which keeps "
        "a single bad batch from blowing up the weights in recurrent networks.\n"
        "- It is cheap, because it only needs the norm of the gradient that backpropagation already "
        "computed, and it is applied right before the optimizer step in the training loop."
    )
    g = grade_answer("Clipping rescales gradients when the norm is above a threshold.", [(reference, ())])
    points = g.covered + g.missed
    assert len(points) == 2
    for point in points:
        assert len(point) <= 61
        assert point.rstrip("…").split()[-1] in reference.replace(",", " ").split()  # whole words
    assert points[0].startswith("Gradient clipping: rescales the gradient")


def test_the_default_grader_does_not_load_the_semantic_layer() -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "GRADER_SEMANTIC"}
    code = (
        "import sys; from bot.grading import grade_answer; "
        "grade_answer('merge sort splits halves and merges them', [('Merge sort splits the list.', ())]); "
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


SORTS = (
    "Quicksort or merge sort?\n"
    "- Memory — Quicksort: sorts in place and needs less memory; Merge sort: needs an extra buffer.\n"
    "- Speed — Quicksort: usually faster on arrays thanks to cache locality; Merge sort: slower on "
    "arrays, but stable and with a guaranteed O(n log n) worst case."
)


def test_a_comparison_with_the_roles_swapped_is_caught() -> None:
    # Every word of the swapped answer is in the reference; only who is faster has changed.
    right = grade_answer(
        "Quicksort is usually faster than merge sort on arrays because of cache locality, and it sorts "
        "in place, while merge sort needs an extra buffer but is stable.",
        [(SORTS, ())],
    )
    swapped = grade_answer(
        "Merge sort is usually faster than quicksort on arrays because of cache locality, and it sorts "
        "in place, while quicksort needs an extra buffer but is stable.",
        [(SORTS, ())],
    )
    assert right.verdict == "correct"
    assert swapped.verdict == "incorrect"
    assert swapped.score < right.score - 40
    assert "opposite" in swapped.feedback


def test_a_pronoun_keeps_the_subject_of_the_sentence_before() -> None:
    # "it" is quicksort: saying it is slower than merge sort contradicts the reference.
    wrong = grade_answer(
        "Quicksort sorts in place with little memory, but it is slower on arrays than merge sort, "
        "which has a guaranteed O(n log n) worst case.",
        [(SORTS, ())],
    )
    right = grade_answer(
        "Quicksort sorts in place with little memory, and it is faster on arrays than merge sort, "
        "which has a guaranteed O(n log n) worst case.",
        [(SORTS, ())],
    )
    assert wrong.verdict == "incorrect"
    assert right.score > wrong.score + 30


def test_naming_both_sides_for_one_subject_is_not_correct() -> None:
    reference = (
        "Lasso versus ridge:\n- Lasso: L1 penalty, sparse weights, so it also selects features.\n"
        "- Ridge: L2 penalty, dense weights that all shrink but stay non-zero."
    )
    right = grade_answer(
        "Lasso uses an L1 penalty that leaves sparse weights and so selects features, while ridge uses "
        "an L2 penalty that leaves dense weights which all shrink but stay non-zero.",
        [(reference, ())],
    )
    hedged = grade_answer(
        "Lasso and ridge both use a penalty with sparse and dense weights that shrink and select features; "
        "lasso uses L1 and ridge uses L2.",
        [(reference, ())],
    )
    assert right.verdict == "correct"
    assert hedged.verdict != "correct"
    assert hedged.score < right.score


def test_short_forms_meet_the_words_they_stand_for() -> None:
    reference = "The context window is the maximum number of tokens a model reads at once, prompt and output."
    g = grade_answer("max tokens the model reads, prompt included", [(reference, ())])
    assert len(g.covered) == 1 and not g.missed  # "max" is "maximum": the point is covered, not missed
