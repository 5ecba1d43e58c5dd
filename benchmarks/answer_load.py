"""Answer load: the Slack HTTP app on loopback against the real PostgreSQL, 2,000 signed answer submissions
at one daily post, 500 in flight at once, each from its own member.

The members and a stand-in Slack Web API run in two more processes; the members send pre-signed raw
HTTP requests over keep-alive connections, so the figures are the bot's and not the load generator's
(an aiohttp client signing on the fly added hundreds of milliseconds of its own queueing). Latency is
from sending a submission to Slack's 3-second acknowledgement; throughput counts until the last private
grade reaches the stand-in API. Afterwards the database is checked: every answer stored, none twice.

In the same run the same generator then sends the same submissions to the floor: a bare Bolt app on the
same aiohttp server that only acknowledges (no authorization call, no database, no grading), so the
bot's p99 can be read against what Bolt and aiohttp cost on this machine at this moment.
Prints one JSON object on its last line:
{"submitted", "stored", "duplicates", "throughput_per_s", "p50_ms", "p99_ms", "max_ms", "floor_p99_ms",
"p99_ratio"} (p99_ratio: ours over the floor).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.slack.server import SlackServer  # noqa: E402
from app.settings import Settings  # noqa: E402
from benchmarks.scratch import scratch_database  # noqa: E402
from bot.bank import load_bank  # noqa: E402
from bot.practice.service import PracticeService  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.tables import Answer  # noqa: E402
from bot.surface.context import Actor, Place  # noqa: E402

SECRET = "bench-signing-secret"
ANSWER = "Attention lets each token weigh every other token using queries, keys and values, then mixes values"


async def stand_in(conn, submissions: int) -> None:
    """A stand-in Slack Web API in its own process: counts the private grades sent back."""
    replies = 0
    last_reply = 0.0
    done = asyncio.Event()

    async def api(request: web.Request) -> web.Response:
        nonlocal replies, last_reply
        method = request.match_info["method"]
        if method == "chat.postEphemeral":
            replies += 1
            last_reply = time.time()
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
    with contextlib.suppress(TimeoutError):  # a stuck bot shows as fewer replies, not a hang
        await asyncio.wait_for(done.wait(), timeout=300)
    conn.send((replies, last_reply))
    while not conn.poll():  # still up while the bot closes: its last "N answered" card edit lands here
        await asyncio.sleep(0.05)
    await runner.cleanup()


def signed_requests(port: int, post_id: int, submissions: int) -> list[bytes]:
    """Every submission as the raw HTTP request Slack would send, signed before the clock starts so
    the generator spends its time sending and reading, not hashing."""
    verifier = SignatureVerifier(SECRET)
    meta = json.dumps({"post_id": post_id, "channel": "C1", "ts": "1.000100"})
    out = []
    for n in range(submissions):
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
        body = "payload=" + quote(json.dumps(payload), safe="")
        ts = str(int(time.time()))
        head = (
            f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"X-Slack-Request-Timestamp: {ts}\r\n"
            f"X-Slack-Signature: {verifier.generate_signature(timestamp=ts, body=body)}\r\n"
            f"Content-Length: {len(body.encode())}\r\n\r\n"
        )
        out.append(head.encode() + body.encode())
    return out


async def members(conn, submissions: int, concurrency: int) -> None:
    """The members in their own process: `concurrency` keep-alive connections, each sending its share
    of the submissions one after another; latency is from writing a request (connecting, for the
    first) to reading its whole acknowledgement."""
    port, post_id = conn.recv()
    requests = signed_requests(port, post_id, submissions)
    latencies: list[float] = []

    async def member(mine: list[bytes]) -> None:
        started = time.perf_counter()  # the first submission's latency includes connecting
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for n, raw in enumerate(mine):
            if n:
                started = time.perf_counter()
            writer.write(raw)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head.split(b" ", 2)[1]
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            assert status == b"200", status
            latencies.append((time.perf_counter() - started) * 1000)
        writer.close()

    started = time.time()
    await asyncio.gather(*(member(requests[i::concurrency]) for i in range(concurrency)))
    conn.send((latencies, started))


async def floor(load) -> None:
    """A bare Bolt app that only acknowledges, served like ours, until the generator is done."""

    async def authorize() -> AuthorizeResult:  # what ours learns once from auth.test, given up front
        return AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-floor", bot_user_id="UBOT")

    async def ack_only(ack) -> None:
        await ack()

    app = AsyncApp(signing_secret=SECRET, authorize=authorize)
    app.view("daily_submit")(ack_only)
    runner = web.AppRunner(app.web_app(path="/slack/events", port=0), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, backlog=1024).start()
    load.send((runner.addresses[0][1], 1))
    while not load.poll():
        await asyncio.sleep(0.1)
    await runner.cleanup()


def p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return round(ordered[int(len(ordered) * 0.99) - 1], 1)


def run_stand_in(conn, submissions: int) -> None:
    asyncio.run(stand_in(conn, submissions))


def run_members(conn, submissions: int, concurrency: int) -> None:
    asyncio.run(members(conn, submissions, concurrency))


async def serve(url: str, api, load) -> tuple[tuple[int, int], tuple[int, float]]:
    bank = load_bank(ROOT / "questions")
    service = PracticeService(Database(url), bank)
    await service.start()
    api_url = api.recv()
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
    runtime = SlackServer(service, settings)
    await runtime.start()
    place = Place("slack", "T1", "C1")
    await service.configure_channel(Actor(place, "UADMIN", is_admin=True))  # setup switches posting on
    card = await service.daily_post(place)
    load.send((runtime.port, card.post_id))
    while not api.poll():  # the last private grade has reached the stand-in API
        await asyncio.sleep(0.1)
    await runtime.close()  # sends the debounced card edit still pending, while the stand-in is up
    result = api.recv()
    api.send("closed")

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

    stored = await service.transaction(count)
    await service.db.dispose()
    return stored, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", default="postgresql://postgres@127.0.0.1:5432/test", help="PostgreSQL server URL"
    )
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=500)
    args = parser.parse_args()
    api, api_end = multiprocessing.Pipe()
    load, load_end = multiprocessing.Pipe()
    stand_in_process = multiprocessing.Process(target=run_stand_in, args=(api_end, args.submissions))
    members_process = multiprocessing.Process(
        target=run_members, args=(load_end, args.submissions, args.concurrency)
    )
    stand_in_process.start()
    members_process.start()
    with scratch_database(args.db) as url:
        migrate.upgrade(url)
        (stored, duplicates), (replies, last_reply) = asyncio.run(serve(url, api, load))
        latencies, started = load.recv()
    stand_in_process.join()
    members_process.join()
    floor_load, floor_end = multiprocessing.Pipe()
    floor_members = multiprocessing.Process(
        target=run_members, args=(floor_end, args.submissions, args.concurrency)
    )
    floor_members.start()
    asyncio.run(floor(floor_load))
    floor_latencies, _ = floor_load.recv()
    floor_members.join()
    elapsed = last_reply - started
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
                "p99_ms": p99(latencies),
                "max_ms": round(latencies[-1], 1),
                "floor_p99_ms": p99(floor_latencies),
                "p99_ratio": round(p99(latencies) / p99(floor_latencies), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
