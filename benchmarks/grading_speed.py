"""Throughput and peak memory of the default grader on one core.

Grades every development-set answer (with the other questions' references as distractors, as the
agreement benchmark does) enough times to reach a few thousand answers, after a warm-up pass that
fills the per-reference cache the way a long-running bot would. Last line:
{"default": {"answers_per_s", "peak_mb"}, "semantic": null}
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


def main(path: Path) -> dict:
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
    for answer, refs, prompt, others in jobs:  # warm-up
        grade_answer(answer, refs, prompt=prompt, distractors=others)
    done = 0
    start = time.perf_counter()
    while done < TARGET:
        for answer, refs, prompt, others in jobs:
            grade_answer(answer, refs, prompt=prompt, distractors=others)
        done += len(jobs)
    elapsed = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{done} answers in {elapsed:.2f}s, each against 39 distractor references; max RSS {rss_mb:.0f} MB")
    return {
        "default": {"answers_per_s": round(done / elapsed), "peak_mb": round(rss_mb, 1)},
        "semantic": None,
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)))
