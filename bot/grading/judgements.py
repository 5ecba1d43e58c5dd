"""Judge each point of a rubric against an answer: covered, partly covered, missed, or contradicted.

Evidence is looked for clause by clause, so words scattered over unrelated sentences never add up to a
claim. A point is stated by one of its accepted phrasings, or by enough of its own words (weighted by
rarity, so "encoder-only" counts for more than "model"); small typos are forgiven. A point is
contradicted when the answer makes one of its listed wrong claims (words in the claim's order), or
states it denied: a negation the point does not have ("never use dropout"), or an opposite in place of
one of its words ("a low temperature makes output more random"). Two denials cancel: "a low temperature
makes output more deterministic" agrees with "a high temperature makes output more random".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.grading import text
from bot.grading.opposites import opposites
from bot.grading.params import SHIPPED, Params
from bot.grading.rubric import Phrase, Point, Rubric
from bot.grading.synonyms import synonyms
from bot.grading.text import Clause

COVERED, PARTLY, MISSED, CONTRADICTED = "covered", "partly", "missed", "contradicted"
TYPO_MIN = 5  # words this long tolerate a typo ...
TYPO_SCORE = 85.0  # ... this close, with the same first two letters ("conditional" is not "unconditional")
ORDERED_FROM = 3  # phrases of this many words must appear in their order ("student trains teacher") ...
ORDERED_SLACK = 3  # ... within one comma-separated piece, with at most this many other words among them

Weight = Callable[[str], float]


@dataclass(frozen=True)
class Judgement:
    point: Point
    state: str
    strength: float  # the credit it earns, 0-1: 1 when covered, the share stated when covered in part


@dataclass(frozen=True)
class Evidence:
    """What the answer's clauses say about one point, before any threshold."""

    accepted: bool  # an accepted phrasing is stated, not denied
    denied: bool  # a wrong claim is made, or the point is stated the other way round
    share: float  # the most of the point's own words one clause states, not denied


@dataclass(frozen=True)
class _Match:
    share: float  # weighted share of the phrase found
    denied: bool  # the clause says it the other way round
    complete: bool  # every word of the phrase found (in order and close together, when asked for)
    head: bool  # the phrase's first word (usually its subject) found
    found: int = 0  # how many of its words were found
    misplaced: bool = False  # a word the clause says, but out of order or in the other voice
    words: tuple[str, ...] = ()  # the phrase's words found


class Seen:
    """An answer's words indexed once: where each clause says each stem, and which of the answer's stems
    count as a given word (itself, or one typo away)."""

    def __init__(self, answer: Sequence[Clause]) -> None:
        self.clauses = tuple(answer)
        self.places: list[dict[str, list[int]]] = []
        for clause in self.clauses:
            where: dict[str, list[int]] = defaultdict(list)
            for i, stem in enumerate(clause.stems):
                where[stem].append(i)
            self.places.append(where)
        self.vocab = frozenset(s for c in self.clauses for s in c.stems)
        self._long: dict[str, list[str]] = defaultdict(list)
        for stem in self.vocab:
            if len(stem) >= TYPO_MIN:
                self._long[stem[:2]].append(stem)
        self._as: dict[str, tuple[str, ...]] = {}
        self._said: dict[int, tuple[Phrase, tuple[tuple[str, ...], ...]]] = {}
        self._weights: dict[int, tuple[Phrase, Weight, tuple[float, ...]]] = {}

    def said_as(self, stem: str) -> tuple[str, ...]:
        """The answer's stems that count as this word."""
        found = self._as.get(stem)
        if found is None:
            exact = (stem,) if stem in self.vocab else ()
            same = tuple(s for s in synonyms(stem) if s in self.vocab)
            typos: tuple[str, ...] = ()
            if len(stem) >= TYPO_MIN:
                near = self._long.get(stem[:2], ())
                typos = tuple(s for s in near if s != stem and fuzz.ratio(s, stem) >= TYPO_SCORE)
            found = self._as[stem] = exact + same + typos
        return found

    def said(self, phrase: Phrase) -> tuple[tuple[str, ...], ...]:
        """For each word of the phrase, the answer's stems that count as it; looked up once per answer."""
        entry = self._said.get(id(phrase))
        if entry is None or entry[0] is not phrase:
            entry = self._said[id(phrase)] = (phrase, tuple(self.said_as(s) for s in phrase.stems))
        return entry[1]

    def weights(self, phrase: Phrase, weight: Weight) -> tuple[float, ...]:
        """The phrase's word weights, looked up once per answer."""
        entry = self._weights.get(id(phrase))
        if entry is None or entry[0] is not phrase or entry[1] is not weight:
            entry = self._weights[id(phrase)] = (phrase, weight, tuple(map(weight, phrase.stems)))
        return entry[2]

    def in_clause(self, phrase: Phrase, at: int) -> int:
        """How many of the phrase's words clause `at` says."""
        vocab = self.clauses[at].vocab
        return sum(1 for said in self.said(phrase) if any(s in vocab for s in said))

    def says(self, phrase: Phrase) -> bool:
        """Every word of the phrase somewhere in the answer: a clause can state it only then."""
        return all(self.said_as(s) for s in phrase.stems)

    def position(self, stem: str, clause: int, start: int = 0) -> int:
        """Where the clause says the stem (from `start`), preferring a place no negation governs."""
        where = self.places[clause]
        said = self.said_as(stem)
        if len(said) == 1:
            places = [i for i in where.get(said[0], ()) if i >= start]
        else:
            places = sorted(i for s in said for i in where.get(s, ()) if i >= start)
        negated = self.clauses[clause].negated
        return next((i for i in places if not negated[i]), places[0] if places else -1)


def _match(
    phrase: Phrase, seen: Seen, at: int, weight: Weight, ordered: bool = False, swaps: bool = True
) -> _Match:
    """How much of a phrase clause `at` states, and whether it states it denied.

    With `swaps`, an opposite in place of a word counts as that word said the other way round; used for
    a point's own words, whose first word names what the claim is about."""
    clause = seen.clauses[at]
    where, negated, vocab = seen.places[at], clause.negated, clause.vocab
    found: list[int] = []  # where each word found is
    words: list[str] = []
    swapped: list[tuple[int, float]] = []  # which word, its weight
    total = got = denied_here = denied_own = 0.0  # weights: all, found, negated in the clause, in the phrase
    start = 0
    head = misplaced = False
    for n, (stem, said, w, turns) in enumerate(
        zip(phrase.stems, seen.said(phrase), seen.weights(phrase, weight), phrase.turns, strict=True)
    ):
        total += w
        if not said:
            places: Sequence[int] = ()
        elif len(said) == 1 and not start:
            places = where.get(said[0], ())
        else:
            places = [i for s in said for i in where.get(s, ()) if i >= start]
        if ordered:  # a claim read in order also reads its voice: "is trained" is not "trains"
            voice = stem in phrase.passive
            places = [i for i in places if clause.passive[i] == voice]
            misplaced |= not places and any(s in vocab for s in said)
        if places:
            place = min(places) if ordered else next((i for i in places if not negated[i]), places[0])
            found.append(place)
            words.append(stem)
            start = place + 1 if ordered else 0
            got += w
            denied_here += w if negated[place] else 0.0
            denied_own += w if stem in phrase.negated else 0.0
            head |= n == 0
        elif swaps and not ordered and not turns.isdisjoint(vocab):
            swapped.append((n, w))  # "low" where the phrase says "high": the claim about the other side
    # Each side denies what it says when negations govern most of the words they share (by weight): a
    # side remark ("since Transformers don't understand order") does not turn the claim around.
    denies, phrase_denies = denied_here > got / 2, denied_own > got / 2
    complete = len(found) + len(swapped) == len(phrase.stems)
    # An opposite turns the claim around only beside at least two words it shares ("high temperature makes
    # … deterministic"), not beside one ("during training dropout switches off…" is no claim about inference);
    # one in place of the subject only beside all the rest ("the decoder compresses the input into a
    # latent vector"): "the decoder reconstructs from the latent vector" is a claim about the other side.
    odd = len(swapped) % 2 == 1
    turned = odd and len(found) >= 2 and (complete or swapped[0][0] != 0)
    if swapped and (turned or not odd):  # two opposites ("low … deterministic") say the same thing
        got += sum(w for _, w in swapped)
        head |= swapped[0][0] == 0
    share = got / total if total else 0.0
    denied = (denies != phrase_denies) != turned
    if ordered and found:
        together = len({clause.pieces[i] for i in found}) == 1 if clause.pieces else True
        if not (together and found[-1] - found[0] < len(found) + ORDERED_SLACK):
            return _Match(0.0, False, False, False)
    return _Match(share, denied and share > 0, complete, head, len(found), misplaced, tuple(words))


def _answers(claim: Phrase, clause: Clause) -> bool:
    """The clause says the opposite of a word of the claim it lacks: "low" against "high temperature…"."""
    return any(opposites(s) & clause.vocab for s in claim.stems if s not in clause.vocab)


def _other_side(point: Point, clause: Clause) -> bool:
    """The clause is about the other side of the point's subject: "a higher temperature makes it more
    deterministic" holds the phrasing "deterministic" of "a low temperature gives deterministic output"."""
    head = point.own.stems[0]
    return head not in clause.vocab and bool(opposites(head) & clause.vocab)


def _blurred(point: Point, clause: Clause) -> bool:
    """The clause names a word of the point together with its opposite, which the point does not name, or
    says something of both sides the point sets apart ("BERT and GPT both use encoder, decoder")."""
    own = set(point.own.stems)
    if point.sides and _both(clause.text, point.sides):
        return True
    return any(s in clause.vocab and (opposites(s) - own) & clause.vocab for s in own)


def _both(said: str, sides: frozenset[str]) -> bool:
    """ "A and B both …" or "both A and B …": what follows is said of both sides, so it sets neither apart."""
    words = [text.stem(t) for t in text.tokens(said)]
    for i in range(len(words) - 3):
        window = words[i : i + 4]
        if window[0] == "both" and window[2] == "and" and {window[1], window[3]} == sides:
            return True
        if window[3] == "both" and window[1] == "and" and {window[0], window[2]} == sides:
            return True
    return False


def _denial_elsewhere(point: Point, phrase: Phrase, clause: Clause) -> bool:
    """The clause's negation is about another point's subject: "RNNs cannot be parallelized" denies
    something of RNNs (another point's word, not this one's), not "in parallel" of the point about
    Transformers. "Dropout should never be used" and "never use dropout" deny the phrasing itself."""
    first = next((i for i, n in enumerate(clause.negated) if n), len(clause.stems))
    before = set(clause.stems[:first])
    return bool(before & point.others) and before.isdisjoint((*point.own.stems, *phrase.stems))


def evidence(point: Point, seen: Seen, weight: Weight, params: Params = SHIPPED) -> Evidence:
    share = 0.0
    denied = accepted = False
    tangled = not point.own_denies
    wrongs = [w for w in point.wrongs if sum(map(bool, seen.said(w))) >= min(2, len(w.stems))]
    accepts = [a for a in point.accepts if seen.says(a)]
    if not any(seen.said_as(s) for s in point.own.stems) and not wrongs and not accepts:
        return Evidence(False, False, 0.0)
    relevant = {a for s in point.own.stems for a in seen.said_as(s)}
    own_words = frozenset(point.own.stems)
    for at, clause in enumerate(seen.clauses):
        for wrong in wrongs:
            if seen.in_clause(wrong, at) < min(2, len(wrong.stems)):
                continue  # neither stated in full nor in two of its words here
            m = _match(wrong, seen, at, weight, ordered=len(wrong.stems) >= ORDERED_FROM, swaps=False)
            near = (  # most of it, subject included, and nothing it says the other way about ...
                m.head
                and m.found >= 2
                and m.share >= params.wrong_at
                and not m.misplaced
                and not _answers(wrong, clause)
                # ... and something the point does not say: "student … teacher" without "trains" is the
                # point's own vocabulary, not the claim that the student trains the teacher
                and not own_words.issuperset(m.words)
            )
            if not m.denied and (m.complete or near):
                denied = True  # one of the claims the rubric says is false, in (most of) its words
        if not (relevant & clause.vocab or accepts):
            continue
        blurred = _blurred(point, clause)  # "both use encoder, decoder": names both sides, states neither
        for phrase in accepts:
            if seen.in_clause(phrase, at) < len(phrase.stems):
                continue
            m = _match(phrase, seen, at, weight, ordered=len(phrase.stems) >= ORDERED_FROM, swaps=False)
            if m.complete and not m.denied:
                accepted |= not blurred and not _other_side(point, clause)
            elif (
                m.complete
                and point.accepts_deny
                and not phrase.sided  # "solves vanishing gradients" says "avoids" them without a negation
                and (not phrase.negated or seen.position(point.own.stems[0], at) >= 0)
                and not _denial_elsewhere(point, phrase, clause)
            ):
                denied = True  # an accepted phrasing negated ("never use dropout"); one that itself
                # denies something ("cannot retrieve") only when the claim is about the point's subject
        if blurred or not relevant & clause.vocab:
            continue
        own = _match(point.own, seen, at, weight)
        # A clause about the other side of the point's subject ("a higher temperature makes it more
        # deterministic" against "a low temperature gives deterministic output") states none of it.
        said = 0.0 if _other_side(point, clause) else own.share
        if tangled:  # its own words contradict it no more: only its wrong claims do
            # A point that mostly denies ("avoids vanishing gradients") is not stated by its words said
            # plainly ("suffers from vanishing gradients"); one with a side negation is.
            mostly_denies = 2 * len(point.own.negated) > len(point.own.stems)
            share = max(share, 0.0 if own.denied and own.head and mostly_denies else said)
        elif (own.share >= params.wrong_at and own.denied and own.head) or _part_denied(
            point, seen, at, weight, params
        ):
            denied = True  # most of its words said the other way round, as a wrong claim needs; half of
            # them under a side remark ("rather than updating the weight matrices, …") is no claim
        elif not own.denied:
            share = max(share, said)
    return Evidence(accepted, denied, share)


def _part_denied(point: Point, seen: Seen, at: int, weight: Weight, params: Params) -> bool:
    """One of the point's later claims said the other way round ("perplexity, where higher is better"
    against "…; lower is better")."""
    for part in point.parts:
        m = _match(part, seen, at, weight)
        if m.denied and m.head and m.share >= params.wrong_at:
            return True
    return False


def judgement(point: Point, found: Evidence, params: Params = SHIPPED) -> Judgement:
    if found.denied:
        return Judgement(point, CONTRADICTED, 0.0)
    if found.accepted or found.share >= params.covered_at:
        return Judgement(point, COVERED, 1.0)
    if found.share >= params.partly_at:
        return Judgement(point, PARTLY, found.share / params.covered_at)
    return Judgement(point, MISSED, 0.0)


def judge_all(
    rubric: Rubric, answer: Sequence[Clause], weight: Weight, params: Params = SHIPPED
) -> tuple[Judgement, ...]:
    seen = Seen(answer)
    return tuple(judgement(p, evidence(p, seen, weight, params), params) for p in rubric.points)
