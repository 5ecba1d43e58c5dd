"""The grader ranks kinds of answers the way an interviewer would, on a small invented set."""

from __future__ import annotations

from bot.bank.model import KeyPoint
from bot.grading import grade_answer

REFERENCE = (
    "Batch normalization normalizes each layer's activations over the mini-batch to zero mean and unit "
    "variance, then applies a learned scale and shift. It stabilizes and speeds up training, allows "
    "higher learning rates, and at inference uses running averages of the mean and variance."
)
OTHER_REFERENCE = (
    "Dropout randomly zeroes a fraction of activations during training so the network cannot rely on any "
    "single unit; it acts as a regularizer and is switched off at inference."
)
RUBRIC = (
    KeyPoint(
        "It normalizes each layer's activations over the mini-batch to zero mean and unit variance.",
        accept=("zero mean", "unit variance", "normalizes the activations"),
    ),
    KeyPoint("It then applies a learned scale and shift.", accept=("learned scale", "scale and shift")),
    KeyPoint(
        "It stabilizes and speeds up training and allows higher learning rates.",
        accept=("faster training", "more stable training", "higher learning rates"),
    ),
    KeyPoint("At inference it uses running averages of the mean and variance.", accept=("running averages",)),
)
ANSWERS = {
    "good": (
        "It rescales each layer's activations across the mini-batch to zero mean and unit variance "
        "and then applies a learned scale and shift, which makes training faster and more stable "
        "and tolerates higher learning rates; at inference it uses running averages instead of "
        "batch statistics."
    ),
    "short": "Normalizes activations per mini-batch (zero mean, unit variance) plus learned scale/shift; "
    "faster, more stable training.",
    "stuffed": (
        "Batch norm, mean, variance, mini-batch, scale, shift, running averages, inference, learning rate."
    ),
    "wrong": "It randomly zeroes a fraction of activations during training as a regularizer so the network "
    "cannot rely on a single unit.",
}


def test_kinds_are_ordered() -> None:
    s = {
        k: grade_answer(
            a,
            [REFERENCE],
            key_points=RUBRIC,
            prompt="What is batch normalization?",
            distractors=[OTHER_REFERENCE],
        ).score
        for k, a in ANSWERS.items()
    }
    assert s["good"] > s["stuffed"]
    assert s["short"] > s["stuffed"]
    assert s["stuffed"] > s["wrong"] or s["wrong"] < 45
    assert min(s["good"], s["short"]) > s["wrong"]
