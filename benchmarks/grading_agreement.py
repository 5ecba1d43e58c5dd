"""Agreement between the built-in grader and a human interviewer on the grading development set.

Prints a readable summary, then one JSON object on its last line:
{"n", "spearman", "pearson", "mae", "by_kind": {kind: mean score}, "verdicts": {kind: {verdict: n}},
 "verdicts_by_kind": {...}, "held_out": {...}, "refit": {"A->B": {...}, "B->A": {...}, "weights_A": [...]},
 "semantic": null or {...}}

The questions are split deterministically (order of first appearance: even = half A, odd = half B).
The shipped weights were fitted on half A, so "held_out" (half B) is the honest figure; "refit"
refits the same features on each half and measures the other, to show the fit is not a fluke.

"verdicts_by_kind" holds every verdict count (zeros included). With --semantic the top-level figures are
the semantic configuration's (shipped floor), and "semantic" holds the shipped constants, and for each
half ("A->B", "B->A"): the linear similarity weight fitted on it (floor off) with the other half's
figures, and under "floor" the floor (score, threshold) fitted on it, with that half's own lexical
weights (A's are the shipped ones; B's are refitted), and the other half's figures with it and without it.

Usage: python benchmarks/grading_agreement.py [DEV_SET.jsonl] [--semantic] [--judge URL [--model M]]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

from bot.grading import assess
from bot.grading.score import FEATURES, WEIGHTS, Signals, combine, verdict

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "grading" / "dev-set.jsonl"


def ranks(xs: list[float]) -> list[float]:
    order = sorted(range(len(xs)), key=xs.__getitem__)
    out = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2
        i = j + 1
    return out


def pearson(a: list[float], b: list[float]) -> float:
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b, strict=True))
    sa = sum((x - ma) ** 2 for x in a) ** 0.5
    sb = sum((y - mb) ** 2 for y in b) ** 0.5
    return cov / (sa * sb) if sa and sb else 0.0


def spearman(a: list[float], b: list[float]) -> float:
    return pearson(ranks(a), ranks(b))


def least_squares(xs: list[tuple[float, ...]], ys: list[float], ridge: float = 1e-3) -> list[float]:
    """Solve (XᵀX + ridge·I) w = Xᵀy by Gaussian elimination; numpy is not a dependency."""
    n = len(xs[0])
    m = [[sum(r[i] * r[j] for r in xs) + (ridge if i == j else 0.0) for j in range(n)] for i in range(n)]
    v = [sum(r[i] * y for r, y in zip(xs, ys, strict=True)) for i in range(n)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p], v[c], v[p] = m[p], m[c], v[p], v[c]
        for r in range(n):
            if r != c and m[c][c]:
                f = m[r][c] / m[c][c]
                m[r] = [a - f * b for a, b in zip(m[r], m[c], strict=True)]
                v[r] -= f * v[c]
    return [v[i] / m[i][i] if m[i][i] else 0.0 for i in range(n)]


def summary(rows: list[dict], scores: list[int]) -> dict:
    grades = [r["grade"] for r in rows]
    by_kind: dict[str, list[int]] = defaultdict(list)
    verdicts: dict[str, Counter] = defaultdict(Counter)
    for r, s in zip(rows, scores, strict=True):
        by_kind[r["kind"]].append(s)
        verdicts[r["kind"]][verdict(s)] += 1
    return {
        "n": len(rows),
        "spearman": round(spearman([float(s) for s in scores], grades), 3),
        "pearson": round(pearson([float(s) for s in scores], grades), 3),
        "mae": round(sum(abs(s / 20 - g) for s, g in zip(scores, grades, strict=True)) / len(rows), 3),
        "by_kind": {k: round(sum(v) / len(v), 1) for k, v in sorted(by_kind.items())},
        "verdicts": {k: dict(sorted(v.items())) for k, v in sorted(verdicts.items())},
        "verdicts_by_kind": {
            k: {name: v.get(name, 0) for name in ("correct", "partial", "incorrect")}
            for k, v in sorted(verdicts.items())
        },
    }


NO_FLOOR = (0, 2.0)  # a cosine never reaches 2: the semantic floor off


def rescore(
    sigs: list[Signals | None],
    scores: list[int],
    weights: list[float] | tuple[float, ...],
    semantic: tuple[float, float] | None = None,
    floor: tuple[int, float] | None = None,
) -> list[int]:
    return [
        combine(s, weights, semantic=semantic, floor=floor) if s else score
        for s, score in zip(sigs, scores, strict=True)
    ]


def fit_semantic(sigs: list[Signals | None], rows: list[dict]) -> tuple[float, float]:
    """Grid search of the similarity's linear weight, floor off (center: the training half's mean)."""
    sims = [s.semantic for s in sigs if s and s.semantic is not None]
    center = round(sum(sims) / len(sims), 3)
    grades = [float(r["grade"]) for r in rows]
    zeros = [0] * len(sigs)
    best = max(
        (
            spearman([float(x) for x in rescore(sigs, zeros, WEIGHTS, (w / 4, center), NO_FLOOR)], grades),
            w / 4,
        )
        for w in range(0, 25)
    )
    return best[1], center


def fit_floor(
    sigs: list[Signals | None], rows: list[dict], weights: list[float] | tuple[float, ...]
) -> tuple[int, float]:
    """Grid search of the semantic floor (score, cosine threshold), linear weight 0.

    Ties go to the smaller lift (lower floor, higher threshold), so an empty lift wins when nothing helps.
    """
    grades = [float(r["grade"]) for r in rows]
    zeros = [0] * len(sigs)
    best: tuple[float, int, float] | None = None
    for at_least in (0, 45, 50, 55, 60, 65, 70):
        for step in range(16, 5, -1):
            floor = (at_least, step / 20)
            rho = spearman([float(x) for x in rescore(sigs, zeros, weights, (0.0, 0.0), floor)], grades)
            if best is None or rho > best[0] + 1e-9:
                best = (rho, *floor)
    assert best is not None
    return best[1], best[2]


def result_grades(rows: list[dict]) -> list[float]:
    return [float(r["grade"]) for r in rows]


def refit_weights(sigs: list[Signals | None], rows: list[dict]) -> list[float]:
    fit_rows = [(s.features(), float(r["grade"])) for s, r in zip(sigs, rows, strict=True) if s]
    return least_squares([x for x, _ in fit_rows], [y for _, y in fit_rows])


def main(path: Path, judge_url: str | None = None, model: str | None = None) -> dict:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = list(dict.fromkeys(r["question"] for r in rows))
    reference = {r["question"]: r["reference_answer"] for r in rows}
    half_a = {q for i, q in enumerate(questions) if i % 2 == 0}
    scores: list[int] = []
    sigs: list[Signals | None] = []
    for r in rows:
        others = [reference[q] for q in questions if q != r["question"]]
        grade, sig = assess(
            r["answer"], [(r["reference_answer"], ())], prompt=r["question"], distractors=others
        )
        scores.append(grade.score)
        sigs.append(sig)
    in_a = [r["question"] in half_a for r in rows]

    def subset(flag: bool, values: list) -> list:
        return [v for v, a in zip(values, in_a, strict=True) if a == flag]

    if judge_url:
        return judged(rows, questions, reference, half_a, judge_url, model)
    refit: dict = {}
    for name, train in (("A->B", True), ("B->A", False)):
        fit_rows = [
            (s.features(), r["grade"]) for s, r, a in zip(sigs, rows, in_a, strict=True) if s and a == train
        ]
        weights = least_squares([x for x, _ in fit_rows], [float(y) for _, y in fit_rows])
        if train:
            refit["weights_A"] = [round(w, 3) for w in weights]
        refit[name] = summary(subset(not train, rows), subset(not train, rescore(sigs, scores, weights)))
    result = summary(rows, scores)
    result["held_out"] = summary(subset(False, rows), subset(False, scores))
    result["refit"] = refit
    result["semantic"] = None
    if any(s and s.semantic is not None for s in sigs):
        from bot.grading.semantic import SEMANTIC_CENTER, SEMANTIC_FLOOR, SEMANTIC_FLOOR_AT, SEMANTIC_WEIGHT

        fits: dict = {
            "shipped": {
                "floor": SEMANTIC_FLOOR,
                "floor_at": SEMANTIC_FLOOR_AT,
                "weight": SEMANTIC_WEIGHT,
                "center": SEMANTIC_CENTER,
            }
        }
        lexical_only = rescore(sigs, scores, WEIGHTS, (0.0, 0.0), NO_FLOOR)
        fits["lexical_only"] = {
            "spearman": round(spearman([float(x) for x in lexical_only], result_grades(rows)), 3)
        }
        for name, train in (("A->B", True), ("B->A", False)):
            train_sigs, train_rows = subset(train, sigs), subset(train, rows)
            test_sigs, test_rows, test_scores = (
                subset(not train, sigs),
                subset(not train, rows),
                subset(not train, scores),
            )
            weight, center = fit_semantic(train_sigs, train_rows)
            linear = rescore(test_sigs, test_scores, WEIGHTS, (weight, center), NO_FLOOR)
            fits[name] = {"weight": weight, "center": center, **summary(test_rows, linear)}
            # The floor, fitted with the lexical weights of the same half (A's are the shipped ones).
            weights = WEIGHTS if train else refit_weights(train_sigs, train_rows)
            at_least, at = fit_floor(train_sigs, train_rows, weights)
            floored = rescore(test_sigs, test_scores, weights, (0.0, 0.0), (at_least, at))
            plain = rescore(test_sigs, test_scores, weights, (0.0, 0.0), NO_FLOOR)
            fits[name]["floor"] = {
                "floor": at_least,
                "floor_at": at,
                "without": round(spearman([float(x) for x in plain], result_grades(test_rows)), 3),
                **summary(test_rows, floored),
            }
        result["semantic"] = fits
    print(f"grader on {path.name}: {result['n']} answers, features {', '.join(FEATURES)}")
    print(f"shipped weights {list(WEIGHTS)}")
    for label, part in (
        ("full set", result),
        ("held-out half B", result["held_out"]),
        ("refit A->B", refit["A->B"]),
        ("refit B->A", refit["B->A"]),
    ):
        print(
            f"{label:>16}: spearman {part['spearman']:.3f}  pearson {part['pearson']:.3f}"
            f"  mae {part['mae']:.2f}"
        )
    if result["semantic"]:
        print(f"semantic layer on, shipped {result['semantic']['shipped']}")
        for label in ("A->B", "B->A"):
            part = result["semantic"][label]
            fl = part["floor"]
            print(
                f"semantic {label:>7}: linear weight {part['weight']} center {part['center']}"
                f"  spearman {part['spearman']:.3f}  mae {part['mae']:.2f}"
            )
            print(
                f"{'':>16}  floor {fl['floor']} at {fl['floor_at']}: spearman {fl['spearman']:.3f}"
                f" (lexical alone {fl['without']:.3f})  mae {fl['mae']:.2f}"
            )
    for kind, mean in result["by_kind"].items():
        print(f"{kind:>16}: mean score {mean:5.1f}  verdicts {result['verdicts'][kind]}")
    return result


def judged(
    rows: list[dict], questions: list[str], reference: dict, half_a: set, url: str, model: str | None
) -> dict:
    """The LLM judge on every answer (sequentially, to be gentle with the endpoint)."""
    import asyncio

    from bot.grading.judge import JUDGE_VERSION, Judge, JudgeConfig

    async def run() -> tuple[list[int], int, int]:
        config = JudgeConfig(
            url=url,
            model=model or "default",
            api_key=os.environ.get("GRADER_JUDGE_API_KEY") or None,
            timeout=float(os.environ.get("GRADER_JUDGE_TIMEOUT", 30)),
            max_calls_per_day=len(rows),
        )
        out = []
        judged_n = 0
        async with Judge(config) as judge:
            for r in rows:
                g = await judge.grade(
                    r["answer"],
                    [(r["reference_answer"], ())],
                    prompt=r["question"],
                    distractors=[reference[q] for q in questions if q != r["question"]],
                )
                out.append(g.score)
                judged_n += g.version == JUDGE_VERSION
            return out, judged_n, judge.fallbacks

    scores, judged_n, fallbacks = asyncio.run(run())
    result = summary(rows, scores)
    result["judge"] = {"url": url, "model": model, "judged": judged_n, "fallbacks": fallbacks}
    print(f"judge {model} at {url}: {judged_n} judged, {fallbacks} fell back to the built-in grader")
    print(f"spearman {result['spearman']:.3f}  pearson {result['pearson']:.3f}  mae {result['mae']:.2f}")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dev_set", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--semantic", action="store_true", help="blend in the semantic layer (extra)")
    parser.add_argument("--judge", metavar="URL", help="grade with an OpenAI-compatible LLM judge")
    parser.add_argument("--model", help="the judge's model name")
    args = parser.parse_args()
    if args.semantic:
        from bot.grading import semantic

        semantic.enable(True)
        if not semantic.active():
            sys.exit("--semantic: the semantic extra is not installed (pip install .[semantic])")
    print(json.dumps(main(args.dev_set, args.judge, args.model)))
