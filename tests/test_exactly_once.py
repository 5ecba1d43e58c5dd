"""Each daily card reaches its channel once, even when the connection breaks after the platform accepted
it: a loopback proxy forwards the send, lets the stand-in API store the message, then resets the
connection before the reply. The real scheduler, the real publishers, SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import discord
from sqlalchemy import select, update

from adapters.discord.client import InterviewBot
from adapters.discord.publisher import DiscordPublisher
from adapters.slack.server import SlackServer
from app.settings import Settings
from bot.bank import Bank
from bot.practice.service import PracticeService
from bot.scheduling import DailyScheduler
from bot.scheduling import posts as posts_of
from bot.scheduling.senders import FileLockSender
from bot.store import migrate
from bot.store.db import Database
from bot.store.tables import DailyPost
from bot.surface.context import Place
from tests.conftest import Clock, schedule_now, set_up_channel
from tests.discord_fake import CHANNEL, GUILD, FakeDiscord
from tests.flaky_proxy import ResettingProxy
from tests.slack_fake import FakeSlack
from tests.slack_harness import settings_for


async def posts(service: PracticeService) -> list[tuple[str, str | None]]:
    rows = await service.transaction(lambda s: s.execute(select(DailyPost.state, DailyPost.message_ref)))
    return [tuple(row) for row in rows.all()]


async def test_slack_reset_after_accepting_the_card_leaves_one_copy(
    service: PracticeService, clock: Clock, slack_api: FakeSlack
) -> None:
    proxy = ResettingProxy(slack_api.port, trigger=b"chat.postMessage")
    await proxy.start()
    runtime = SlackServer(
        service,
        settings_for(
            slack_api, slack_bot_token="xoxb-T1", slack_api_url=f"http://127.0.0.1:{proxy.port}/api/"
        ),
    )
    await runtime.start()
    scheduler = DailyScheduler(service, {"slack": runtime.publisher})
    try:
        await schedule_now(service, clock, Place("slack", "T1", "C1"))
        proxy.armed = 1
        report = await scheduler.sweep()
        await scheduler.sweep()  # a later sweep finds the work done
        proxy.armed = 1  # and the same happens to the closing summary in the card's thread
        clock.now = await service.transaction(lambda s: s.scalar(select(DailyPost.closes_at)))
        await scheduler.close_due()
        await scheduler.close_due()
    finally:
        await scheduler.shutdown()
        await runtime.close()
        await proxy.stop()
    assert proxy.resets == 2, "the connection really broke after Slack stored the card and the summary"
    (card,) = slack_api.posted("C1")  # one copy in the channel
    assert card["metadata"]["event_payload"]["post_id"] > 0
    assert report.posted == 1 and await posts(service) == [("closed", f"C1:{card['ts']}")]
    (summary,) = slack_api.posted("C1", thread=card["ts"])  # one closing summary in its thread
    assert summary["text"].startswith("Closed: ")


async def discord_bot(service: PracticeService, base: str) -> InterviewBot:
    discord.http.Route.BASE = base
    client = InterviewBot(service, Settings(discord_token="x.y.z"), sync_commands=False)
    await client.login("x.y.z")
    return client


async def test_discord_reset_after_accepting_the_card_leaves_one_copy(
    service: PracticeService, clock: Clock, discord_api: FakeDiscord
) -> None:
    proxy = ResettingProxy(discord_api.port, trigger=b"/messages HTTP")
    await proxy.start()
    client = await discord_bot(service, f"http://127.0.0.1:{proxy.port}/api/v10")
    scheduler = DailyScheduler(service, {"discord": DiscordPublisher(client)})
    try:
        await schedule_now(service, clock, Place("discord", GUILD, CHANNEL))
        proxy.armed = 1
        report = await scheduler.sweep()
    finally:
        await scheduler.shutdown()
        await client.close()
        await proxy.stop()
    assert proxy.resets == 1, "the connection really broke after Discord stored the card"
    sends = discord_api.of("POST", f"/channels/{CHANNEL}/messages")
    assert len(sends) == 2 and sends[0].body["nonce"] == sends[1].body["nonce"]  # sent again, same nonce
    (card,) = discord_api.posted(CHANNEL)  # ...and Discord kept one
    assert report.posted == 1 and await posts(service) == [("posted", f"{CHANNEL}:{card['id']}")]


async def test_discord_card_sent_before_a_crash_is_found_not_sent_again(
    service: PracticeService, clock: Clock, discord_api: FakeDiscord
) -> None:
    client = await discord_bot(service, discord_api.base)
    publisher = DiscordPublisher(client)
    place = Place("discord", GUILD, CHANNEL)
    await schedule_now(service, clock, place)
    dead = DailyScheduler(service, {"discord": publisher})
    restarted = DailyScheduler(service, {"discord": publisher})
    try:
        await dead.sender.start()
        channel_id = (await dead.rebuild()).popitem()[1][0]
        (delivery,) = await service.transaction(
            lambda s: posts_of.lease_batch(
                s, service.bank, [channel_id], clock.now, dead.grace, dead.lease, dead.sender.owner
            )
        )
        card = await service.post_card(delivery.post_id)
        await publisher.post_question(place, card)  # Discord stored it; the process died before recording
        await dead.sender.close()
        report = await restarted.recover()
    finally:
        await restarted.shutdown()
        await client.close()
    (sent,) = discord_api.posted(CHANNEL)
    assert len(discord_api.of("POST", f"/channels/{CHANNEL}/messages")) == 1
    assert report.posted == 1 and await posts(service) == [("posted", f"{CHANNEL}:{sent['id']}")]


async def test_sender_columns_migrate_down_and_up_with_posts_in_flight(
    migrated_url: str, bank: Bank, clock: Clock
) -> None:
    service = PracticeService(Database(migrated_url), bank, clock=clock)
    await service.start()
    for channel in ("C1", "C2"):
        await set_up_channel(service, Place("chat", "T1", channel))
    sending = await service.daily_post(Place("chat", "T1", "C1"))
    posted = await service.daily_post(Place("chat", "T1", "C2"))
    for post_id, values in (
        (sending.post_id, {"state": "sending", "lease_owner": "pg:1", "attempts": 1}),
        (posted.post_id, {"state": "posted", "message_ref": "m1", "attempts": 1}),
    ):
        await service.transaction(
            lambda s, p=post_id, v=values: s.execute(update(DailyPost).where(DailyPost.id == p).values(**v))
        )
    await service.db.dispose()
    migrate.downgrade(migrated_url, "0003")
    migrate.upgrade(migrated_url)
    db = Database(migrated_url)
    async with db.sessions() as session:
        rows = await session.execute(
            select(
                DailyPost.state, DailyPost.attempts, DailyPost.lease_owner, DailyPost.message_ref
            ).order_by(DailyPost.id)
        )
        found = [tuple(row) for row in rows.all()]
    await db.dispose()
    # A send caught in flight counts as started, so its next sender looks on the platform first.
    assert found == [("sending", 1, None, None), ("posted", 0, None, "m1")]


async def test_lock_files_of_killed_senders_do_not_pile_up(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    alive, starting = FileLockSender(database), FileLockSender(database)
    await alive.start()
    killed = tmp_path / "bot.db-sender-0123456789abcdef"  # what a sender killed while idle leaves
    killed.touch()
    await starting.start()
    try:
        assert not killed.exists() and alive.path.exists()
        assert await starting.gone(None, [alive.owner, "file:0123456789abcdef"]) == {"file:0123456789abcdef"}
    finally:
        await starting.close()
        await alive.close()
    assert list(tmp_path.iterdir()) == []
