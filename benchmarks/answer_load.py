"""Answer load: the Slack HTTP app on loopback against the real PostgreSQL, 2,000 signed answer submissions
at one daily post, 500 in flight at once, each from its own member.

The load generator and a stand-in Slack Web API run in a second process (the bot keeps its own core);
latency is from sending a submission to Slack's 3-second acknowledgement. Afterwards the database is
checked: every answer stored, none twice. Prints one JSON object on its last line:
{"submitted", "stored", "duplicates", "throughput_per_s", "p50_ms", "p99_ms", "max_ms"}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.slack.runtime import SlackRuntime  # noqa: E402
from benchmarks.scratch import scratch_database  # noqa: E402
from bot.bank import load_bank  # noqa: E402
from bot.events import Place  # noqa: E402
from bot.service import PracticeService  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.tables import Answer  # noqa: E402

SECRET = "bench-signing-secret"
ANSWER = "Attention lets each token weigh every other token using queries, keys and values, then mixes values"


async def generate(conn, submissions: int, concurrency: int) -> None:
    """The second process: a stand-in Slack API that counts replies, and the members submitting."""
    replies = 0
    done = asyncio.Event()

    async def api(request: web.Request) -> web.Response:
        nonlocal replies
        method = request.match_info["method"]
        if method == "chat.postEphemeral":
            replies += 1
            if replies >= submissions:
                done.set()
        if method == "auth.test":
            return web.json_response({"ok": True, "team_id": "T1", "user_id": "UBOT", "bot_id": "B1"})
        if method == "chat.postMessage":
            return web.json_response({"ok": True, "channel": "C1", "ts": "1.000100"})
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_route("*", "/api/{method}", api)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    conn.send(f"http://127.0.0.1:{runner.addresses[0][1]}/api/")
    port, post_id = conn.recv()
    verifier = SignatureVerifier(SECRET)
    meta = json.dumps({"post_id": post_id, "channel": "C1", "ts": "1.000100"})
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def submit(http: aiohttp.ClientSession, n: int) -> None:
        payload = {
            "type": "view_submission",
            "team": {"id": "T1"},
            "user": {"id": f"U{n:05d}", "username": f"member{n}", "team_id": "T1"},
            "view": {
                "type": "modal",
                "id": "V1",
                "callback_id": "daily_submit",
                "private_metadata": meta,
                "state": {
                    "values": {"answer": {"text": {"type": "plain_text_input", "value": f"{ANSWER} #{n}"}}}
                },
            },
        }
        body = "payload=" + aiohttp.helpers.quote(json.dumps(payload), safe="")
        async with gate:
            ts = str(int(time.time()))
            headers = {
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body),
                "Content-Type": "application/x-www-form-urlencoded",
            }
            started = time.perf_counter()
            async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as r:
                await r.read()
                assert r.status == 200, r.status
            latencies.append((time.perf_counter() - started) * 1000)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()
        await asyncio.gather(*(submit(http, n) for n in range(submissions)))
        await asyncio.wait_for(done.wait(), timeout=300)
        elapsed = time.perf_counter() - started
    conn.send((latencies, elapsed, replies))
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # the bot has shut down
    await runner.cleanup()


def load_process(conn, submissions: int, concurrency: int) -> None:
    asyncio.run(generate(conn, submissions, concurrency))


async def serve(url: str, conn) -> tuple[int, int]:
    bank = load_bank(ROOT / "questions")
    service = PracticeService(Database(url), bank)
    await service.start()
    api_url = conn.recv()
    settings = Settings(
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SECRET,
        slack_api_url=api_url,
        slack_port=0,
        slack_host="127.0.0.1",
        slack_app_token=None,
        slack_client_id=None,
        slack_client_secret=None,
    )
    runtime = SlackRuntime(service, settings)
    await runtime.start()
    card = await service.daily_post(Place("slack", "T1", "C1"))
    conn.send((runtime.port, card.post_id))
    while not conn.poll():
        await asyncio.sleep(0.1)
    await runtime.close()

    async def count(session):
        stored = await session.scalar(select(func.count()).where(Answer.post_id == card.post_id))
        repeated = await session.scalar(
            select(func.count()).select_from(
                select(Answer.member_id)
                .where(Answer.post_id == card.post_id)
                .group_by(Answer.member_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
        return stored, repeated

    result = await service.transaction(count)
    await service.db.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", default="postgresql://postgres@127.0.0.1:5432/test", help="PostgreSQL server URL"
    )
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=500)
    args = parser.parse_args()
    ours, theirs = multiprocessing.Pipe()
    load = multiprocessing.Process(target=load_process, args=(theirs, args.submissions, args.concurrency))
    load.start()
    with scratch_database(args.db) as url:
        migrate.upgrade(url)
        stored, duplicates = asyncio.run(serve(url, ours))
        latencies, elapsed, replies = ours.recv()
        ours.send("bye")
    load.join()
    latencies.sort()
    print(f"{args.submissions} submissions, {args.concurrency} in flight, {replies} private grades sent back")
    print(
        json.dumps(
            {
                "submitted": args.submissions,
                "stored": stored,
                "duplicates": duplicates,
                "throughput_per_s": round(args.submissions / elapsed, 1),
                "p50_ms": round(statistics.median(latencies), 1),
                "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1),
                "max_ms": round(latencies[-1], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
