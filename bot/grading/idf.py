"""Rarity of reference terms across the question bank, so "encoder-only" outweighs "model".

Document frequencies come from every reference answer in the bank the wiring has loaded (`use_bank`;
until then the shipped `questions/`, read once per process). Where no bank can be loaded (a bare
checkout, a batch file graded elsewhere), the references at hand (own and distractors) stand in, so
grading never depends on the bank being there.
"""

from __future__ import annotations

import logging
import math
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.grading.text import PHRASING_WORDS, clean_markdown, content_stems

if TYPE_CHECKING:
    from bot.bank import Bank

log = logging.getLogger(__name__)
MIN_BANK_DOCS = 20  # fewer references than this say little about rarity
SHIPPED_BANK = Path(__file__).resolve().parents[2] / "questions"
_bank_texts: tuple[str, ...] | None = None  # the wiring's bank, once it has loaded one


def use_bank(bank: Bank) -> None:
    """Take term rarity from this bank (the one QUESTIONS_DIR names) from now on: no second read."""
    global _bank_texts
    _bank_texts = tuple(q.answer for q in bank.questions)
    bank_rarity.cache_clear()


@dataclass(frozen=True)
class Rarity:
    df: dict[str, int]
    docs: int

    def weight(self, term: str) -> float:
        return math.log((self.docs + 1) / (self.df.get(term, 0) + 1)) + 1.0


@lru_cache(maxsize=1)
def bank_rarity() -> Rarity | None:
    """Document frequencies over the bank's references; None when the bank is missing or tiny.

    GRADER_BANK_IDF=0 turns it off (the references at hand are then used).
    """
    if os.environ.get("GRADER_BANK_IDF", "1") == "0":
        return None
    texts = _bank_texts
    try:
        if texts is None:
            from bot.bank import load_bank

            texts = tuple(q.answer for q in load_bank(SHIPPED_BANK).questions)
    except Exception as exc:  # no bank here: fall back, never fail a grade over it
        log.info("no bank for term rarity (%s); using the references at hand", exc)
        return None
    return rarity(texts) if len(texts) >= MIN_BANK_DOCS else None


@lru_cache(maxsize=256)
def _vocab(text: str) -> frozenset[str]:
    return frozenset(content_stems(clean_markdown(text)))


def rarity(texts: Iterable[str]) -> Rarity:
    vocabs = [_vocab(t) for t in texts]
    return Rarity(dict(Counter(t for v in vocabs for t in v)), len(vocabs))


def rarity_for(references: Iterable[str], distractors: Iterable[str]) -> Rarity:
    return bank_rarity() or _local_rarity((*references, *distractors))


@lru_cache(maxsize=1024)
def _local_rarity(texts: tuple[str, ...]) -> Rarity:
    return rarity(texts)


@lru_cache(maxsize=256)
def word_weight(
    references: tuple[str, ...], distractors: tuple[str, ...], prompt: str
) -> Callable[[str], float]:
    """How much a word tells: its rarity across the bank, nothing when the question itself uses it
    (repeating the question shows no knowledge). Kept per question: its words' weights are reused."""
    rarity = rarity_for(references, distractors).weight
    asked = frozenset(content_stems(prompt, PHRASING_WORDS))
    known: dict[str, float] = {}

    def weight(stem: str) -> float:
        if stem not in known:
            known[stem] = 0.0 if stem in asked else rarity(stem)
        return known[stem]

    return weight
