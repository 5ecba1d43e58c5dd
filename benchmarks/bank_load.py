"""Bank load speed: a cold parse of every bank file and a load from the content-keyed cache.

Prints one JSON object on its last line: {"questions", "cold_ms", "cached_ms", "peak_mb"}.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.bank import load_bank  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), result


def main() -> None:
    questions = ROOT / "questions"
    with tempfile.TemporaryDirectory() as cache:
        cold_ms, bank = timed(lambda: load_bank(questions, use_cache=False), 5)
        load_bank(questions, cache_dir=Path(cache))  # fill the cache
        cached_ms, _ = timed(lambda: load_bank(questions, cache_dir=Path(cache)), 20)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(bank.questions)} questions from {len(bank.by_source)} files; median of 5 cold, 20 cached loads"
    )
    print(
        json.dumps(
            {
                "questions": len(bank.questions),
                "cold_ms": round(cold_ms, 1),
                "cached_ms": round(cached_ms, 2),
                "peak_mb": round(peak_mb, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
