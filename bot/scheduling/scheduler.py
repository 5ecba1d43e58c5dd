"""The daily scheduler: one cron job per distinct schedule, our tables the only source of truth."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.practice.service import PracticeService
from bot.rules.calendar import DAY_NAMES
from bot.scheduling.fanout import Batcher, FanOut, Gate
from bot.scheduling.ledger import Ledger
from bot.scheduling.posts import Delivery, Schedule
from bot.surface.publishing import ChannelUnavailable, Publisher

log = logging.getLogger(__name__)

BATCH = 200


@dataclass
class Report:
    posted: int = 0
    failed: int = 0
    retry_later: int = 0


def cron_trigger(schedule: Schedule) -> CronTrigger:
    """APScheduler's cron in the channel's own zone: 09:00 stays 09:00 local across DST switches."""
    hour, minute = (int(x) for x in schedule.post_time.split(":"))
    days = ",".join(DAY_NAMES[int(d)] for d in schedule.weekdays)
    return CronTrigger(hour=hour, minute=minute, day_of_week=days, timezone=ZoneInfo(schedule.timezone))


class DailyScheduler:
    """Posts each channel's question once per local day and closes it, whoever else is running.

    Exactly once comes from the database, not from APScheduler: a post is claimed under its unique
    (channel, local date) key and leased before it is sent, so a second process or a restart finds the
    work done. A lease names its sender, whose death a restart can see (`senders`), and counts the send
    it starts, so a post whose send may have reached the platform is looked for there before it is sent
    again. Its in-memory jobs are rebuilt from our tables at start and whenever a schedule changes.
    """

    def __init__(
        self,
        service: PracticeService,
        publishers: Mapping[str, Publisher],
        *,
        grace: timedelta = timedelta(hours=6),
        concurrency: int = 20,
        pause_after: int = 3,
        lease: timedelta = timedelta(minutes=5),
        sweep_every: timedelta = timedelta(minutes=5),
    ) -> None:
        self.service = service
        self.ledger = Ledger(service.deps)
        self.publishers = dict(publishers)
        self.grace, self.concurrency, self.pause_after = grace, concurrency, pause_after
        self.lease, self.sweep_every = lease, sweep_every
        self.gates = {platform: Gate() for platform in self.publishers}
        self.aps = AsyncIOScheduler(timezone=UTC)
        self._post_jobs: set[str] = set()
        self.sender = self.ledger.sender()
        self._holding = False
        self._hold_lock = asyncio.Lock()  # a cron tick and a sweep may both get here at once

    @property
    def platforms(self) -> tuple[str, ...]:
        return tuple(self.publishers)

    def now(self) -> datetime:
        return self.ledger.now()

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Recover, then let the jobs run; schedule edits rebuild them without a restart."""
        self.service.on_schedule_change(self._schedule_changed)
        await self.recover()
        self.aps.add_job(
            self.sweep,
            IntervalTrigger(seconds=self.sweep_every.total_seconds()),
            id="sweep",
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
        self.aps.start()

    async def recover(self) -> Report:
        """Rebuild jobs from our tables, then catch up: today's missed posts within the grace, closes."""
        await self.rebuild()
        return await self.sweep()

    async def shutdown(self) -> None:
        if self.aps.running:
            self.aps.shutdown(wait=False)
        async with self._hold_lock:
            if self._holding:
                await self.sender.close()
                self._holding = False

    async def _hold(self) -> None:
        """Hold this sender's lock before leasing anything, so others can tell whether it lives."""
        async with self._hold_lock:
            if self._holding:
                await self.sender.keep()
            else:
                await self.sender.start()
                self._holding = True

    async def _schedule_changed(self, channel_id: int) -> None:
        await self.rebuild()

    async def rebuild(self) -> dict[Schedule, list[int]]:
        groups = await self.ledger.schedules(self.platforms)
        wanted = {schedule.key: schedule for schedule in groups}
        for key in self._post_jobs - wanted.keys():
            self.aps.remove_job(key)
        for key, schedule in wanted.items():
            self.aps.add_job(
                self.fire,
                cron_trigger(schedule),
                args=[schedule],
                id=key,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=int(self.grace.total_seconds()),
            )
        self._post_jobs = set(wanted)
        for post_id, closes_at in await self.ledger.open_posts(self.platforms):
            self._schedule_close(post_id, closes_at)
        return groups

    def _schedule_close(self, post_id: int, closes_at: datetime) -> None:
        self.aps.add_job(
            self.close,
            DateTrigger(run_date=max(closes_at, datetime.now(UTC))),
            args=[post_id],
            id=f"close:{post_id}",
            replace_existing=True,
            misfire_grace_time=None,
        )

    # -- posting -----------------------------------------------------------------------------------

    async def fire(self, schedule: Schedule) -> Report:
        """A cron tick: every channel that has this schedule now (re-read, so edits count)."""
        groups = await self.ledger.schedules(self.platforms)
        return await self.post_channels(groups.get(schedule, []))

    async def sweep(self) -> Report:
        """Catch-up and crash recovery: due channels within the grace period, unsent open posts, closes."""
        groups = await self.ledger.schedules(self.platforms)
        report = await self.post_channels([cid for ids in groups.values() for cid in ids])
        now = self.now()
        dead = await self._dead_senders(now)
        stranded = await self.ledger.unsent_today(now, self.platforms, dead)
        if stranded:
            leased = await self.ledger.lease_existing(stranded, now, self.lease, self.sender.owner, dead)
            extra = await self._deliver(leased)
            report.posted += extra.posted
            report.failed += extra.failed
            report.retry_later += extra.retry_later
        await self.close_due()
        return report

    async def _dead_senders(self, now: datetime) -> set[str]:
        """Senders whose leases still run but whose process has ended: their posts are taken over now."""
        holders = await self.ledger.lease_holders(now, self.platforms, self.sender.owner)
        if not holders:
            return set()
        dead = await self.ledger.gone(self.sender, holders)
        if dead:
            log.warning("taking over the posts of %d sender(s) that ended mid-send", len(dead))
        return dead

    async def post_channels(self, channel_ids: Sequence[int]) -> Report:
        await self._hold()
        now = self.now()
        report = Report()
        fan = self._fan_out(report)
        for start in range(0, len(channel_ids), BATCH):
            chunk = channel_ids[start : start + BATCH]
            leased = await self.ledger.lease_batch(chunk, now, self.grace, self.lease, self.sender.owner)
            for delivery in leased:
                await fan.put(delivery)
        await fan.join()
        return report

    async def _deliver(self, deliveries: Sequence[Delivery]) -> Report:
        report = Report()
        fan = self._fan_out(report)
        for delivery in deliveries:
            await fan.put(delivery)
        await fan.join()
        return report

    async def _record(self, sent: list[tuple[Delivery, str]], report: Report) -> None:
        closing = await self.ledger.record_posted(sent, self.now())
        report.posted += len(sent)
        for post_id, closes_at in closing:
            self._schedule_close(post_id, closes_at)

    def _fan_out(self, report: Report) -> FanOut[Delivery, str]:
        recorder = Batcher(lambda sent: self._record(sent, report))

        async def send(delivery: Delivery) -> str:
            card = self.ledger.card(delivery)
            publisher = self.publishers[delivery.place.platform]
            return await publisher.post_question(
                delivery.place, card, maybe_sent_since=delivery.maybe_sent_since
            )

        async def done(delivery: Delivery, ref: str) -> None:
            await recorder.add((delivery, ref))

        async def failed(delivery: Delivery, error: BaseException) -> None:
            if isinstance(error, ChannelUnavailable):
                report.failed += 1
                await self._channel_refused(delivery, str(error) or type(error).__name__)
            else:
                report.retry_later += 1
                log.warning("post %s to %s failed, will retry: %r", delivery.post_id, delivery.place, error)
                await self.ledger.release(delivery)

        return FanOut(
            send,
            gate_for=lambda delivery: self.gates[delivery.place.platform],
            concurrency=self.concurrency,
            on_done=done,
            on_error=failed,
            on_idle=recorder.flush,
        )

    async def _channel_refused(self, delivery: Delivery, reason: str) -> None:
        failures, paused = await self.ledger.record_failed(delivery, reason, self.pause_after)
        log.warning("channel %s refused the daily post (%d in a row): %s", delivery.place, failures, reason)
        place = delivery.place
        text = f"I could not post today's question in #{place.channel_name or place.channel}: {reason}."
        if paused:
            text += f" I have paused it after {failures} failures; fix the access and use `resume`."
        else:
            text += " Please check that I am in the channel and allowed to post there."
        try:
            await self.publishers[place.platform].notify_admins(place, text)
        except Exception:
            log.exception("could not notify the admins of %s", place)

    # -- closing -----------------------------------------------------------------------------------

    async def close_due(self) -> int:
        now = self.now()
        due = await self.ledger.closable(now, self.platforms)
        for post_id in due:
            await self.close(post_id)
        return len(due)

    async def close(self, post_id: int) -> None:
        """Close (settling streaks), then publish the summary once, from whichever process claims it."""
        summary = await self.ledger.close(post_id)
        claimed = await self.ledger.claim_summary(post_id)
        if claimed is None:
            return
        place, ref = claimed
        try:
            await self.publishers[place.platform].post_summary(place, ref, summary)
        except ChannelUnavailable as error:
            log.warning("closing summary of post %s refused: %s", post_id, error)
            await self.ledger.mark_summary(post_id, "failed")
        except Exception:
            log.exception("closing summary of post %s failed; the next sweep retries", post_id)
            await self.ledger.mark_summary(post_id, None)
        else:
            await self.ledger.mark_summary(post_id, "sent")
