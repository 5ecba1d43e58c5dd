"""Key points of a reference that has no curated rubric: whole sentences of its prose and list items.

The Markdown is read as a tree (markdown-it-py), so headings, table cells and code never become points,
and a point is always a complete sentence or a list item's whole statement, never a fragment cut at a
word count. A sentence too long to read at a glance is passed over for the next one rather than cut.
Shipped guides have a curated rubric (bot/bank/rubric.py); this is for team files and bare references.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from bot.bank.headings import clean_inline, strip_emoji

MAX_DERIVED_POINTS = 6  # statements taken from a reference that has no curated rubric
MAX_WORDS = 30  # longer sentences are detail, not a point read at a glance
MIN_WORDS = 4  # "How It Works", "Key Features": labels, not statements
_PARSER = MarkdownIt("commonmark").enable("table")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_LABEL = re.compile(r"^\s*([^:]{1,60}):\s+(.+)$")  # "**Cost**: API pricing…" after markup is gone
_NOT_A_STATEMENT = re.compile(
    r"^(e\.g\.|eg\b|example|for example|for instance|note|tip|see\b|source|image|figure|step \d+$)"
    r"|let me know|interview",
    re.IGNORECASE,
)
_BOLD_ONLY = re.compile(r"^\s*\*\*[^*]+\*\*\s*:?\s*$")  # "**Step 1: Mask Random Tokens**" is a label
_CODE_LIKE = re.compile(r"[={}<>\[\]]|\w\(|\)\.|->|=>|^\s*(def|class|import|return)\b")


def _blocks(answer: str) -> tuple[list[str], list[str]]:
    """Prose paragraphs and first-level list items, as plain text; headings, tables and code are left out."""
    prose: list[str] = []
    items: list[str] = []
    depth = 0  # list nesting
    skipping = False  # inside a heading or a table
    item_starts = False  # the next inline text opens a list item
    label = ""  # a first-level item that only names a group ("GPT:"): its sub-items carry the points
    for token in _PARSER.parse(answer):
        kind = token.type
        if kind.endswith("_list_open"):
            depth += 1
        elif kind.endswith("_list_close"):
            depth -= 1
        elif kind in ("heading_open", "table_open"):
            skipping = True
        elif kind in ("heading_close", "table_close"):
            skipping = False
        elif kind == "list_item_open":
            item_starts = depth == 1 or (depth == 2 and bool(label))
        elif kind == "inline" and not skipping:
            text = strip_emoji(clean_inline(token.content)).strip()
            if depth == 0 and not _BOLD_ONLY.match(token.content):
                prose.append(text)
            elif item_starts and depth == 1:
                label = text.rstrip(":") if text.endswith(":") else ""
                items.append(text)
            elif item_starts:
                items.append(f"{label}: {text}")
            item_starts = False
    return prose, items


def _statements(text: str) -> list[str]:
    """Whole sentences that state something."""
    found = []
    for sentence in _SENTENCE.split(" ".join(text.split())):
        sentence = sentence.strip(" -–—")
        words = len(sentence.split())
        if (
            MIN_WORDS <= words <= MAX_WORDS
            and not sentence.endswith(":")
            and not _NOT_A_STATEMENT.search(sentence)
            and not _CODE_LIKE.search(sentence)
        ):
            found.append(sentence)
    return found


def _item_statement(item: str) -> str | None:
    """A list item's statement: "Term: gloss" keeps its term; a bare term is a label, not a point."""
    label = _LABEL.match(item)
    if label:
        gloss = _statements(label.group(2))
        if gloss and len(label.group(1).split()) <= 6:
            statement = f"{label.group(1).strip()}: {gloss[0]}"
            return statement if len(statement.split()) <= MAX_WORDS else gloss[0]
        return None
    statements = _statements(item)
    return statements[0] if statements else None


def extract_key_points(answer: str) -> tuple[str, ...]:
    """The defining sentence first, then one statement per first-level list item, near-duplicates dropped."""
    prose, items = _blocks(answer)
    candidates: list[str] = []
    for paragraph in prose:
        statements = _statements(paragraph)
        if statements:
            candidates.append(statements[0])
            break
    candidates += [s for s in map(_item_statement, items) if s]
    for paragraph in prose:  # later prose fills up when there are few list items
        candidates += _statements(paragraph)
    points: list[str] = []
    for candidate in candidates:
        if any(fuzz.token_set_ratio(candidate, p, processor=default_process) >= 85 for p in points):
            continue
        points.append(candidate)
        if len(points) == MAX_DERIVED_POINTS:
            break
    return tuple(points)
