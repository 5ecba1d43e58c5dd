"""Near-duplicate questions across (and within) guides become one question with every reference.

Whole prompts are compared after normalisation: lower case, no punctuation, no "what is"/"explain"
lead-in, no trailing "in generative AI"-style context. Two prompts merge when rapidfuzz's token_sort_ratio
of those forms reaches MERGE_THRESHOLD and they differ in at most one word (plurals folded). token_sort
(not token_set) keeps "GAN" apart from "components of a GAN": a subset is not a duplicate; the word check
keeps "GANs and Transformers" apart from "Transformers and LLMs", which share most letters but not their
subject; the whole prompt keeps "What is X?" apart from "What is X, and how is it trained?". Questions
that ask the same thing in other words are merged by the curated rubric (docs/bank.md), not guessed here.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

MERGE_THRESHOLD = 90

LEAD_IN = re.compile(
    r"^(can you |could you |please )?(explain |describe |define |discuss )?(the concept of )?"
    r"(what is meant by |what is |what are |what s |definition of |definition )?"
)
CONTEXT = re.compile(
    r"\s+(in|within|for)\s+(the context of\s+)?(gen(erative)? ?ai|generative models?|llms?"
    r"|large language models?|nlp|ai|deep learning|machine learning)(\s+models?)?$"
)


def normalise(prompt: str) -> str:
    """The comparable form of a whole prompt."""
    return _normal_form(default_process(prompt))


def first_clause(prompt: str) -> str:
    """The comparable form of a prompt's first clause: what question ids have been derived from."""
    return _normal_form(default_process(prompt.split(",")[0].split(" and how ")[0]))


def _normal_form(text: str) -> str:
    text = LEAD_IN.sub("", text).strip()
    text = CONTEXT.sub("", text).strip()
    return " ".join(re.sub(r"\b(an?|the)\b", " ", text).split())


def _words(key: str) -> set[str]:
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in key.split()}


def same_question(a: str, b: str) -> bool:
    """Whether two normalised prompts ask the same thing."""
    return (
        bool(a and b) and fuzz.token_sort_ratio(a, b) >= MERGE_THRESHOLD and len(_words(a) ^ _words(b)) <= 1
    )


def group_duplicates(prompts: list[str]) -> list[int]:
    """For each prompt, the index of the first prompt it merges with (itself when it stands alone)."""
    keys = [normalise(p) for p in prompts]
    groups: list[int] = []
    leaders: list[str] = []
    leader_index: list[int] = []
    for index, key in enumerate(keys):
        matches = process.extract(
            key, leaders, scorer=fuzz.token_sort_ratio, score_cutoff=MERGE_THRESHOLD, limit=5
        )
        match = next((m for m in matches if same_question(key, m[0])), None)
        if match:
            groups.append(leader_index[match[2]])
        else:
            groups.append(index)
            leaders.append(key)
            leader_index.append(index)
    return groups
