"""Text plumbing for the grader: Markdown to plain text, whole-word tokens, stems, and clauses that know
which of their words a negation governs.

Everything works on whole tokens, never substrings, so "air" can never match inside "chair". Stems come
from the Snowball English stemmer; comparatives meet their base form ("higher" and "high") so opposites
can be looked up, and everyday short forms are spelled out ("max" is "maximum").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from rapidfuzz.utils import default_process


def words(text: str) -> frozenset[str]:
    """A word list written as one whitespace-separated string, the readable way to keep it."""
    return frozenset(text.split())


# Answers and references are capped: a 100 KB paste must not cost more than a long answer.
MAX_CHARS = 6000

# Function words. Words that give a claim its direction ("more", "less", "before", "after", "same") are
# not among them: "X happens before Y" and "X happens after Y" say opposite things.
STOPWORDS = words(
    """
    a about above again against all also am an and any are as at be because been being below
    between both but by can could did do does doing down during each either etc for from further
    get gets got had has have having he her here hers him his how i if in into is it its itself just
    let like lot lots me might most much must my myself nor of off on once one or other our ours
    out over own per quite rather really she should so some such than that the their theirs them
    then there these they thing things this those through thus to too under until up upon us use used
    uses using very via was way ways we well were what when where which while who whom whose why will
    with within would yet you your yours basically e g eg ie i.e kind sort stuff think guess maybe
    actually pretty
    """
)

# Words that phrase a question rather than name its subject ("Explain ... in detail").
PHRASING_WORDS = words(
    """
    explain describe discuss compare contrast define definition difference differences differ
    role important importance work works working mean means meaning example examples detail
    details key main common approach approaches method methods technique techniques concept
    concepts context purpose benefit benefits advantage advantages challenge challenges consider
    considerations help helps achieve achieving perform performed handle handling apply applied
    """
)

# Words that deny what follows them. "avoid", "prevent"… deny too: "avoid data augmentation" says not to
# use it; a point that itself says "avoid overfitting" has the same denial, so the two still agree.
NEGATORS = words(
    """
    not no never none nothing neither nor cannot cant dont doesnt didnt isnt arent wasnt werent wont
    wouldnt shouldnt couldnt without instead rather unlike avoid avoids avoided avoiding prevent prevents
    prevented preventing mitigate mitigates mitigating combat combats
    """
)
# Who does what to whom: "the student is trained" is not "the student trains".
BE = words("is are was were be been being get gets got")
PARTICIPLES = words("made built given taken known seen shown done written chosen held kept fed led run set")
SCOPE_ENDS = words("and but while whereas although though however so then because since")
# "Copyright isn't a concern": a denial that the subject is a problem denies the subject, before the negation.
COPULA_NOT = words("isnt arent wasnt werent")
CONCERNS = words(
    "issue issues concern concerns problem problems risk risks threat threats worry danger challenge"
)
NEGATION_REACH = 5

# Comparatives meet their base form, so "higher" is the opposite of "low" as "high" is.
DEGREES = {
    "higher": "high",
    "highest": "high",
    "lower": "low",
    "lowest": "low",
    "larger": "large",
    "largest": "large",
    "smaller": "small",
    "smallest": "small",
    "bigger": "big",
    "faster": "fast",
    "slower": "slow",
    "longer": "long",
    "shorter": "short",
    "cheaper": "cheap",
    "greater": "great",
    "fewer": "few",
    "weaker": "weak",
    "stronger": "strong",
    "simpler": "simple",
}
_STEMMER = snowballstemmer.stemmer("english")

_FENCE = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)", re.S)
_IDENTIFIER_PARTS = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])|[_.]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML = re.compile(r"<[^>]{1,200}>")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}.*$", re.M)
_TABLE_EDGE = re.compile(r"^[ \t]*\|[ \t]*|[ \t]*\|[ \t]*$", re.M)
_TABLE_CELL = re.compile(r"[ \t]*\|[ \t]*")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)]|#{1,6})\s+", re.M)
_PREFIXED = re.compile(r"\b(non|un)-(?=\w)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_OR = re.compile(r"\b(?:or|nor)\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[.;!?\n]+(?:\s|$)|\n|,?\s*\b(?:but|whereas|however|although|though|while)\b")


def clean_markdown(text: str, code: bool = False) -> str:
    """Plain text from markdown, tables flattened. Code blocks are dropped (in a reference they would
    dominate what an answer is compared with), or with `code` read as words (`code_words`)."""
    text = unicodedata.normalize("NFKC", text[: MAX_CHARS * 2])
    text = _FENCE.sub(_code_words if code else "\n", text)
    text = _LINK.sub(r"\1", text)
    text = _HTML.sub(" ", text)
    text = _TABLE_RULE.sub("", text)
    text = _TABLE_EDGE.sub("", text)
    text = _TABLE_CELL.sub(", ", text)
    text = _EMPHASIS.sub("", text)
    text = _BULLET.sub("", text)
    return text[:MAX_CHARS]


def _code_words(block: re.Match[str]) -> str:
    """A code block read as words, a line each: "tok = GPT2Tokenizer.from_pretrained('gpt2')" says
    "tok GPT 2 Tokenizer from pretrained gpt 2", which meets "loads the pretrained GPT-2 tokenizer"."""
    body = block.group(0).strip("`~")
    body = body.split("\n", 1)[1] if "\n" in body else body  # the fence's language tag
    return "\n" + _IDENTIFIER_PARTS.sub(" ", body) + "\n"


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The word's stem; cached because most words of an answer have been stemmed before."""
    word = SHORT_FORMS.get(word, word)
    return _STEMMER.stemWord(DEGREES.get(word, word))


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens via rapidfuzz's `default_process` ("decoder-only" gives two tokens, but
    "non-autoregressive" one: the prefix is part of the word, not a word of its own)."""
    text = _PREFIXED.sub(r"\1", text[:MAX_CHARS].replace("'", "").replace("’", ""))
    return default_process(text).split()


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
    return [stem(t) for t in tokens(text) if is_content(t) and t not in extra_stop]


def is_content(token: str) -> bool:
    return token not in STOPWORDS and token not in NEGATORS and (len(token) > 1 or token.isdigit())


@dataclass(frozen=True)
class Clause:
    """One claim of an answer: its content stems in order, and which of them a negation governs."""

    stems: tuple[str, ...]
    negated: tuple[bool, ...]
    text: str = ""
    pieces: tuple[int, ...] = ()  # which comma-separated piece of the clause each stem is in
    passive: tuple[bool, ...] = ()  # a participle after "is", "are", "was"…: "the student is trained"
    vocab: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "vocab", frozenset(self.stems))


def clauses(text: str) -> tuple[Clause, ...]:
    """Plain text (clean_markdown's output) cut into claims: sentences, lines, the parts around "but",
    "whereas"…, and a comma's parts when what follows it is a phrase of its own ("…more deterministic, a
    low temperature makes…") rather than the next item of a list ("dropout, early stopping, or augmentation")
    or a relative clause about what precedes it ("perplexity, where higher is better").

    A negation ("not", "never", "without", "avoid"…) governs up to NEGATION_REACH content words after it,
    through "or" ("never use dropout, early stopping or augmentation") but not past "and", a contrast, a
    colon, a comma that does not lead to an "or" ("no recurrence, multi-head, CUDA") or the end of its
    claim. Denying that the subject is a problem ("copyright isn't a concern") denies the subject too.
    """
    found = []
    for part in _CLAUSE.split(text):
        pieces = re.split(r"([,:])", part)
        claim: list[tuple[str, bool, int, bool]] = []  # stem, negated, piece, passive
        words_of: list[str] = []
        reach = subject = 0  # where the current subject starts in `claim`
        after_be = False
        copular = -1  # where in `claim` an "is not" denies what follows it
        for piece, (mark, segment) in enumerate(zip(["", *pieces[1::2]], pieces[::2], strict=True)):
            words = tokens(segment)
            if (
                mark == ","
                and len(words) > 3
                and words[0] not in ("or", "nor", "where", "which", "who", "whose")
            ):
                found += _claim(claim, words_of)  # a comma that opens a phrase of its own
                claim, words_of, reach, subject = [], [], 0, 0
            elif mark == ":" or (mark == "," and not _OR.search(",".join(pieces[2 * piece :]))):
                reach = 0  # "no recurrence, multi-head, CUDA": a negation reaches past a comma only into
                # a list that ends in "or" ("never use dropout, early stopping or augmentation")
            words_of.append(segment)
            for at, word in enumerate(words):
                content = False
                if word in NEGATORS and not _idle(word, words, at):
                    reach = NEGATION_REACH
                    copular = len(claim) if word in COPULA_NOT or after_be else -1
                elif word in SCOPE_ENDS:
                    reach, subject = 0, len(claim)
                elif is_content(word):
                    content = True
                    if word in CONCERNS and copular == len(claim):  # "bias isn't an issue"
                        claim[subject:] = [(s, True, p, v) for s, _, p, v in claim[subject:]]
                    passive = after_be and (word.endswith("ed") or word in PARTICIPLES)
                    claim.append((stem(word), reach > 0, piece, passive))
                    reach = max(0, reach - 1)
                if word in BE:
                    after_be = True
                elif content and not word.endswith("ly"):  # "is often trained" is still passive
                    after_be = False
        found += _claim(claim, words_of)
    return tuple(found)


def word_groups(lines: str) -> dict[str, frozenset[str]]:
    """Each word's stem mapped to the stems of the other words on its line (a list of opposites, of
    synonyms)."""
    table: dict[str, set[str]] = {}
    for line in lines.strip().splitlines():
        group = {stem(w) for w in line.split()}
        for s in group:
            table.setdefault(s, set()).update(group - {s})
    return {k: frozenset(v) for k, v in table.items() if v}


def _idle(word: str, words: list[str], at: int) -> bool:
    """A negator that denies nothing here: "whether or not to loop", "store it with fewer bits instead
    (half precision…)" (only "instead of" and "rather than" deny what follows)."""
    if word == "not":
        return at > 0 and words[at - 1] == "or"
    if word in ("instead", "rather"):
        return at + 1 >= len(words) or words[at + 1] not in ("of", "than")
    return False


def _claim(words: list[tuple[str, bool, int, bool]], text: list[str]) -> list[Clause]:
    if not words:
        return []
    stems, negated, pieces, passive = zip(*words, strict=True)
    return [Clause(stems, negated, " ".join(",".join(text).split()), pieces, passive)]


def sentences(text: str) -> list[str]:
    """Lines and sentences of a cleaned text, stripped, empties dropped."""
    return [s.strip(" \t-:;,") for s in _SENTENCE_END.split(text) if s and s.strip(" \t-:;,")]
