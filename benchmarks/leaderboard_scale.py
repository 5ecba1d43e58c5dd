"""Leaderboards at scale on PostgreSQL: 100,000 members and 5,000,000 answers in one workspace.

Loads members and answers with COPY into a scratch database on the --db server, builds the totals the bot
keeps as answers arrive (one aggregate, the same buckets `bot.practice.boards.credit` writes), then
times the real board queries: this week's and all time's top 10 and one mid-table member's rank
(medians of 25).
Prints the query plans, then one JSON object on its last line:
{"members", "answers", "weekly_top10_ms", "alltime_top10_ms", "member_rank_ms"}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import scratch_database  # noqa: E402
from bot.bank import load_bank  # noqa: E402
from bot.practice import boards  # noqa: E402
from bot.practice.service import PracticeService  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store.db import Database  # noqa: E402

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday
ANSWER_COLUMNS = (
    "workspace_id",
    "member_id",
    "question_id",
    "text",
    "score",
    "verdict",
    "covered",
    "missed",
    "feedback",
    "grader_version",
    "points",
    "counted",
    "created_at",
)


async def load(dsn: str, members: int, answers: int, question_ids: list[str]) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO workspaces (id, platform, external_id, name, timezone, settings, created_at)"
            " VALUES (1, 'slack', 'T1', 'bench', 'UTC', '{}', $1)",
            NOW.replace(tzinfo=None),
        )
        await conn.copy_records_to_table(
            "members",
            columns=("id", "workspace_id", "external_id", "display_name", "created_at"),
            records=(
                (i, 1, f"U{i:07d}", f"member {i}", NOW.replace(tzinfo=None)) for i in range(1, members + 1)
            ),
        )
        rng = random.Random(7)
        start = NOW.replace(tzinfo=None) - timedelta(days=365)
        chunk = 500_000
        for offset in range(0, answers, chunk):
            rows = []
            for _ in range(min(chunk, answers - offset)):
                score = rng.randint(0, 100)
                rows.append(
                    (
                        1,
                        rng.randint(1, members),
                        rng.choice(question_ids),
                        "answer",
                        score,
                        "partial",
                        "[]",
                        "[]",
                        "",
                        "bench",
                        score,
                        True,
                        start + timedelta(seconds=rng.randint(0, 365 * 86400)),
                    )
                )
            await conn.copy_records_to_table("answers", columns=ANSWER_COLUMNS, records=rows)
            print(f"  {offset + len(rows):,} answers loaded", file=sys.stderr)
        for period, starts in (
            ("all", "DATE '1970-01-01'"),
            ("month", "date_trunc('month', created_at)::date"),
            ("week", "date_trunc('week', created_at)::date"),
        ):
            await conn.execute(
                "INSERT INTO board_totals (workspace_id, channel_id, period, starts, member_id, points,"
                f" answers, reached) SELECT workspace_id, 0, '{period}', {starts}, member_id, sum(points),"
                f" count(*), max(created_at) FROM answers WHERE counted"
                f" GROUP BY workspace_id, {starts}, member_id"
            )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def timed(work, repeat: int = 25) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


async def plans(dsn: str, member_id: int) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        out = []
        for title, sql in (
            (
                "weekly top 10",
                "SELECT member_id, points FROM board_totals WHERE workspace_id=1 AND channel_id=0"
                " AND period='week' AND starts=DATE '2026-11-16'"
                " ORDER BY points DESC, reached, member_id LIMIT 10",
            ),
            (
                "all-time top 10",
                "SELECT member_id, points FROM board_totals WHERE workspace_id=1 AND channel_id=0"
                " AND period='all' AND starts=DATE '1970-01-01'"
                " ORDER BY points DESC, reached, member_id LIMIT 10",
            ),
            (
                "member rank",
                "SELECT count(*) FROM board_totals b, (SELECT points, reached FROM board_totals"
                f" WHERE workspace_id=1 AND channel_id=0 AND period='all' AND starts=DATE '1970-01-01'"
                f" AND member_id={member_id}) m WHERE b.workspace_id=1 AND b.channel_id=0 AND b.period='all'"
                " AND b.starts=DATE '1970-01-01' AND (b.points > m.points OR (b.points = m.points AND"
                " b.reached < m.reached))",
            ),
        ):
            rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
            out.append(f"-- {title}\n" + "\n".join(r[0] for r in rows))
        return out
    finally:
        await conn.close()


async def measure(url: str, members: int) -> dict:
    bank = load_bank(ROOT / "questions")
    service = PracticeService(Database(url), bank, clock=lambda: NOW)
    await service.start()
    member_id = members // 2
    try:

        async def weekly():
            await service.transaction(lambda s: boards.top(s, 1, "week", NOW, "UTC"))

        async def alltime():
            await service.transaction(lambda s: boards.top(s, 1, "all", NOW, "UTC"))

        async def rank():
            await service.transaction(lambda s: boards.rank_of(s, 1, member_id, "all", NOW, "UTC"))

        await weekly()  # warm the pool and the caches the way a running bot has them
        rank_row = await service.transaction(lambda s: boards.rank_of(s, 1, member_id, "all", NOW, "UTC"))
        print(f"member {member_id} is #{rank_row.rank:,} with {rank_row.points:,} points", file=sys.stderr)
        return {
            "weekly_top10_ms": await timed(weekly),
            "alltime_top10_ms": await timed(alltime),
            "member_rank_ms": await timed(rank),
        }
    finally:
        await service.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", default="postgresql://postgres@127.0.0.1:5432/test", help="PostgreSQL server URL"
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=5_000_000)
    args = parser.parse_args()
    bank = load_bank(ROOT / "questions")
    with scratch_database(args.db) as url:
        migrate.upgrade(url)
        asyncio.run(_sync_questions(url, bank))
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        started = time.perf_counter()
        asyncio.run(load(dsn, args.members, args.answers, [q.id for q in bank.questions]))
        print(f"loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        figures = asyncio.run(measure(url, args.members))
        for plan in asyncio.run(plans(dsn, args.members // 2)):
            print(plan)
    print(json.dumps({"members": args.members, "answers": args.answers, **figures}))


async def _sync_questions(url: str, bank) -> None:
    service = PracticeService(Database(url), bank, clock=lambda: NOW)
    await service.start()
    await service.db.dispose()


if __name__ == "__main__":
    main()
