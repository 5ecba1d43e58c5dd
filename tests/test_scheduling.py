"""Daily scheduling under a controlled clock, on SQLite and PostgreSQL: on time, once, in local time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.practice.service import PracticeService
from bot.scheduling import DailyScheduler, cron_trigger, posts
from bot.store.db import Database
from bot.store.tables import Channel, ChannelStreak, DailyPost
from tests.conftest import Clock
from tests.scheduling_fakes import FakePlatform, admin, place


@pytest.fixture
def platform(clock: Clock) -> FakePlatform:
    return FakePlatform(clock)


@pytest.fixture
async def scheduler(service: PracticeService, platform: FakePlatform) -> AsyncIterator[DailyScheduler]:
    scheduler = DailyScheduler(service, {"chat": platform})
    yield scheduler
    await scheduler.shutdown()


async def setup(service: PracticeService, channel: str, **changes) -> None:
    await service.configure_channel(admin(channel), **changes)


async def run_cron(
    scheduler: DailyScheduler, clock: Clock, start: datetime, until: datetime
) -> list[datetime]:
    """Fire every schedule's cron trigger between start and until, as APScheduler would, in time order."""
    groups = await scheduler.rebuild()
    fires = []
    for schedule in groups:
        trigger, previous, now = cron_trigger(schedule), None, start
        while (at := trigger.get_next_fire_time(previous, now)) and at < until:
            fires.append((at.astimezone(UTC), schedule))
            previous = now = at
    for at, schedule in sorted(fires, key=lambda f: f[0]):
        clock.now = at
        await scheduler.fire(schedule)
    return [at for at, _ in sorted(fires, key=lambda f: f[0])]


def local(sent, tz: str) -> datetime:
    return sent.at.astimezone(ZoneInfo(tz))


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2026, 3, 26, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)),
        (datetime(2026, 10, 22, tzinfo=UTC), datetime(2026, 10, 28, tzinfo=UTC)),
    ],
    ids=["spring-forward", "fall-back"],
)
async def test_nine_in_berlin_stays_nine_across_dst(scheduler, service, platform, clock, start, end):
    await setup(service, "berlin", post_time="09:00", timezone="Europe/Berlin")
    await run_cron(scheduler, clock, start, end)
    assert [local(s, "Europe/Berlin").strftime("%H:%M") for s in platform.posts] == ["09:00"] * 6
    days = [local(s, "Europe/Berlin").date() for s in platform.posts]
    assert days == [start.date() + timedelta(days=i) for i in range(6)]
    assert {s.at.hour for s in platform.posts} == {7, 8}  # UTC moves, local time does not


async def test_skipped_and_repeated_local_times_post_once_that_day(scheduler, service, platform, clock):
    await setup(service, "night", post_time="02:30", timezone="Europe/Berlin")
    spring = await run_cron(
        scheduler, clock, datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC)
    )
    autumn = await run_cron(
        scheduler, clock, datetime(2026, 10, 24, tzinfo=UTC), datetime(2026, 10, 27, tzinfo=UTC)
    )
    assert len(spring) == 3 and len(autumn) == 4  # 02:30 does not exist on Mar 29 and happens twice on Oct 25
    days = [s.card.local_date for s in platform.posts]
    assert days == ["2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24", "2026-10-25", "2026-10-26"]


async def test_far_timezones_post_on_their_own_calendar_day(scheduler, service, platform, clock):
    await setup(service, "kiritimati", post_time="09:00", timezone="Pacific/Kiritimati")
    await setup(service, "pago", post_time="09:00", timezone="Pacific/Pago_Pago")
    await run_cron(scheduler, clock, datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 3, tzinfo=UTC))
    by_channel: dict[str, list] = {}
    for sent in platform.posts:
        by_channel.setdefault(sent.place.channel, []).append(sent)
    kiri, pago = by_channel["kiritimati"], by_channel["pago"]
    assert [local(s, "Pacific/Kiritimati").strftime("%H:%M") for s in kiri] == ["09:00", "09:00"]
    assert [local(s, "Pacific/Pago_Pago").strftime("%H:%M") for s in pago] == ["09:00", "09:00"]
    assert [s.at.strftime("%H:%M") for s in kiri] == ["19:00", "19:00"]  # UTC+14: the evening before
    assert [s.card.local_date for s in kiri] == ["2026-06-02", "2026-06-03"]
    assert [s.card.local_date for s in pago] == ["2026-06-01", "2026-06-02"]


async def test_weekday_schedule_and_skip(scheduler, service, platform, clock):
    await setup(service, "work", post_time="09:00", timezone="UTC", weekdays="mon-fri")
    clock.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday, before the post
    await service.skip_next(admin("work"))
    await run_cron(scheduler, clock, clock.now, datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    assert [s.card.local_date for s in platform.posts] == [
        "2026-03-03",
        "2026-03-04",
        "2026-03-05",
        "2026-03-06",
    ]
    clock.now = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)  # Saturday: a sweep posts nothing
    await scheduler.sweep()
    assert len(platform.posts) == 4


async def test_catch_up_within_grace_but_never_a_past_day(scheduler, service, platform, clock):
    await setup(service, "late", post_time="09:00", timezone="Europe/Berlin")
    clock.now = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 15:00 Berlin: 6 hours late, still in grace
    await scheduler.recover()
    assert [s.card.local_date for s in platform.posts] == ["2026-03-02"]
    clock.now = datetime(2026, 3, 3, 14, 1, tzinfo=UTC)  # the next day, just past the grace period
    await scheduler.recover()
    clock.now = datetime(2026, 3, 4, 7, 0, tzinfo=UTC)  # before the next post: yesterday is never posted
    await scheduler.recover()
    assert [s.card.local_date for s in platform.posts] == ["2026-03-02"]


async def test_restart_mid_day_does_not_post_again(service, platform, clock, migrated_url, bank):
    await setup(service, "main", post_time="09:00", timezone="UTC")
    clock.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    first = DailyScheduler(service, {"chat": platform})
    await first.recover()
    await first.shutdown()
    clock.advance(hours=2)
    restarted = PracticeService(Database(migrated_url), bank, clock=clock)
    await restarted.start()
    second = DailyScheduler(restarted, {"chat": platform})
    try:
        report = await second.recover()
    finally:
        await second.shutdown()
        await restarted.db.dispose()
    assert platform.channels_posted() == ["main"]
    assert report.posted == 0


async def test_a_live_senders_lease_holds_and_a_dead_ones_is_taken_over_at_once(
    scheduler, service, platform, clock
):
    await setup(service, "main", post_time="09:00", timezone="UTC")
    clock.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    channel_id = (await scheduler.rebuild()).popitem()[1][0]
    other = DailyScheduler(service, {"chat": platform}).sender  # another process on the same database
    await other.start()
    leased = await service.transaction(
        lambda s: posts.lease_batch(
            s, service.bank, [channel_id], clock.now, scheduler.grace, scheduler.lease, other.owner
        )
    )
    assert len(leased) == 1 and leased[0].maybe_sent_since is None  # its first send, about to start
    clock.advance(minutes=1)
    await scheduler.sweep()
    assert platform.posts == []  # its lease holds while it lives: it might be mid-request
    await other.close()  # it ends without recording a send (a kill drops its lock the same way)
    await scheduler.recover()  # within its lease, which no longer matters
    await scheduler.recover()
    assert platform.channels_posted() == ["main"]
    assert platform.posts[0].card.local_date == "2026-03-02"
    assert platform.posts[0].maybe_sent_since is not None  # so the platform is searched before sending


async def test_crash_between_claim_and_send_is_sent_once_later_that_day(scheduler, service, platform, clock):
    await setup(service, "main", post_time="09:00", timezone="UTC")
    clock.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    channel_id = (await scheduler.rebuild()).popitem()[1][0]
    await service.transaction(
        lambda s: posts.lease_batch(
            s, service.bank, [channel_id], clock.now, scheduler.grace, scheduler.lease, "proc:unknowable"
        )
    )
    clock.advance(hours=10)  # past the 6h grace and the lease of a sender nobody can vouch for
    await scheduler.recover()
    await scheduler.recover()
    assert platform.channels_posted() == ["main"]
    assert platform.posts[0].card.local_date == "2026-03-02"


async def test_two_schedulers_on_one_database_post_once(service, platform, clock, migrated_url, bank):
    for i in range(12):
        await setup(service, f"c{i}", post_time="09:00", timezone="UTC")
    other = PracticeService(Database(migrated_url), bank, clock=clock)
    await other.start()
    first, second = DailyScheduler(service, {"chat": platform}), DailyScheduler(other, {"chat": platform})
    try:
        groups = await first.rebuild()
        await second.rebuild()
        clock.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        (schedule,) = groups
        reports = await asyncio.gather(
            first.fire(schedule), second.fire(schedule), first.sweep(), second.sweep()
        )
    finally:
        await first.shutdown()
        await second.shutdown()
        await other.db.dispose()
    assert sorted(platform.channels_posted()) == sorted(f"c{i}" for i in range(12))
    assert sum(r.posted for r in reports) == 12


async def test_close_reveals_once_and_settles_channel_streaks(scheduler, service, platform, clock):
    await setup(service, "main", post_time="09:00", timezone="UTC")
    ada = admin("main").__class__(place("main"), user="ada", display_name="Ada")
    bob = admin("main").__class__(place("main"), user="bob", display_name="Bob")
    for day in (2, 3):
        clock.now = datetime(2026, 3, day, 9, 0, tzinfo=UTC)
        await scheduler.sweep()
        post_id = platform.posts[-1].card.post_id
        await service.answer_post(ada, post_id, "Attention weighs tokens by query key similarity and softmax")
        if day == 2:
            await service.answer_post(bob, post_id, "Bob explains the idea with keys queries and values")
        clock.now = datetime(2026, 3, day + 1, 8, 0, tzinfo=UTC)  # default close: 1h before the next post
        assert await scheduler.close_due() == 1
        assert await scheduler.close_due() == 0
    assert [(ref, s.answered) for _, ref, s in platform.summaries] == [("msg-1", 2), ("msg-2", 1)]
    assert platform.summaries[0][2].reference
    streaks = await service.transaction(
        lambda s: s.execute(
            select(ChannelStreak.member_id, ChannelStreak.current).order_by(ChannelStreak.member_id)
        )
    )
    assert [current for _, current in streaks.all()] == [2, 0]  # bob missed day two


async def test_refused_channel_does_not_hold_up_others_and_is_paused(scheduler, service, platform, clock):
    for name in ("ok1", "gone", "ok2"):
        await setup(service, name, post_time="09:00", timezone="UTC")
    platform.refuse.add("gone")
    for day in (2, 3, 4):
        clock.now = datetime(2026, 3, day, 9, 0, tzinfo=UTC)
        await scheduler.sweep()
    assert platform.channels_posted().count("ok1") == 3 and "gone" not in platform.channels_posted()
    assert len(platform.notices) == 3
    assert "paused" in platform.notices[-1][1] and "paused" not in platform.notices[0][1]
    channel = await service.transaction(
        lambda s: s.scalar(select(Channel).where(Channel.external_id == "gone"))
    )
    assert channel.enabled is False and "not_in_channel" in channel.last_error
    status = await service.resume_channel(admin("gone"))
    assert status.enabled and status.failures == 0


async def test_rate_limited_requests_wait_and_retry(scheduler, service, platform, clock):
    for i in range(8):
        await setup(service, f"c{i}", post_time="09:00", timezone="UTC")
    platform.throttle = 5
    clock.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    report = await scheduler.sweep()
    assert report.posted == 8 and len(platform.posts) == 8
    assert scheduler.gates["chat"].rate_limited == 5


async def test_schedule_change_rebuilds_jobs(scheduler, service):
    await setup(service, "main", post_time="09:00", timezone="Europe/Berlin")
    service.on_schedule_change(scheduler._schedule_changed)
    await scheduler.rebuild()
    assert {job.id for job in scheduler.aps.get_jobs()} == {"post:Europe/Berlin:09:00:0123456"}
    await setup(service, "main", post_time="07:15", weekdays="mon-fri")
    assert {job.id for job in scheduler.aps.get_jobs()} == {"post:Europe/Berlin:07:15:01234"}
    await service.pause_channel(admin("main"))
    assert scheduler.aps.get_jobs() == []


async def test_bad_schedule_input_is_refused_and_changes_nothing(service):
    await setup(service, "main", post_time="09:00", timezone="UTC")
    for bad in (
        {"post_time": "25:00"},
        {"timezone": "Mars/Base"},
        {"weekdays": "funday"},
        {"topics": ["astrology"]},
        {"reveal_policy": "never"},
    ):
        with pytest.raises(Exception) as error:
            await setup(service, "main", **bad, post_time=bad.get("post_time", "10:00"))
        assert str(error.value)
    status = await service.channel_status(admin("main"))
    assert (status.post_time, status.timezone) == ("09:00", "UTC")


async def test_posts_record_their_local_date(scheduler, service, platform, clock):
    await setup(service, "main", post_time="09:00", timezone="Pacific/Kiritimati")
    clock.now = datetime(2026, 3, 1, 19, 0, tzinfo=UTC)  # 09:00 on Mar 2 in Kiritimati
    await scheduler.sweep()
    rows = await service.transaction(lambda s: s.scalars(select(DailyPost.local_date)))
    assert list(rows.all()) == [date(2026, 3, 2)]
