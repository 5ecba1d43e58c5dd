"""`interview-bot run`: every platform that has a token, one scheduler feeding them all; else the console."""

from __future__ import annotations

import asyncio
import importlib
import logging
import signal
from datetime import timedelta

from bot.publishing import Runtime
from bot.runtime import build_service
from bot.scheduling import DailyScheduler
from bot.settings import Settings

log = logging.getLogger(__name__)


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
            module = importlib.import_module(f"adapters.{platform}.runtime")
            runtime = module.build_runtime(service, settings)
            await runtime.start()
            runtimes.append(runtime)
            log.info("%s connected", platform)
        if settings.run_scheduler:
            scheduler = DailyScheduler(
                service,
                {runtime.publisher.platform: runtime.publisher for runtime in runtimes},
                grace=timedelta(hours=settings.catch_up_grace_hours),
                concurrency=settings.post_concurrency,
                pause_after=settings.pause_after_failures,
            )
            await scheduler.start()
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
