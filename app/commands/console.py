"""`interview-bot console` and `interview-bot run`: the entry points that start a channel."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from datetime import timedelta

from adapters.console.app import PLACE, ConsoleSession, run_console
from adapters.console.publisher import ConsolePublisher
from app.compose import build_service, configure_logging
from app.runner import configured_platforms, serve
from app.settings import data_folder, get_settings
from bot.scheduling import DailyScheduler
from bot.store import migrate
from bot.surface.context import Actor


def register(sub: argparse._SubParsersAction) -> None:
    console = sub.add_parser("console", help="practise in this terminal")
    console.add_argument("--user", help="your name on the leaderboard (default: your login)")
    console.add_argument("--db", help="database URL (default: DATABASE_URL)")
    console.set_defaults(handler=_console)
    run = sub.add_parser("run", help="start the bot on every platform that has a token (else the console)")
    run.set_defaults(handler=_run)


def _local_timezone() -> str | None:
    try:
        from tzlocal import get_localzone_name

        return get_localzone_name()
    except Exception:  # the machine's zone is a nicety, never a reason to fail
        return None


def _console(args: argparse.Namespace) -> int:
    settings = get_settings()
    url = args.db or settings.database_url
    migrate.upgrade(url)  # the console is the embedded, local channel: it keeps its own database current
    user = args.user or getpass.getuser() or "me"
    # The console is one person's local channel: they are its admin.
    actor = Actor(place=PLACE, user=user, display_name=user, timezone=_local_timezone(), is_admin=True)

    async def main() -> None:
        service = await build_service(url, settings)
        session = ConsoleSession(service, actor, sys.stdout, data_folder(settings, url))
        scheduler = None
        if sys.stdin.isatty() and settings.run_scheduler:  # piped input stays deterministic
            scheduler = DailyScheduler(
                service,
                {"console": ConsolePublisher(session)},
                grace=timedelta(hours=settings.catch_up_grace_hours),
            )
            await scheduler.start()
        try:
            await run_console(session)
        finally:
            if scheduler is not None:
                await scheduler.shutdown()
            await service.close()

    asyncio.run(main())
    return 0


def _run(args: argparse.Namespace) -> int:
    settings = get_settings()
    configure_logging(settings)
    asyncio.run(_check_migrated(settings.database_url))  # a SetupError ends with its plain message
    platforms = configured_platforms(settings)
    if platforms:
        asyncio.run(serve(settings, platforms))
        return 0
    print("No Discord or Slack token is set: starting the console channel.", file=sys.stderr)
    return _console(argparse.Namespace(user=None, db=None))


async def _check_migrated(url: str) -> None:
    service = await build_service(url)
    await service.close()
