"""The few short phrases a good answer should contain, taken from the reference in its own words."""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from bot.bank.headings import clean_inline, strip_emoji

MAX_POINTS = 6
MAX_WORDS = 14
LIST_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
BOLD_LEAD = re.compile(r"^\*\*(.+?)\*\*\s*[:–—-]?\s*(.*)$")
FENCE = re.compile(r"^\s*(```|~~~)")
FLUFF = re.compile(r"\b(interview|let me know|this keeps|this answer|you can use)\b", re.IGNORECASE)


def _shorten(text: str) -> str:
    text = strip_emoji(clean_inline(text)).strip(" :;,.-–—")
    words = text.split()
    if len(words) <= MAX_WORDS:
        return " ".join(words)
    cut = " ".join(words[:MAX_WORDS])
    clause = re.split(r"[,;:]", cut)[0].strip()
    return clause if len(clause.split()) >= 4 else cut


def _prose_and_items(answer: str) -> tuple[list[str], list[str]]:
    prose, items, in_fence = [], [], False
    for line in answer.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or line.lstrip().startswith(("|", "#", ">")) or not line.strip():
            continue
        item = LIST_ITEM.match(line)
        if item and len(item.group(1)) <= 1:
            items.append(item.group(2))
        elif not item:
            prose.append(line.strip())
    return prose, items


def _defining_sentence(prose: list[str]) -> str | None:
    for paragraph in prose:
        text = clean_inline(paragraph)
        if len(text.split()) >= 6 and not text.endswith(":") and not FLUFF.search(text):
            return re.split(r"(?<=[.!?])\s", text)[0]
    return None


def extract_key_points(answer: str) -> tuple[str, ...]:
    """Defining sentence first, then first-level list items (a bold term with its gloss), deduplicated."""
    prose, items = _prose_and_items(answer)
    candidates: list[str] = []
    first = _defining_sentence(prose)
    if first:
        candidates.append(first)
    for item in items:
        bold = BOLD_LEAD.match(item.strip())
        # "**`Term:`** gloss" too: the colon inside the code span must not double the one added here.
        text = f"{bold.group(1).strip('` ').rstrip(':')}: {bold.group(2)}" if bold and bold.group(2) else item
        if not FLUFF.search(text):
            candidates.append(text)
    if not candidates:  # bold terms in prose, when there is no list
        candidates = re.findall(r"\*\*(.+?)\*\*", answer)
    points: list[str] = []
    for candidate in candidates:
        short = _shorten(candidate)
        if len(short.split()) < 2 or len(short) < 8:
            continue
        if any(fuzz.token_set_ratio(short, p, processor=default_process) >= 85 for p in points):
            continue
        points.append(short)
        if len(points) == MAX_POINTS:
            break
    if not points:
        points.append(_shorten(answer))
    return tuple(p for p in points if p)
