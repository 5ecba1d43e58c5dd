"""Text plumbing for the grader: markdown to plain text, word-boundary tokens, light stemming.

Everything works on whole tokens, never substrings, so "air" can never match inside "chair".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.utils import default_process


def words(text: str) -> frozenset[str]:
    """A word list written as one whitespace-separated string, the readable way to keep it."""
    return frozenset(text.split())


# Answers and references are capped: a 100 KB paste must not cost more than a long answer.
MAX_CHARS = 6000

STOPWORDS = words(
    """
    a about above after again against all also am an and any are as at be because been being below
    between both but by can could did do does doing down during each either etc few for from further
    get gets got had has have having he her here hers him his how i if in into is it its itself just
    let like lot lots me might more most much must my myself nor of off on once one or other our ours
    out over own per quite rather really same she should so some such than that the their theirs them
    then there these they thing things this those through thus to too under until up upon us use used
    uses using very via was way ways we well were what when where which while who whom whose why will
    with within would yet you your yours basically e g eg ie i.e kind sort stuff think guess maybe
    actually pretty
    """
)

# Words that phrase a question rather than name its subject ("Explain ... in detail").
QUESTION_WORDS = words(
    """
    explain describe discuss compare contrast define definition difference differences differ
    role important importance work works working mean means meaning example examples detail
    details key main common approach approaches method methods technique techniques concept
    concepts context purpose benefit benefits advantage advantages challenge challenges consider
    considerations help helps achieve achieving perform performed handle handling apply applied
    """
)

NEGATIONS = words(
    "not no never none nothing neither cannot cant dont doesnt isnt arent wasnt werent wont without"
)

_FENCE = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)", re.S)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML = re.compile(r"<[^>]{1,200}>")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}.*$", re.M)
_TABLE_EDGE = re.compile(r"^[ \t]*\|[ \t]*|[ \t]*\|[ \t]*$", re.M)
_TABLE_CELL = re.compile(r"[ \t]*\|[ \t]*")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)]|#{1,6})\s+", re.M)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def clean_markdown(text: str) -> str:
    """Plain text from markdown: code blocks dropped (they would dominate coverage), tables flattened."""
    text = unicodedata.normalize("NFKC", text[: MAX_CHARS * 2])
    text = _FENCE.sub("\n", text)
    text = _LINK.sub(r"\1", text)
    text = _HTML.sub(" ", text)
    text = _TABLE_RULE.sub("", text)
    text = _TABLE_EDGE.sub("", text)
    text = _TABLE_CELL.sub(", ", text)
    text = _EMPHASIS.sub("", text)
    text = _BULLET.sub("", text)
    return text[:MAX_CHARS]


def stem(word: str) -> str:
    """Crude suffix stripping so "predicts", "predicted" and "predicting" meet; good enough for overlap."""
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in (
        "ational",
        "ization",
        "isation",
        "ations",
        "ation",
        "ments",
        "ment",
        "ities",
        "ity",
        "ingly",
        "ness",
        "ings",
        "ing",
        "ies",
        "ied",
        "ers",
        "ed",
        "er",
        "es",
        "ly",
        "s",
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word.rstrip("e") if len(word) > 4 else word


@lru_cache(maxsize=65536)
def cached_stem(word: str) -> str:
    """`stem` for hot paths: most tokens of an answer have been stemmed before."""
    return stem(word)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens via rapidfuzz's `default_process` ("decoder-only" gives two tokens)."""
    return default_process(text[:MAX_CHARS].replace("'", "").replace("’", "")).split()


# Everyday short forms spelled out, so "max tokens" meets "maximum number of tokens".
SHORT_FORMS = {
    "max": "maximum",
    "min": "minimum",
    "avg": "average",
    "approx": "approximately",
    "params": "parameters",
    "param": "parameter",
    "info": "information",
    "config": "configuration",
    "eval": "evaluation",
    "evals": "evaluations",
    "perf": "performance",
    "dim": "dimension",
    "dims": "dimensions",
    "seq": "sequence",
    "seqs": "sequences",
    "doc": "document",
    "docs": "documents",
    "prob": "probability",
    "probs": "probabilities",
    "vocab": "vocabulary",
    "mem": "memory",
    "temp": "temperature",
    "img": "image",
    "imgs": "images",
    "gen": "generation",
}


def content_stems(text: str, extra_stop: frozenset[str] = frozenset()) -> list[str]:
    """Stems of the tokens that carry meaning (stopwords and, optionally, question words removed)."""
    return [
        cached_stem(SHORT_FORMS.get(t, t))
        for t in tokens(text)
        if t not in STOPWORDS and t not in extra_stop and (len(t) > 1 or t.isdigit())
    ]


def sentences(text: str) -> list[str]:
    """Lines and sentences of a cleaned text, stripped, empties dropped."""
    return [s.strip(" \t-:;,") for s in _SENTENCE_END.split(text) if s and s.strip(" \t-:;,")]


def shorten(text: str, limit: int = 90) -> str:
    """A point as shown on the grade card: the reference's own words, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"
