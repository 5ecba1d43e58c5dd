"""Fan-out: one daily question to many channels through a simulated platform with a global rate limit.

The platform runs in its own process on loopback and answers HTTP 429 with Retry-After past its limit
(a sliding one-second window); the bot's real scheduler claims, leases, sends and records every post
in a real database (a fresh SQLite file, or a scratch PostgreSQL database with --db).
Prints one JSON object on its last line:
{"channels", "posted", "duplicates", "elapsed_s", "ideal_s", "ratio", "rate_limited", "peak_mb"}.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import multiprocessing
import resource
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import scratch_database  # noqa: E402
from bot.bank import load_bank  # noqa: E402
from bot.practice.service import PracticeService  # noqa: E402
from bot.scheduling import DailyScheduler  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.tables import Channel, Workspace  # noqa: E402
from bot.surface.cards import PostSummary, QuestionCard  # noqa: E402
from bot.surface.context import Place  # noqa: E402
from bot.surface.publishing import RateLimited  # noqa: E402

POST_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def serve_platform(port: int, rate: int, ready) -> None:
    """The simulated platform: at most `rate` accepted posts in any one-second window."""
    accepted: collections.deque[float] = collections.deque()
    per_channel: collections.Counter[str] = collections.Counter()
    refused = 0

    async def post(request: web.Request) -> web.Response:
        nonlocal refused
        now = time.monotonic()
        while accepted and accepted[0] <= now - 1.0:
            accepted.popleft()
        if len(accepted) >= rate:
            refused += 1
            wait = accepted[0] + 1.0 - now
            return web.json_response({"ok": False}, status=429, headers={"Retry-After": f"{wait:.3f}"})
        accepted.append(now)
        body = await request.json()
        per_channel[body["channel"]] += 1
        return web.json_response({"ok": True, "ts": f"{now:.6f}"})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response({"per_channel": per_channel, "refused": refused})

    app = web.Application()
    app.router.add_post("/post", post)
    app.router.add_get("/stats", stats)
    ready.set()
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


class SimPublisher:
    platform = "sim"

    def __init__(self, base: str, session: aiohttp.ClientSession) -> None:
        self.base, self.session = base, session

    async def post_question(
        self, place: Place, card: QuestionCard, *, maybe_sent_since: datetime | None = None
    ) -> str:
        async with self.session.post(
            f"{self.base}/post", json={"channel": place.channel, "post": card.post_id}
        ) as response:
            if response.status == 429:
                raise RateLimited(float(response.headers["Retry-After"]))
            response.raise_for_status()
            return (await response.json())["ts"]

    async def post_summary(self, place: Place, message_ref: str | None, summary: PostSummary) -> None:
        raise AssertionError("no closes in this benchmark")

    async def notify_admins(self, place: Place, text: str) -> None:
        raise AssertionError(f"unexpected failure: {text}")


async def seed(db: Database, channels: int) -> list[int]:
    async with db.sessions() as session, session.begin():
        ws = Workspace(
            platform="sim", external_id="W", name="bench", timezone="UTC", settings={}, created_at=POST_AT
        )
        session.add(ws)
        await session.flush()
        session.add_all(
            Channel(
                workspace_id=ws.id,
                external_id=f"C{i:05d}",
                name=f"c{i}",
                enabled=True,
                post_time="09:00",
                weekdays="0123456",
                timezone="UTC",
                topics=[],
                reveal_policy="after_close",
                failures=0,
                created_at=POST_AT,
            )
            for i in range(channels)
        )
    async with db.sessions() as session:
        return list((await session.scalars(Channel.__table__.select().with_only_columns(Channel.id))).all())


async def run(args: argparse.Namespace, url: str, port: int) -> dict:
    bank = load_bank(ROOT / "questions")
    db = Database(url)
    service = PracticeService(db, bank, clock=lambda: POST_AT)
    await service.start()
    ids = await seed(db, args.channels)
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:
        scheduler = DailyScheduler(
            service, {"sim": SimPublisher(f"http://127.0.0.1:{port}", http)}, concurrency=args.concurrency
        )
        started = time.perf_counter()
        report = await scheduler.post_channels(ids)
        elapsed = time.perf_counter() - started
        async with http.get(f"http://127.0.0.1:{port}/stats") as response:
            stats = await response.json()
    await db.dispose()
    counts = stats["per_channel"]
    ideal = args.channels / args.rate
    return {
        "channels": args.channels,
        "posted": len(counts),
        "duplicates": sum(n - 1 for n in counts.values()),
        "elapsed_s": round(elapsed, 2),
        "ideal_s": round(ideal, 2),
        "ratio": round(elapsed / ideal, 3),
        "rate_limited": stats["refused"],
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "_report_posted": report.posted,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=1_000, help="platform limit, requests per second")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--db", help="a PostgreSQL server URL to use a scratch database on (default: SQLite)")
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ready = multiprocessing.Event()
    platform = multiprocessing.Process(target=serve_platform, args=(port, args.rate, ready), daemon=True)
    platform.start()
    ready.wait()
    time.sleep(0.3)
    with scratch_database(args.db) as url:
        migrate.upgrade(url)
        figures = asyncio.run(run(args, url, port))
    platform.terminate()
    reported = figures.pop("_report_posted")
    print(
        f"{args.channels} channels, platform limit {args.rate}/s, {args.concurrency} in flight; "
        f"scheduler reported {reported} posted"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
