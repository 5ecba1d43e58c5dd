"""The grade card tells the truth: each rubric point judged covered, missed or contradicted, and a score,
verdict and feedback sentence that follow from those judgements. Every question here is invented."""

from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.bank.model import KeyPoint
from bot.grading import GRADER_VERSION, PARTLY_MARK, Grade, grade_answer
from bot.grading.calibration import misfires
from bot.grading.rubric import prepare

OVERFITTING_REF = (
    "Overfitting during fine-tuning is fought with regularization: dropout and weight decay. Stop training "
    "early when the validation loss stops improving. Augment the data to enlarge a small dataset. Use a "
    "small learning rate so the pretrained weights are not overwritten."
)
OVERFITTING = (
    KeyPoint(
        "Regularize with dropout or weight decay.",
        accept=("dropout", "weight decay", "regularization", "l2 penalty"),
        wrong=("dropout causes overfitting",),
    ),
    KeyPoint(
        "Stop training early when the validation loss stops improving.",
        accept=("early stopping", "stop training early", "stop early"),
    ),
    KeyPoint(
        "Augment the data to enlarge a small dataset.",
        accept=("data augmentation", "augment the data", "augment your data", "more training data"),
    ),
    KeyPoint(
        "Use a small learning rate so pretrained weights are not overwritten.",
        accept=("small learning rate", "smaller learning rate", "lower learning rate", "low learning rate"),
        wrong=("increase the learning rate",),
    ),
)
TEMPERATURE_REF = (
    "Temperature scales the logits before sampling. A high temperature makes the output more random and "
    "diverse; a low temperature makes it more deterministic and focused."
)
TEMPERATURE = (
    KeyPoint(
        "Temperature scales the logits before sampling.", accept=("scales the logits", "divides the logits")
    ),
    KeyPoint(
        "A high temperature makes the output more random and diverse.",
        wrong=("high temperature makes output more deterministic",),
    ),
    KeyPoint(
        "A low temperature makes the output more deterministic and focused.",
        wrong=("low temperature makes output more random",),
    ),
)
DISTILLATION_REF = (
    "Knowledge distillation trains a small student model to mimic a large teacher model's output "
    "probabilities, giving a smaller, faster model that keeps most of the accuracy."
)
DISTILLATION = (
    KeyPoint(
        "A small student model is trained to mimic a large teacher model.",
        accept=("student mimics the teacher", "student learns from the teacher"),
        wrong=("student model trains the teacher", "small model trains a larger model"),
    ),
    KeyPoint(
        "The student learns from the teacher's output probabilities.", accept=("soft targets", "soft labels")
    ),
    KeyPoint(
        "The result is a smaller, faster model that keeps most accuracy.", accept=("smaller faster model",)
    ),
)


def overfitting(answer: str) -> Grade:
    return grade_answer(
        answer,
        [OVERFITTING_REF],
        key_points=OVERFITTING,
        prompt="How do you avoid overfitting during fine-tuning?",
    )


def points(grade: Grade) -> dict[str, list[str]]:
    strip = [p.removesuffix(PARTLY_MARK) for p in grade.covered]
    return {"covered": strip, "missed": list(grade.missed), "contradicted": list(grade.contradicted)}


def test_a_point_the_answer_states_is_never_listed_as_missed() -> None:
    grade = overfitting(
        "Use regularization such as dropout, early stopping on validation loss, data augmentation and a "
        "smaller learning rate"
    )
    assert points(grade)["covered"] == [p.text for p in OVERFITTING]
    assert grade.score == 100 and not grade.missed and grade.verdict == "correct"


def test_a_full_score_never_asks_for_more() -> None:
    grade = overfitting("Add dropout, stop early, augment your data and keep a low learning rate.")
    assert grade.score == 100
    assert not re.search(r"also (mention|cover)|to (round|complete) it", grade.feedback)
    assert "every point" in grade.feedback


def test_a_correct_paraphrase_covers_its_points() -> None:
    grade = overfitting("Stop training early when validation loss rises, add dropout, and augment your data.")
    assert grade.verdict == "correct"
    assert set(points(grade)["covered"]) >= {p.text for p in OVERFITTING[:3]}


def test_points_the_answer_negates_are_contradicted_never_covered() -> None:
    grade = overfitting(
        "Increase the learning rate a lot, never use dropout or early stopping, and avoid data augmentation."
    )
    assert points(grade)["covered"] == []
    assert set(grade.contradicted) == {p.text for p in OVERFITTING}
    assert grade.verdict == "incorrect" and "opposite" in grade.feedback


def test_a_bare_list_of_terms_is_never_correct_however_punctuated() -> None:
    for answer in (
        "dropout weight decay early stopping data augmentation smaller learning rate fewer epochs",
        "dropout, weight decay, early stopping, data augmentation, smaller learning rate, fewer epochs",
        "dropout + weight decay + early stopping + data augmentation + smaller learning rate",
    ):
        grade = overfitting(answer)
        assert grade.verdict != "correct", answer
        assert "explain" in grade.feedback


def test_a_list_padded_with_loose_terms_is_incorrect() -> None:
    grade = overfitting("Dropout, GPUs, Kubernetes, tokens, attention, RLHF, embeddings, vector database.")
    assert grade.verdict == "incorrect"


def test_a_list_explained_by_its_sentences_is_a_structured_answer() -> None:
    # Bullets that explain, each closing with a short list of terms, as guides and careful members write.
    grade = overfitting(
        "- Regularization: dropout randomly disables units during training, and weight decay keeps the "
        "weights small.\n  - Tools: dropout, weight decay, L2 penalty\n"
        "- Early stopping: stop training early once the validation loss stops improving.\n"
        "- Data: augment the data to enlarge a small dataset.\n  - Tools: flips, crops, noise\n"
        "- Learning rate: use a small learning rate so the pretrained weights are not overwritten."
    )
    assert grade.verdict == "correct" and not grade.missed and "explain" not in grade.feedback


def test_a_question_that_asks_for_names_accepts_a_list() -> None:
    grade = grade_answer(
        "k-means, hierarchical clustering, DBSCAN",
        ["Common clustering algorithms include k-means, hierarchical clustering and DBSCAN."],
        key_points=(
            KeyPoint("k-means", accept=("k-means",)),
            KeyPoint("hierarchical clustering", accept=("hierarchical",)),
            KeyPoint("DBSCAN", accept=("dbscan",)),
        ),
        prompt="Name a few clustering algorithms.",
    )
    assert grade.score == 100


def test_a_point_built_on_a_denial_is_judged_by_what_the_answer_says() -> None:
    relu = (KeyPoint("ReLU avoids the vanishing gradient problem.", accept=("vanishing gradient",)),)
    ref = ["ReLU avoids the vanishing gradient problem of sigmoid activations."]
    prompt = "Why is ReLU preferred over sigmoid?"
    avoids = grade_answer(
        "ReLU does not suffer from vanishing gradients.", ref, key_points=relu, prompt=prompt
    )
    suffers = grade_answer(
        "ReLU suffers badly from vanishing gradients.", ref, key_points=relu, prompt=prompt
    )
    solves = grade_answer("ReLU solves the vanishing gradient problem.", ref, key_points=relu, prompt=prompt)
    assert avoids.covered and not suffers.covered
    assert not solves.contradicted  # no negation to read in "solves": not a claim against the point


def test_the_passive_voice_is_not_the_active_one() -> None:
    grade = grade_answer(
        "Distillation: the small student model is trained to copy the larger teacher model's soft targets.",
        [DISTILLATION_REF],
        key_points=DISTILLATION,
        prompt="What is knowledge distillation?",
    )
    assert not grade.contradicted and grade.verdict != "incorrect"


def test_a_wrong_claim_its_own_reference_sets_off_is_not_used() -> None:
    # "its student model trains on the teacher outputs" holds the wrong claim's words in its order.
    ref = [
        "A large teacher model is distilled: its student model trains on the teacher outputs "
        "to become a small copy."
    ]
    points = (
        KeyPoint(
            "A large teacher model is copied into a small student model.",
            wrong=("the student model trains the teacher",),
        ),
    )
    prompt = "What is distillation?"
    assert misfires(ref, prepare(tuple(ref), points, prompt), prompt)  # what `bank validate` lists
    grade = grade_answer(ref[0], ref, key_points=points, prompt=prompt)
    assert not grade.contradicted and grade.verdict == "correct"


def test_the_points_own_words_are_not_most_of_a_wrong_claim() -> None:
    # "student … teacher" without "trains" is the point's vocabulary, not the claim that the student trains
    # the teacher: the wrong claim stays in use, and still catches the answer that makes it.
    ref = ["Distillation: a smaller student model learns to mimic a larger teacher model."]
    points = (
        KeyPoint(
            "Distillation trains a smaller student model to mimic a larger teacher model.",
            wrong=("the student model trains the teacher",),
        ),
    )
    prompt = "What is model distillation?"
    assert not misfires(ref, prepare(tuple(ref), points, prompt), prompt)
    assert not grade_answer(ref[0], ref, key_points=points, prompt=prompt).contradicted
    wrong = grade_answer(
        "A small student model is used to train a larger teacher.", ref, key_points=points, prompt=prompt
    )
    assert wrong.contradicted and wrong.verdict == "incorrect"


def test_code_answers_a_coding_question() -> None:
    ref = [
        "```python\ntokenizer = AutoTokenizer.from_pretrained('gpt2')\n"
        "ids = tokenizer(text, return_tensors='pt').input_ids\n```"
    ]
    points = (
        KeyPoint("Loads the pretrained GPT-2 tokenizer."),
        KeyPoint("Tokenizes the text into input ids as PyTorch tensors."),
    )
    prompt = "Write code that tokenizes a text for GPT-2."
    code = (
        "```py\ntok = GPT2Tokenizer.from_pretrained('gpt2')\n"
        "input_ids = tok(text, return_tensors='pt')['input_ids']\n```"
    )
    grade = grade_answer(code, ref, key_points=points, prompt=prompt)
    assert grade.attempted and grade.verdict == "correct"
    unrelated = grade_answer("```py\nprint('hello world')\n```", ref, key_points=points, prompt=prompt)
    assert unrelated.verdict == "incorrect"


def test_swapped_opposites_contradict_the_point() -> None:
    grade = grade_answer(
        "A higher temperature makes the model more deterministic, and a low temperature makes the output "
        "more random.",
        [TEMPERATURE_REF],
        key_points=TEMPERATURE,
        prompt="What does temperature do in LLM sampling?",
    )
    assert set(grade.contradicted) == {TEMPERATURE[1].text, TEMPERATURE[2].text}
    assert grade.verdict == "incorrect"


def test_two_opposites_together_agree_with_the_point() -> None:
    grade = grade_answer(
        "A low temperature makes the output more deterministic, a high one makes it more random.",
        [TEMPERATURE_REF],
        key_points=TEMPERATURE,
        prompt="What does temperature do in LLM sampling?",
    )
    assert not grade.contradicted
    assert {TEMPERATURE[1].text, TEMPERATURE[2].text} <= set(points(grade)["covered"])


def test_swapped_roles_are_a_wrong_claim() -> None:
    grade = grade_answer(
        "A small student model is used to train a larger teacher model.",
        [DISTILLATION_REF],
        key_points=DISTILLATION,
        prompt="What is knowledge distillation?",
    )
    assert DISTILLATION[0].text in grade.contradicted and grade.verdict == "incorrect"
    right = grade_answer(
        "The large teacher model trains a small student to copy its soft targets.",
        [DISTILLATION_REF],
        key_points=DISTILLATION,
        prompt="What is knowledge distillation?",
    )
    assert not right.contradicted and right.verdict != "incorrect"


def test_a_short_reference_is_one_point_an_answer_can_state_whole() -> None:
    grade = grade_answer(
        "Arrays are passed to functions by reference.",
        ["by reference."],
        prompt="How are arrays passed to functions in C++?",
    )
    assert grade.verdict == "correct" and grade.covered == ("by reference.",)


def test_a_one_sentence_reference_is_one_point() -> None:
    reference = "A pointer is a variable that stores the memory address of another variable."
    grade = grade_answer(
        "It holds the address in memory of some other variable.", [reference], prompt="What is a pointer?"
    )
    assert grade.covered == (reference,) and not grade.missed


def test_i_do_not_know_is_not_an_answer_to_a_different_question() -> None:
    grade = overfitting("I do not know, sorry")
    assert grade.score == 0 and not grade.attempted
    assert "different question" not in grade.feedback
    assert OVERFITTING[0].text.rstrip(".") in grade.feedback


def test_an_answer_to_another_question_is_recognised() -> None:
    grade = grade_answer(
        "Knowledge distillation trains a small student model to mimic a large teacher model's output "
        "probabilities.",
        [OVERFITTING_REF],
        key_points=OVERFITTING,
        prompt="How do you avoid overfitting during fine-tuning?",
        distractors=[DISTILLATION_REF, TEMPERATURE_REF],
    )
    assert grade.verdict == "incorrect" and "different question" in grade.feedback


def test_an_answer_that_states_a_point_is_not_called_an_answer_to_another_question() -> None:
    grade = grade_answer(
        "Use dropout. Knowledge distillation trains a small student model to mimic a large teacher model's "
        "output probabilities.",
        [OVERFITTING_REF],
        key_points=OVERFITTING,
        prompt="How do you avoid overfitting during fine-tuning?",
        distractors=[DISTILLATION_REF, TEMPERATURE_REF],
    )
    assert OVERFITTING[0].text in grade.covered
    assert "different question" not in grade.feedback and grade.score > 20


def test_a_synonym_states_the_word_of_the_point() -> None:
    reference = "Vague prompts lead to irrelevant responses."
    said = grade_answer(
        "Ambiguous prompts yield unrelated answers.", [reference], prompt="Why do prompts need care?"
    )
    assert said.covered == (reference,)
    other = grade_answer("Short prompts are cheaper.", [reference], prompt="Why do prompts need care?")
    assert other.missed == (reference,)


def test_whether_or_not_denies_nothing() -> None:
    reference = "The body of a do-while loop runs at least once."
    grade = grade_answer(
        "A do-while loop decides whether or not to loop again after its body runs, so the body runs at "
        "least once.",
        [reference],
        prompt="How does a do-while loop differ from a while loop?",
    )
    assert grade.covered == (reference,) and not grade.contradicted


def test_not_outside_says_inside() -> None:
    reference = "Local variables can only be accessed inside the function that declares them."
    agrees = grade_answer(
        "A local variable cannot be accessed outside the function that declares it.",
        [reference],
        prompt="Where can a local variable be used?",
    )
    assert not agrees.contradicted and agrees.verdict != "incorrect"
    denies = grade_answer(
        "Local variables can be accessed outside the function that declares them.",
        [reference],
        prompt="Where can a local variable be used?",
    )
    assert denies.contradicted == (reference,)


def test_saying_a_concern_is_no_concern_contradicts_it() -> None:
    risks = (
        KeyPoint("Models can leak private data, a privacy risk.", accept=("privacy", "leak private data")),
        KeyPoint("Biased training data gives biased outputs.", accept=("bias",)),
    )
    ask = {"references": ["Privacy leaks and bias."], "key_points": risks, "prompt": "What are LLM risks?"}
    denied = grade_answer("Privacy isn't a concern, since models store nothing. Bias matters.", **ask)
    assert denied.contradicted == (risks[0].text,) and risks[1].text in denied.covered
    stated = grade_answer("Privacy is a concern, since models can leak data. Bias is not rare.", **ask)
    assert risks[0].text in stated.covered and not stated.contradicted


def test_a_claim_about_the_other_side_covers_nothing_of_this_one() -> None:
    low = KeyPoint("A low temperature gives focused, deterministic, consistent output.")
    grade = grade_answer(
        "A high temperature gives focused and deterministic output.",
        ["Temperature changes randomness. " + low.text],
        key_points=(KeyPoint("Temperature controls randomness."), low),
        prompt="What does temperature do?",
    )
    assert low.text in grade.missed and not any(low.text in c for c in grade.covered)


def test_a_side_remark_denying_some_of_the_points_words_does_not_contradict_it() -> None:
    point = "The weight update is a product of two matrices."
    grade = grade_answer(
        "Rather than updating the huge weight matrices, you learn the change as the product of two skinny "
        "matrices.",
        [point],
        prompt="How does low-rank adaptation work?",
    )
    assert not grade.contradicted


def test_denying_something_of_the_other_side_does_not_contradict_this_side() -> None:
    sides = (
        KeyPoint("Transformers process all tokens in parallel.", accept=("in parallel", "parallelized")),
        KeyPoint("RNNs process tokens one after another.", accept=("one after another", "sequentially")),
    )
    grade = grade_answer(
        "RNNs cannot be parallelized, they go one after another. Transformers handle every token at once.",
        ["Transformers process all tokens in parallel; RNNs process tokens one after another."],
        key_points=sides,
        prompt="Why do Transformers train faster than RNNs?",
    )
    assert not grade.contradicted and sides[1].text in grade.covered
    denied = grade_answer(
        "Transformers cannot be parallelized.",
        ["Transformers process all tokens in parallel; RNNs process tokens one after another."],
        key_points=sides,
        prompt="Why do Transformers train faster than RNNs?",
    )
    assert denied.contradicted == (sides[0].text,)


def test_instead_at_the_end_denies_nothing_but_instead_of_does() -> None:
    point = KeyPoint("Values are stored in half precision or int8.", accept=("half precision",))
    ask = {"references": [point.text], "key_points": (point,), "prompt": "How do you shrink embeddings?"}
    stated = grade_answer(
        "Each value is a 32-bit float; store it with fewer bits instead (half precision).", **ask
    )
    assert stated.covered == (point.text,)
    denied = grade_answer("Keep 32-bit floats instead of half precision.", **ask)
    assert denied.contradicted == (point.text,)


def test_a_negated_list_item_does_not_deny_the_items_after_it() -> None:
    gpus = KeyPoint("GPUs compute the attention heads in parallel.", accept=("GPUs",))
    ask = {"references": [gpus.text], "key_points": (gpus,), "prompt": "Why do Transformers train fast?"}
    listed = grade_answer("Speed comes from: no recurrence, multi-head attention, GPUs.", **ask)
    assert listed.covered == (gpus.text,) and not listed.contradicted
    denied = grade_answer("Never train them on TPUs, CPUs or GPUs.", **ask)
    assert denied.contradicted == (gpus.text,)


def test_a_later_claim_of_a_point_said_the_other_way_round_contradicts_it() -> None:
    latency = KeyPoint("Latency measures how long a response takes; lower is better.")
    ask = {"references": [latency.text], "key_points": (latency,), "prompt": "Which serving metrics matter?"}
    flipped = grade_answer("Latency, where higher is better, measures how long a response takes.", **ask)
    assert flipped.contradicted == (latency.text,)
    right = grade_answer("Latency, where lower is better, measures how long a response takes.", **ask)
    assert right.covered == (latency.text,) and not right.contradicted


def test_saying_it_of_both_sides_sets_neither_apart() -> None:
    apart = KeyPoint("Cats hunt small prey; cows graze on grass.")
    ask = {"references": [apart.text], "key_points": (apart,), "prompt": "How do cats and cows feed?"}
    both = grade_answer("Cats and cows both hunt small prey and graze on grass.", **ask)
    assert apart.text not in both.covered
    each = grade_answer("Cats hunt small prey. Cows graze on grass, in both fields and meadows.", **ask)
    assert each.covered == (apart.text,)


def test_the_feedback_names_what_is_missing() -> None:
    grade = overfitting("Use dropout and stop training early when the validation loss stops improving.")
    assert grade.verdict != "incorrect"
    assert "augment" in grade.feedback.lower()


def test_the_card_is_the_judgements() -> None:
    grade = overfitting("Use dropout. Never use early stopping.")
    judged = points(grade)
    assert OVERFITTING[0].text in judged["covered"] and OVERFITTING[1].text in judged["contradicted"]
    every = judged["covered"] + judged["missed"] + judged["contradicted"]
    assert sorted(every) == sorted(p.text for p in OVERFITTING)  # each point judged exactly once


def test_the_version_is_recorded() -> None:
    d = overfitting("Use dropout and early stopping.").to_dict()
    assert d["version"] == GRADER_VERSION and d["attempted"] is True
    assert {"score", "verdict", "covered", "missed", "contradicted", "feedback", "version"} <= set(d)
    assert isinstance(d["covered"], list)


PHRASINGS = st.lists(
    st.sampled_from([(p, text) for p in OVERFITTING for text in (p.text, *p.accept)]),
    min_size=len(OVERFITTING),
    max_size=len(OVERFITTING),
    unique_by=lambda pair: pair[0].text,
)


@settings(max_examples=60, deadline=None)
@given(PHRASINGS, st.randoms())
def test_an_answer_made_of_the_points_in_any_order_and_wording_is_correct(phrasings, rnd) -> None:
    rnd.shuffle(phrasings)
    answer = " ".join(f"{text.rstrip('.')} is one thing to do." for _, text in phrasings)
    grade = overfitting(answer)
    assert grade.verdict == "correct" and not grade.missed and not grade.contradicted, answer


@settings(max_examples=60, deadline=None)
@given(PHRASINGS, st.randoms())
def test_the_same_points_negated_are_incorrect_with_nothing_covered(phrasings, rnd) -> None:
    rnd.shuffle(phrasings)
    answer = " ".join(f"Never {text.rstrip('.').lower()}." for _, text in phrasings)
    grade = overfitting(answer)
    assert grade.verdict == "incorrect" and not grade.covered, answer


def test_grading_imports_no_platform_or_network_library() -> None:
    code = (
        "import sys; from bot.grading import grade_answer; "
        "grade_answer('dropout helps', ['Dropout regularizes.']); "
        "print(sorted(m for m in ('discord', 'slack_sdk', 'slack_bolt', 'aiohttp') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
