"""Cues that word overlap cannot see: flipped meanings, confident absolutes and bare term lists.

The word lists are generic English and generic ML vocabulary, chosen up front, not mined from data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import NamedTuple

from bot.grading.text import NEGATIONS, STOPWORDS, cached_stem, content_stems, stem, tokens, words

# Confident overstatements are a typical sign of a wrong claim ("never needed", "always enough").
ABSOLUTES = words(
    "always never exactly entirely completely automatically guaranteed regardless impossible purely "
    "solely necessarily"
)

# Opposites: an answer using one side where the reference uses only the other has likely flipped it.
_ANTONYM_PAIRS = (
    ("encoder", "decoder"),
    ("increase", "decrease"),
    ("increase", "reduce"),
    ("before", "after"),
    ("supervised", "unsupervised"),
    ("labeled", "unlabeled"),
    ("labelled", "unlabelled"),
    ("small", "large"),
    ("smaller", "larger"),
    ("small", "big"),
    ("smaller", "bigger"),
    ("fewer", "more"),
    ("less", "more"),
    ("lower", "higher"),
    ("low", "high"),
    ("slower", "faster"),
    ("slow", "fast"),
    ("cheap", "expensive"),
    ("cheaper", "expensive"),
    ("linear", "quadratic"),
    ("linearly", "quadratically"),
    ("bidirectional", "unidirectional"),
    ("first", "last"),
    ("input", "output"),
    ("inputs", "outputs"),
    ("training", "inference"),
    ("static", "dynamic"),
    ("fixed", "dynamic"),
    ("fixed", "learned"),
    ("sparse", "dense"),
    ("discrete", "continuous"),
    ("generative", "discriminative"),
    ("overfitting", "underfitting"),
    ("minimize", "maximize"),
    ("positive", "negative"),
    ("true", "false"),
    ("add", "remove"),
    ("adds", "removes"),
    ("freeze", "update"),
    ("frozen", "updated"),
    ("online", "offline"),
    ("local", "global"),
    ("same", "different"),
    ("independent", "dependent"),
    ("parallel", "sequential"),
    ("deterministic", "random"),
    ("deterministic", "stochastic"),
    ("private", "public"),
    ("safe", "unsafe"),
    ("general", "specific"),
    ("improves", "hurts"),
    ("easy", "hard"),
    ("left", "right"),
    ("sum", "product"),
    ("noise", "signal"),
    ("compress", "expand"),
    # Generic ML roles and comparisons, listed up front like the rest.
    ("teacher", "student"),
    ("generator", "discriminator"),
    ("big", "small"),
    ("bigger", "smaller"),
    ("larger", "smaller"),
    ("weak", "strong"),
    ("weaker", "stronger"),
    ("exact", "approximate"),
    ("raise", "lower"),
    ("long", "short"),
    ("longer", "shorter"),
    ("better", "worse"),
    ("simple", "complex"),
    ("single", "multiple"),
    ("manual", "automatic"),
    ("trainable", "frozen"),
    ("stable", "unstable"),
    ("quantitative", "qualitative"),
    ("real", "fake"),
    ("pretraining", "finetuning"),
    ("query", "key"),
    ("row", "column"),
    ("precision", "recall"),
    ("lossy", "lossless"),
)


@lru_cache(maxsize=1)
def _antonyms() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for a, b in _ANTONYM_PAIRS:
        sa, sb = stem(a), stem(b)
        if sa != sb:
            table.setdefault(sa, set()).add(sb)
            table.setdefault(sb, set()).add(sa)
    return {k: frozenset(v) for k, v in table.items()}


def antonym_flips(answer_stems: set[str], reference_vocab: frozenset[str]) -> int:
    """Opposite pairs where the answer says one side and the reference only ever says the other."""
    flips = 0
    for word in answer_stems - reference_vocab:
        opposite = _antonyms().get(word)
        if opposite and opposite & reference_vocab and not opposite & answer_stems:
            flips += 1
    return flips


_CLAUSE = re.compile(
    r"[.;:!?()\n]|,\s*(?=(?:but|while|whereas|so|since|because|although|though)\b)"
    r"|\b(?:but|while|whereas|then)\b"
)


def clauses(text: str) -> list[frozenset[str]]:
    """Content stems of each clause (a sentence, or a part joined by "but", "while", "so"...)."""
    out = []
    for part in _CLAUSE.split(text):
        if part and len(tokens(part)) >= 2:
            stems = frozenset(content_stems(part))
            if stems:
                out.append(stems)
    return out


def aligned_flips(answer_clauses: list[frozenset[str]], reference_clauses: tuple[frozenset[str], ...]) -> int:
    """Opposites within one claim: each answer clause is lined up with the reference clause sharing the
    most terms (two or more), and a word whose opposite that clause uses, and it does not, is a flip.

    Sentence-local, so a reference that mentions both sides somewhere still catches "BERT is a
    decoder" against its "BERT is an encoder" sentence.
    """
    flips = 0
    table = _antonyms()
    for clause in answer_clauses:
        best = max(reference_clauses, key=lambda r: len(r & clause), default=frozenset())
        if len(best & clause) < 2:
            continue
        for word in clause - best:
            opposite = table.get(word)
            if opposite and opposite & best and not opposite & clause:
                flips += 1
    return flips


# Contracted pronouns are not subjects: "they're less stable" means the previous part's subject.
_PRONOUNS = words("theyre thats its theres hes shes youre")
# Comparison words that grade the term after them: "more stable", "fewer parameters".
_DEGREE = {"more": 1, "less": -1, "fewer": -1}
_SEGMENT = re.compile(r"[.;!?\n]|,\s*(?=(?:but|while|whereas|although|though)\b)|\b(?:but|while|whereas)\b")


class Claim(NamedTuple):
    """A graded attribute bound to what it is said of: "X is faster than Y" gives (X, Y, fast, +1)
    and (Y, X, fast, -1); "X: less stable" gives (X, -, stabl, -1)."""

    subject: frozenset[str]
    other: frozenset[str]  # what the subject is compared with, if anything
    attr: str  # stem of a word from the opposites table, or of the term after more/less/fewer
    sign: int
    segment: int  # which sentence part it came from


def claims(text: str) -> tuple[Claim, ...]:
    """Attribute claims per sentence part. The subject is what comes before the part's first graded
    word (before a colon too, so "X: slower" binds); a part with no subject of its own ("but they're
    less stable") inherits the previous part's, as the pronoun does.
    """
    table = _antonyms()
    out: list[Claim] = []
    subject: frozenset[str] = frozenset()
    other: frozenset[str] = frozenset()
    for n, part in enumerate(_SEGMENT.split(text)):
        toks = tokens(part or "")
        found: list[tuple[int, str, int]] = []  # (position, attr, sign)
        i = 0
        while i < len(toks):
            if toks[i] in _DEGREE:
                nxt = next((j for j in range(i + 1, min(i + 4, len(toks))) if toks[j] not in STOPWORDS), None)
                if nxt is not None:
                    found.append((i, cached_stem(toks[nxt]), _DEGREE[toks[i]]))
                    i = nxt
            elif toks[i] not in STOPWORDS and cached_stem(toks[i]) in table:
                found.append((i, cached_stem(toks[i]), 1))
            i += 1
        if not found:
            # No graded word, but it names what the next part's pronoun means: the "Term:" it
            # defines, else its first content word (usually the grammatical subject).
            head, colon, _ = (part or "").rpartition(":")
            named = content_stems(head if colon else part or "")
            if named:
                subject, other = frozenset(named if colon else named[:1]), frozenset()
            continue
        first = found[0][0]
        here = frozenset(  # adverbs ("usually faster") say how, not what
            cached_stem(t)
            for t in toks[:first]
            if t not in STOPWORDS and t not in _PRONOUNS and len(t) > 1 and not t.endswith("ly")
        )
        than = next((j for j in range(first, len(toks)) if toks[j] == "than"), -1)
        compared: list[str] = []
        for t in toks[than + 1 :] if than >= 0 else ():
            if t in STOPWORDS or t in _DEGREE or cached_stem(t) in table:
                break
            compared.append(cached_stem(t))
        if here:
            subject, other = here, frozenset(compared)
        elif compared:
            other = frozenset(compared)
        if not subject:
            continue
        for pos, attr, sign in found:
            if attr not in subject:
                out.append(Claim(subject, other, attr, sign, n))
                if other and 0 <= pos < than:
                    out.append(Claim(other, subject, attr, -sign, n))
    return tuple(out)


def _relation(a: Claim, b: Claim) -> int:
    """+1 when two attributes agree ("faster", "less slow"), -1 when opposite, 0 when unrelated."""
    if a.attr == b.attr:
        return 1 if a.sign == b.sign else -1
    if b.attr in _antonyms().get(a.attr, ()):
        return -1 if a.sign == b.sign else 1
    return 0


def bound_flips(
    answer: Sequence[Claim], reference: Sequence[Claim], weight: Callable[[str], float]
) -> tuple[int, int]:
    """(flipped, blurred): answer claims the reference states the other way round for the same
    subject (role swaps included: "X faster than Y" where the reference says Y is faster), and
    sentence parts naming both sides for one subject where the reference binds one side to it.

    A subject is recognised by its rarest term, and a reference claim counts only when it does
    not also name what the answer compares the subject with, so "diffusion models" against
    "GANs" is not decided by the shared word "models".
    """
    flipped = blurred = 0
    for c in answer:
        own = c.subject - c.other
        if not own:
            continue
        head = max(own, key=lambda t: (weight(t), t))
        rival = max(c.other - c.subject, key=lambda t: (weight(t), t), default=None)
        said = {
            _relation(c, r)
            for r in reference
            if head in r.subject and (rival is None or rival not in r.subject)
        } - {0}
        if said != {-1}:
            continue
        both = any(
            d.segment == c.segment and d.subject == c.subject and _relation(c, d) == -1 for d in answer
        )
        if both:
            blurred += 1
        else:
            flipped += 1
    return flipped, blurred


def negated_claims(answer: str, matched: frozenset[str], reference_stems: tuple[str, ...]) -> int:
    """Negations in the answer right before a reference term that the reference states without negation."""
    negated_in_ref = _negated_stems(reference_stems)
    words = tokens(answer)
    count = 0
    for i, word in enumerate(words):
        if word in NEGATIONS:
            window = {stem(w) for w in words[i + 1 : i + 5]}
            if (window & matched) - negated_in_ref:
                count += 1
    return count


def _negated_stems(reference_stems: tuple[str, ...]) -> frozenset[str]:
    # Reference stems are stopword-free, so negation words survive only as NEGATIONS members.
    out: set[str] = set()
    for i, word in enumerate(reference_stems):
        if word in NEGATIONS:
            out.update(reference_stems[i + 1 : i + 4])
    return frozenset(out)


def absolutes(answer_tokens: list[str]) -> int:
    return sum(1 for t in answer_tokens if t in ABSOLUTES)


_SEPARATORS = re.compile(r"[,;+=/|\n•·→]|\.(?:\s|$)|\band\b|->|=>|:")


def term_list_share(answer: str) -> float:
    """How much of the answer is a bare list of terms (items of one or two words), 0-1."""
    items = [tokens(part) for part in _SEPARATORS.split(answer)]
    items = [i for i in items if i]
    if len(items) < 4:
        return 0.0
    terse = sum(1 for i in items if len(i) <= 2)
    words = sum(len(i) for i in items)
    # A list of many tiny items with few words between them; long clauses dilute it.
    return (terse / len(items)) * min(1.0, terse / 5) * min(1.0, 4.0 * len(items) / max(words, 1))
