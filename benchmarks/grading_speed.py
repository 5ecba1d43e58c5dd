"""Throughput and peak memory of the grader on one core, grading as the product does.

Every development-set answer is graded against its bank question (references, curated rubric, twelve
same-topic neighbours as distractors), or against its own reference when it matches none, enough
times to reach a few thousand answers, after a warm-up pass that fills the per-question caches the way
a long-running bot would. The rate is answers per second of CPU time, so another process on the
machine does not move it. Last line: {"default": {"answers_per_s", "peak_mb"}, "semantic": null}
("semantic" stays null: the embedding layer was measured and left out, benchmarks/RESULTS.md).

Usage: python benchmarks/grading_speed.py [DEV_SET.jsonl]
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from bot.bank import load_bank
from bot.grading import grade_answer

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "grading" / "dev-set.jsonl"
TARGET = 5000


def jobs_of(path: Path) -> list[tuple]:
    bank = load_bank(ROOT / "questions")
    jobs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        question = bank.find(row["question"])
        if question is None:
            jobs.append((row["answer"], (row["reference_answer"],), (), row["question"], ()))
            continue
        neighbours = tuple(q.answer for q in bank.questions if q.topic == question.topic and q != question)
        jobs.append((row["answer"], question.answers, question.rubric, question.prompt, neighbours[:12]))
    return jobs


def run(jobs: list[tuple], target: int) -> tuple[int, float]:
    for answer, references, points, prompt, others in jobs:  # warm-up
        grade_answer(answer, references, key_points=points, prompt=prompt, distractors=others)
    done = 0
    start = time.process_time()
    while done < target:
        for answer, references, points, prompt, others in jobs:
            grade_answer(answer, references, key_points=points, prompt=prompt, distractors=others)
        done += len(jobs)
    return done, time.process_time() - start


def main(path: Path) -> dict:
    done, elapsed = run(jobs_of(path), TARGET)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{done} answers in {elapsed:.2f} s of CPU, with rubric and 12 distractors; max RSS {rss_mb:.0f} MB"
    )
    return {
        "default": {"answers_per_s": round(done / elapsed), "peak_mb": round(rss_mb, 1)},
        "semantic": None,
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)))
