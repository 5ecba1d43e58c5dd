"""Each daily card reaches its channel once, even when the connection breaks after the platform accepted
it: a loopback proxy forwards the send, lets the stand-in API store the message, then resets the
connection before the reply. The real scheduler, the real publishers, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from adapters.slack.runtime import SlackRuntime
from bot.events import Actor, Place
from bot.scheduling import DailyScheduler
from bot.service import PracticeService
from bot.store.tables import DailyPost
from tests.conftest import Clock
from tests.flaky_proxy import ResettingProxy
from tests.slack_fake import FakeSlack
from tests.test_slack import settings_for


async def schedule_now(service: PracticeService, clock: Clock, place: Place) -> None:
    """A channel whose post time is now (the stand-in platforms stamp messages with the real time)."""
    clock.now = datetime.now(UTC).replace(second=0, microsecond=0)
    boss = Actor(place, "UADMIN", "Boss", is_admin=True)
    await service.configure_channel(boss, post_time=clock.now.strftime("%H:%M"), timezone="UTC")


async def posts(service: PracticeService) -> list[tuple[str, str | None]]:
    rows = await service.transaction(lambda s: s.execute(select(DailyPost.state, DailyPost.message_ref)))
    return [tuple(row) for row in rows.all()]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


async def test_slack_reset_after_accepting_the_card_leaves_one_copy(
    service: PracticeService, clock: Clock, fake: FakeSlack
) -> None:
    proxy = ResettingProxy(int(fake.base.rsplit(":", 1)[1]), trigger=b"chat.postMessage")
    await proxy.start()
    runtime = SlackRuntime(
        service,
        settings_for(fake, slack_bot_token="xoxb-T1", slack_api_url=f"http://127.0.0.1:{proxy.port}/api/"),
    )
    await runtime.start()
    scheduler = DailyScheduler(service, {"slack": runtime.publisher})
    try:
        await schedule_now(service, clock, Place("slack", "T1", "C1"))
        proxy.armed = 1
        report = await scheduler.sweep()
        await scheduler.sweep()  # a later sweep finds the work done
    finally:
        await scheduler.shutdown()
        await runtime.close()
        await proxy.stop()
    assert proxy.resets == 1, "the connection really broke after Slack stored the card"
    (card,) = fake.posted("C1")  # one copy in the channel
    assert card["metadata"]["event_payload"]["post_id"] > 0
    assert report.posted == 1 and await posts(service) == [("posted", f"C1:{card['ts']}")]
