"""`interview-bot run` as a real process, killed with SIGKILL in the middle of sending the daily card and
started again: the card is sent on the next start, once, whether or not Slack had stored it before the
kill. And SIGTERM stops a bot that cannot connect. SQLite files and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.practice.service import PracticeService
from bot.store.tables import DailyPost
from tests.conftest import ROOT, Clock, schedule_now
from tests.slack_fake import FakeSlack
from tests.slack_harness import PLACE, SECRET

# Far below the 5-minute lease: a restart that waited for the lease to run out would miss it.
PROMPTLY = 90.0


async def start_bot(
    db_url: str, slack_api: FakeSlack, workdir: Path, **env: str
) -> asyncio.subprocess.Process:
    settings = {
        "DATABASE_URL": db_url,
        "QUESTIONS_DIR": str(ROOT / "questions"),
        "SLACK_BOT_TOKEN": "xoxb-T1",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_api.api_url,
        "SLACK_HOST": "127.0.0.1",
        "SLACK_PORT": "0",
        "RUN_SCHEDULER": "true",
        **env,
    }
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    log = (workdir / "bot.log").open("ab")  # the working directory has no .env to pick up
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "run", env=clean | settings, cwd=workdir, stdout=log, stderr=log
    )


async def stop(process: asyncio.subprocess.Process, bound: float = 60) -> int:
    """SIGTERM, and the exit code once it has stopped; a bot still running after `bound` is killed."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    try:
        return await asyncio.wait_for(process.wait(), timeout=bound)
    finally:
        if process.returncode is None:  # never left behind by a failing test
            process.kill()
            await process.wait()


async def eventually(check: Callable, timeout: float = PROMPTLY):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (result := await check()):
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the bot")
        await asyncio.sleep(0.2)
    return result


async def the_post(service: PracticeService) -> DailyPost | None:
    return await service.transaction(lambda s: s.scalar(select(DailyPost)))


@pytest.mark.parametrize("kill", ["before Slack stored the card", "after Slack stored the card"])
async def test_a_bot_killed_mid_send_sends_the_card_once_on_the_next_start(
    service: PracticeService, clock: Clock, slack_api: FakeSlack, migrated_url: str, tmp_path: Path, kill: str
) -> None:
    await schedule_now(service, clock, PLACE)
    slack_api.hold_posts = "before" if kill.startswith("before") else "after"
    first = await start_bot(migrated_url, slack_api, tmp_path)
    try:
        # mid-request: Slack has not answered
        await slack_api.wait_for(lambda: slack_api.held, timeout=PROMPTLY)
    finally:
        first.kill()  # SIGKILL: no chance to record anything or release the lease
        await first.wait()
    assert (await the_post(service)).state == "sending"
    assert len(slack_api.posted("C1")) == (0 if slack_api.hold_posts == "before" else 1)
    slack_api.hold_posts = None

    second = await start_bot(migrated_url, slack_api, tmp_path)
    try:
        post = await eventually(lambda: _posted(service))
    finally:
        assert await stop(second) == 0
    (card,) = slack_api.posted("C1")  # one copy, sent by whichever process got it to Slack
    assert post.message_ref == f"C1:{card['ts']}"
    assert card["metadata"]["event_payload"]["post_id"] == post.id


async def _posted(service: PracticeService) -> DailyPost | None:
    post = await the_post(service)
    return post if post is not None and post.state == "posted" else None


async def test_sigterm_stops_a_bot_whose_socket_mode_cannot_connect(
    slack_api: FakeSlack, migrated_url: str, tmp_path: Path
) -> None:
    with socket.socket() as closed:  # a port nobody listens on: every websocket attempt is refused
        closed.bind(("127.0.0.1", 0))
        slack_api.socket_url = f"ws://127.0.0.1:{closed.getsockname()[1]}/link"
    bot = await start_bot(migrated_url, slack_api, tmp_path, SLACK_APP_TOKEN="xapp-1-A1-test")
    try:
        # it keeps trying
        await slack_api.wait_for(lambda: slack_api.of("apps.connections.open"), timeout=PROMPTLY)
    finally:
        code = await stop(bot, bound=20)  # a bound, generous, not a measurement
    assert code == 0
