"""Topics as members type them: one matcher in the core, used by every adapter's quiz and setup."""

from __future__ import annotations

import pytest

from bot.bank import Bank
from bot.errors import UserError
from bot.rules import topics


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("RAG", "rag"),
        ("Prompt Engineering", "prompt-engineering"),
        ("prompt_engineering", "prompt-engineering"),
        ("fine tuning", "fine-tuning"),
        ("transfomers", "transformers"),
        ("llm", "llms"),
    ],
)
def test_case_spacing_and_small_typos_find_the_topic(bank: Bank, typed: str, meant: str) -> None:
    assert topics.match(bank.topics(), typed) == meant


def test_unknown_topics_suggest_the_nearest_and_list_the_rest(bank: Bank) -> None:
    with pytest.raises(UserError, match=r"Unknown topic 'gans'\. Did you mean 'gans-vaes'\?") as error:
        topics.match(bank.topics(), "gans")
    assert all(t in str(error.value) for t in bank.topics())
    with pytest.raises(UserError, match=r"Unknown topic 'astrology'\. Topics:"):
        topics.match(bank.topics(), "astrology")  # nothing near: no guess


def test_lists_with_spaces_commas_or_none(bank: Bank) -> None:
    known = bank.topics()
    assert topics.match_list(known, "rag, llms") == ["rag", "llms"]
    assert topics.match_list(known, "RAG; Prompt Engineering") == ["rag", "prompt-engineering"]
    assert topics.match_list(known, "rag llms") == ["rag", "llms"]
    assert topics.match_list(known, ["all"]) == [] and topics.match_list(known, "") == []
    with pytest.raises(UserError, match="Unknown topic 'astrolgy'"):
        topics.match_list(known, "rag, astrolgy")


def test_a_difficulty_word_anywhere_in_a_quiz_request() -> None:
    assert topics.quiz_request(["prompt", "engineering", "Hard"]) == ("prompt engineering", "hard")
    assert topics.quiz_request(["easy"]) == (None, "easy")
    assert topics.quiz_request([]) == (None, None)
