"""Opposite words: an answer that says one where a point says the other states the point the other way round.

Generic English and generic ML vocabulary, listed up front, not mined from data. Comparatives need no
entry of their own: the stemmer brings "higher" to "high" (`bot.grading.text.DEGREES`); nor do words
with a negative prefix ("supervised" and "unsupervised").
"""

from __future__ import annotations

from functools import lru_cache

from bot.grading.text import word_groups

PAIRS = """
    encoder decoder
    increase decrease
    increase reduce
    before after
    supervised unsupervised
    labeled unlabeled
    labelled unlabelled
    small large
    smaller larger
    small big
    smaller bigger
    fewer more
    less more
    lower higher
    low high
    slower faster
    slow fast
    cheap expensive
    cheaper expensive
    linear quadratic
    linearly quadratically
    bidirectional unidirectional
    first last
    input output
    inputs outputs
    training inference
    static dynamic
    fixed dynamic
    fixed learned
    sparse dense
    discrete continuous
    generative discriminative
    overfitting underfitting
    minimize maximize
    positive negative
    true false
    add remove
    adds removes
    freeze update
    frozen updated
    online offline
    local global
    same different
    independent dependent
    parallel sequential
    deterministic random
    deterministic stochastic
    private public
    safe unsafe
    general specific
    improves hurts
    easy hard
    left right
    sum product
    noise signal
    compress expand
    teacher student
    generator discriminator
    big small
    bigger smaller
    larger smaller
    weak strong
    weaker stronger
    exact approximate
    raise lower
    long short
    longer shorter
    better worse
    simple complex
    single multiple
    manual automatic
    trainable frozen
    stable unstable
    quantitative qualitative
    real fake
    pretraining finetuning
    query key
    row column
    precision recall
    lossy lossless
    inside outside
    internal external
"""


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[str]]:
    return word_groups(PAIRS)


@lru_cache(maxsize=8192)
def opposites(stemmed: str) -> frozenset[str]:
    """Listed opposites, and the un-/non- forms: "conditional" and "unconditional"."""
    prefixed = {f"un{stemmed}", f"non{stemmed}"}
    for prefix in ("un", "non"):
        if stemmed.startswith(prefix) and len(stemmed) - len(prefix) >= 4:
            prefixed.add(stemmed[len(prefix) :])
    return _table().get(stemmed, frozenset()) | prefixed
