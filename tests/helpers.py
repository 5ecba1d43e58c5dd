"""Small builders shared by tests."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.bank import Bank, load_bank

TOPIC_ANSWERS = {
    "transformers": "Self-attention lets every token weigh every other token; positions add order.",
    "rag": "Retrieval-augmented generation fetches relevant documents and gives them to the model.",
    "embeddings": "Embeddings map tokens or texts to dense vectors so similar meanings sit close together.",
}


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
