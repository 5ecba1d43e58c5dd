"""Small builders shared by tests."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.bank import Bank, load_bank
from bot.surface.cards import GradeCard

TOPIC_ANSWERS = {
    "transformers": "Self-attention lets every token weigh every other token; positions add order.",
    "rag": "Retrieval-augmented generation fetches relevant documents and gives them to the model.",
    "embeddings": "Embeddings map tokens or texts to dense vectors so similar meanings sit close together.",
}

# A grade card with a point of every kind, a reference and a tip: each renderer must give each its own place.
JUDGED = GradeCard(
    question_id="q",
    prompt="What is RAG?",
    score=40,
    verdict="partial",
    covered=("Retrieval adds documents",),
    missed=("The index is built offline",),
    contradicted=("Retrieval happens after generation",),
    feedback="Double-check your claims.",
    points=40,
    counted=True,
    reference="Retrieval **before** generation.",
    tips=("Name a vector store you have used.",),
    answer_id=3,
)


def yaml_bank(directory: Path, count: int, topic: str = "transformers") -> Bank:
    """A tiny real bank (through the YAML loader) for tests that need to exhaust a pool."""
    directory.mkdir(parents=True, exist_ok=True)
    entries = [
        {
            "prompt": f"Practice question number {i} about {topic}?",
            "answer": TOPIC_ANSWERS[topic] + f" Detail {i}.",
            "topic": topic,
            "difficulty": "easy",
        }
        for i in range(count)
    ]
    (directory / f"{topic}.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    return load_bank(directory, use_cache=False)
