"""What a member typed for a topic, matched to the bank's topics the same way on every platform.

"RAG", "Prompt Engineering" and "prompt_engineering" all mean a topic; a typo close enough to one topic
("transfomers") means it too; anything else is refused with the nearest topic suggested.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from bot.errors import UserError

DIFFICULTIES = ("easy", "medium", "hard")
TYPO_SCORE = 85  # fuzz.ratio on squashed names: one slip in a short word, never a different topic
SUGGEST_SCORE = 50


def squash(text: str) -> str:
    """Case, spaces, hyphens and underscores do not matter."""
    return re.sub(r"[\s_\-]+", "", text.casefold())


def match(known: Iterable[str], text: str) -> str:
    """The one topic `text` means, or a UserError naming the nearest topic and the list."""
    topics = sorted(known)
    squashed = {squash(t): t for t in topics}
    wanted = squash(text)
    if wanted in squashed:
        return squashed[wanted]
    best = process.extract(wanted, list(squashed), scorer=fuzz.ratio, limit=2)
    if best and best[0][1] >= TYPO_SCORE and (len(best) == 1 or best[1][1] < best[0][1]):
        return squashed[best[0][0]]
    nearest = nearest_topic(topics, text)
    hint = f" Did you mean {nearest!r}?" if nearest else ""
    raise UserError(f"Unknown topic {text.strip()!r}.{hint} Topics: {', '.join(topics)}.")


def nearest_topic(topics: Sequence[str], text: str) -> str | None:
    found = process.extractOne(
        squash(text), {t: squash(t) for t in topics}, scorer=fuzz.WRatio, score_cutoff=SUGGEST_SCORE
    )
    return found[2] if found else None


def match_list(known: Iterable[str], text: str | Sequence[str]) -> list[str]:
    """ "rag, llms", "Prompt Engineering; RAG" or ["rag", "llms"]: each item matched; "all" (or nothing)
    means every topic, the empty list. An item of several words that is no topic may be several topics
    ("rag llms")."""
    known = list(known)
    items = re.split(r"[,;]", text) if isinstance(text, str) else list(text)
    chosen: list[str] = []
    for item in (i.strip() for i in items):
        if not item or squash(item) == "all":
            continue
        try:
            found = [match(known, item)]
        except UserError:
            words = item.split()
            if len(words) < 2:
                raise
            try:
                found = [match(known, word) for word in words]
            except UserError:
                match(known, item)  # the whole item's error names what was meant
                raise
        chosen += [t for t in found if t not in chosen]
    return chosen


def quiz_request(words: Sequence[str]) -> tuple[str | None, str | None]:
    """`/quiz prompt engineering hard` → ("prompt engineering", "hard"): a difficulty word anywhere, the
    rest is the topic."""
    difficulty = next((w.lower() for w in words if w.lower() in DIFFICULTIES), None)
    rest = [w for w in words if w.lower() not in DIFFICULTIES]
    return (" ".join(rest) or None), difficulty


def suggestions(known: Iterable[str], typed: str, limit: int = 25) -> list[str]:
    """Autocomplete: topics containing what was typed first, then near spellings."""
    topics = sorted(known)
    wanted = squash(typed)
    containing = [t for t in topics if wanted in squash(t)]
    if containing or not wanted:
        return containing[:limit]
    near = process.extract(wanted, {t: squash(t) for t in topics}, scorer=fuzz.WRatio, score_cutoff=60)
    return [found[2] for found in near][:limit]
