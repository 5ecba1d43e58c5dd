"""`interview-bot run`: every platform that has a token, one scheduler feeding them all; else the console."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
from collections.abc import Awaitable
from datetime import timedelta

from app.compose import build_service
from app.settings import Settings
from bot.scheduling import DailyScheduler
from bot.surface.publishing import Runtime

log = logging.getLogger(__name__)
# Where each platform's connection is built (`build_runtime`): imported only when its token is set.
CONNECTIONS = {"slack": "adapters.slack.server", "discord": "adapters.discord.gateway"}


def configured_platforms(settings: Settings) -> list[str]:
    platforms = []
    if settings.slack_bot_token or settings.slack_client_id:
        platforms.append("slack")
    if settings.discord_token:
        platforms.append("discord")
    return platforms


async def serve(settings: Settings, platforms: list[str]) -> None:
    service = await build_service(settings.database_url, settings)
    runtimes: list[Runtime] = []
    scheduler: DailyScheduler | None = None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        for platform in platforms:
            module = importlib.import_module(CONNECTIONS[platform])
            runtime = module.build_runtime(service, settings)
            runtimes.append(runtime)  # closed below even when its start is cut short
            if not await _unless_stopped(runtime.start(), stop):
                log.info("stopped while %s was connecting", platform)
                return
            log.info("%s connected", platform)
        if settings.run_scheduler:
            scheduler = DailyScheduler(
                service,
                {runtime.publisher.platform: runtime.publisher for runtime in runtimes},
                grace=timedelta(hours=settings.catch_up_grace_hours),
                concurrency=settings.post_concurrency,
                pause_after=settings.pause_after_failures,
            )
            if not await _unless_stopped(scheduler.start(), stop):
                return
        else:
            log.info("RUN_SCHEDULER is off: another process posts the daily questions")
        waits = [asyncio.create_task(runtime.wait_closed()) for runtime in runtimes]
        waits.append(asyncio.create_task(stop.wait()))
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in waits:
            task.cancel()
    finally:
        if scheduler is not None:
            await scheduler.shutdown()
        for runtime in reversed(runtimes):
            try:
                await runtime.close()
            except Exception:
                log.exception("closing a platform connection failed")
        await service.close()


async def _unless_stopped(work: Awaitable[None], stop: asyncio.Event) -> bool:
    """Await `work` unless SIGTERM/SIGINT comes first, then cancel it: Socket Mode retries a connection
    it cannot make for ever, and a stop signal must not wait for that. True when the work finished."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait((task, stopping), return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if task.done():
        task.result()  # its exception, if any, goes on up
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False
