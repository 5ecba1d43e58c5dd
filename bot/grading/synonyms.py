"""Words that say the same thing: an answer that uses one where a point uses another states that word.

Generic English and generic ML and programming vocabulary, one group per line, listed up front from
what the words mean, not mined from any graded answer. Only words that are interchangeable in the
sentences of an interview answer are grouped ("vague" and "ambiguous"); never merely related ones
("latency" and "speed" say opposite things about one property); never a word whose other meaning a
rubric uses ("recall" the metric, "save" memory, an "address" in memory, the "rank" of a matrix,
"significant" in statistics); never a word that names what a point defines ("an embedding is a
vector"). Spelling variants (British and American) are groups too. Inflections need no entry: words
are compared by their stems.
"""

from __future__ import annotations

from functools import lru_cache

from bot.grading.text import word_groups

GROUPS = """
    big large huge massive enormous giant
    small tiny little compact
    fast quick rapid speedy
    cheap inexpensive affordable
    expensive costly pricey
    cost price expense
    use utilize utilise employ leverage
    create produce generate
    build construct
    need require
    help assist aid
    improve enhance boost
    reduce decrease lessen
    increase raise grow
    remove delete eliminate discard
    add insert append
    choose select pick
    combine merge blend
    split divide partition
    store persist
    retrieve fetch
    mistake error fault bug
    wrong incorrect inaccurate
    correct accurate
    answer response reply
    user customer client
    company organization organisation enterprise business firm
    document file
    data dataset
    goal objective aim
    problem issue challenge difficulty concern
    risk danger threat hazard
    hallucination confabulation
    hallucinate confabulate
    vague ambiguous unclear imprecise
    irrelevant unrelated
    bias prejudice stereotype
    biased prejudiced
    fair unbiased equitable
    privacy confidentiality
    private confidential
    safe secure
    harmful toxic offensive
    label annotate tag
    labeled labelled annotated tagged
    monitor track observe
    monitoring observability tracking
    deploy serve
    deployment serving
    containerization containerisation
    update change modify adjust alter tweak
    measure evaluate assess gauge quantify
    similar alike
    different distinct
    important crucial essential critical vital
    main primary principal major core
    complex complicated intricate
    many multiple several numerous
    start begin
    end finish terminate halt
    solve resolve tackle
    allow enable permit
    focus concentrate attend
    relevant pertinent
    understand comprehend grasp
    remember retain
    forget lose
    old previous past
    new novel fresh unseen
    knowledge information
    limit cap restrict restriction constraint
    short brief concise terse succinct
    truncate trim shorten
    run execute
    instruction command directive
    attack exploit
    override bypass circumvent subvert
    penalize penalise punish
    write compose
    image picture photo
    audio sound speech
    fake counterfeit
    realistic lifelike photorealistic
    mimic imitate replicate emulate
    random stochastic
    probability likelihood
    matrix matrices
    index indices indexes
    search lookup
    database db
    chunk segment passage
    parallel simultaneous concurrent
    sequential serial
    function method procedure routine subroutine
    element item entry
    node vertex
    edge arc
    swap exchange interchange
    declare define
    initialize initialise init
    optimize optimise
    optimization optimisation
    normalize normalise
    normalization normalisation
    regularization regularisation
    tokenize tokenise
    tokenization tokenisation
    behavior behaviour
    generalize generalise
    summarize summarise
    summarization summarisation
    weight parameter
    freeze lock
"""


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[str]]:
    return word_groups(GROUPS)


def synonyms(stemmed: str) -> frozenset[str]:
    """The stems that say the same as this one (not itself)."""
    return _table().get(stemmed, frozenset())
