"""Topic, difficulty and kind of a question, by documented, deterministic rules (see docs/bank.md)."""

from __future__ import annotations

import re

# Checked in this order; the topic whose patterns score most wins (prompt x3, section x2, answer start x1).
TOPIC_PATTERNS: tuple[tuple[str, str], ...] = (
    ("rag", r"\brag\b|retrieval|vector (database|store)|retriever"),
    (
        "alignment",
        r"\brlhf\b|reinforcement learning from human|alignment|reward model|\bdpo\b|constitutional",
    ),
    ("fine-tuning", r"fine-?tun|\blora\b|qlora|\bpeft\b|adapter|transfer learning|instruction tuning"),
    ("prompt-engineering", r"prompt|chain-of-thought|few-shot|zero-shot|in-context"),
    ("diffusion", r"diffusion|denois|stable diffusion|dall-?e|midjourney|imagen"),
    ("gans-vaes", r"\bgans?\b|adversarial|generator|discriminator|\bvaes?\b|autoencoder|mode collapse"),
    (
        "multimodal",
        r"multi-?modal|vision|image caption|\bclip\b|visualbert|text-to-image|audio|video|speech|music",
    ),
    ("embeddings", r"embedding|vector representation|semantic search|cosine similarity"),
    ("transformers", r"transformer|attention|positional encod|encoder|decoder|\bbert\b|self-attention"),
    ("evaluation", r"evaluat|metric|benchmark|perplexity|bleu|rouge|a/b test"),
    (
        "deployment",
        r"deploy|production|inference|latency|quantiz|distillation|serving|monitor|hardware|gpu"
        r"|versioning|roll ?back|memory footprint|scal",
    ),
    ("ethics", r"ethic|bias|fairness|deepfake|misinformation|safety|responsible|privacy|copyright|misuse"),
    (
        "training",
        r"training|pre-?train|learning rate|overfitting|regulari|gradient|optimi[sz]er|batch size"
        r"|backpropagation|catastrophic forgetting|loss function",
    ),
    (
        "nlp",
        r"\bnlp\b|natural language|tokeni[sz]|sentiment|translation|summari[sz]|chatbot|named entity|rnn"
        r"|language model(?!s? like)|sequence-to-sequence",
    ),
    ("applications", r"applications?|use cases?|industry|marketing|gaming|education|healthcare|real-world"),
    ("llms", r"\bllms?\b|large language model|\bgpt|claude|llama|gemini|context window|hallucinat|token"),
    (
        "fundamentals",
        r"generative ai|machine learning|deep learning|neural network|supervised|activation"
        r"|perceptron|discriminative|artificial intelligence",
    ),
)
CODING = re.compile(
    r"^(write|implement|code|create a function|train a|develop a|modify a|fine-tune a)\b", re.IGNORECASE
)
EASY = re.compile(r"^(what is|what are|what's|define|name|who|give an example)\b", re.IGNORECASE)
HARD = re.compile(
    r"\b(design|architecture|trade-?offs?|how would you|propose|implement|derive|compare|optimi[sz]|scal"
    r"|production|distributed|in detail|mathemat)",
    re.IGNORECASE,
)


_COMPILED = tuple((topic, re.compile(pattern)) for topic, pattern in TOPIC_PATTERNS)  # texts are lowered


def classify_kind(prompt: str) -> str:
    return "coding" if CODING.match(prompt.strip()) else "concept"


def classify_topic(prompt: str, section: str, answer: str, kind: str) -> str:
    if kind == "coding":
        return "coding"
    best, best_score = "fundamentals", 0
    prompt, section, head = prompt.lower(), section.lower(), answer[:600].lower()
    for topic, pattern in _COMPILED:
        score = (
            3 * len(pattern.findall(prompt)) + 2 * len(pattern.findall(section)) + len(pattern.findall(head))
        )
        if score > best_score:
            best, best_score = topic, score
    return best


def classify_difficulty(prompt: str, section: str, answer: str, kind: str) -> str:
    """coding or advanced/design questions are hard; short definitions easy; the rest medium."""
    if kind == "coding" or "advanced" in section.lower() or HARD.search(prompt):
        return "hard"
    if EASY.match(prompt.strip()) and len(answer) < 1500 and " and " not in prompt.lower():
        return "easy"
    return "medium"
