"""The bank's value types: what a question is, whatever file or style it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

TOPICS: tuple[str, ...] = (
    "fundamentals",
    "llms",
    "transformers",
    "training",
    "fine-tuning",
    "alignment",
    "rag",
    "prompt-engineering",
    "gans-vaes",
    "diffusion",
    "multimodal",
    "embeddings",
    "evaluation",
    "deployment",
    "ethics",
    "applications",
    "nlp",
    "coding",
)
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")
KINDS: tuple[str, ...] = ("concept", "coding")


@dataclass(frozen=True)
class Source:
    file: str
    line: int


@dataclass(frozen=True)
class KeyPoint:
    """One idea a good answer states, the phrasings an interviewer accepts for it, the claims that deny it."""

    text: str
    accept: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuideAnswer:
    """One guide's answer to a question; a merged question keeps one per guide."""

    answer: str
    key_points: tuple[str, ...]
    source: Source
    prompt: str = ""  # the question as this guide words it


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    topic: str
    difficulty: str
    kind: str
    guide_answers: tuple[GuideAnswer, ...]
    aliases: tuple[str, ...] = field(default=())
    tips: tuple[str, ...] = field(default=())  # interview tips: shown after the reveal, never graded
    rubric: tuple[KeyPoint, ...] = field(default=())  # curated key points; empty when derived

    @property
    def answer(self) -> str:
        return self.guide_answers[0].answer

    @property
    def answers(self) -> tuple[str, ...]:
        return tuple(r.answer for r in self.guide_answers)

    @property
    def key_points(self) -> tuple[str, ...]:
        """What the grade card lists: the rubric's points, else those derived from the first reference."""
        return tuple(p.text for p in self.rubric) or self.guide_answers[0].key_points

    @property
    def sources(self) -> tuple[Source, ...]:
        return tuple(r.source for r in self.guide_answers)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "prompt": self.prompt,
            "answer": self.answer,
            "answers": list(self.answers),
            "key_points": list(self.key_points),
            "rubric": [
                {"point": p.text, "accept": list(p.accept), "wrong": list(p.wrong)} for p in self.rubric
            ],
            "topic": self.topic,
            "difficulty": self.difficulty,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "tips": list(self.tips),
            "sources": [{"file": s.file, "line": s.line} for s in self.sources],
        }
