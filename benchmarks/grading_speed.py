"""Throughput and peak memory of the default grader on one core.

Grades every development-set answer (with the other questions' references as distractors, as the
agreement benchmark does) enough times to reach a few thousand answers, after a warm-up pass that
fills the per-reference cache the way a long-running bot would. Last line:
{"default": {"answers_per_s", "peak_mb"}, "semantic": {"answers_per_s", "peak_mb"} or null}
With --semantic (the extra installed) the semantic layer is measured too, on one torch thread.
Usage: python benchmarks/grading_speed.py [DEV_SET.jsonl] [--semantic]
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from bot.grading import grade_answer

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "grading" / "dev-set.jsonl"
TARGET = 5000
SEMANTIC_TARGET = 480


def run(jobs: list, target: int) -> tuple[int, float]:
    for answer, refs, prompt, others in jobs:  # warm-up
        grade_answer(answer, refs, prompt=prompt, distractors=others)
    done = 0
    start = time.perf_counter()
    while done < target:
        for answer, refs, prompt, others in jobs:
            grade_answer(answer, refs, prompt=prompt, distractors=others)
        done += len(jobs)
    return done, time.perf_counter() - start


def main(path: Path, with_semantic: bool) -> dict:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = list(dict.fromkeys(r["question"] for r in rows))
    reference = {r["question"]: r["reference_answer"] for r in rows}
    jobs = [
        (
            r["answer"],
            [(r["reference_answer"], ())],
            r["question"],
            [reference[q] for q in questions if q != r["question"]],
        )
        for r in rows
    ]
    done, elapsed = run(jobs, TARGET)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{done} answers in {elapsed:.2f}s, each against 39 distractor references; max RSS {rss_mb:.0f} MB")
    result: dict = {"default": {"answers_per_s": round(done / elapsed), "peak_mb": round(rss_mb, 1)}}
    result["semantic"] = None
    if with_semantic:
        import torch

        from bot.grading import semantic

        torch.set_num_threads(1)  # one core, like the default figure
        semantic.enable(True)
        if not semantic.active():
            sys.exit("--semantic: the semantic extra is not installed (pip install .[semantic])")
        done, elapsed = run(jobs, SEMANTIC_TARGET)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"semantic: {done} answers in {elapsed:.2f}s (one torch thread); max RSS {rss_mb:.0f} MB")
        result["semantic"] = {"answers_per_s": round(done / elapsed), "peak_mb": round(rss_mb, 1)}
    return result


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--semantic"]
    print(json.dumps(main(Path(args[0]) if args else DEFAULT, "--semantic" in sys.argv[1:])))
