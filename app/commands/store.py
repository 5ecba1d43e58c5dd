"""`interview-bot db ...`: migrations without knowing Alembic."""

from __future__ import annotations

import argparse
import sys

from app.settings import get_settings
from bot.store import migrate


def register(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="database migrations").add_subparsers(dest="db_command", required=True)
    up = db.add_parser("upgrade", help="bring the database to the latest schema")
    up.add_argument("--db", help="database URL (default: DATABASE_URL)")
    up.set_defaults(handler=_upgrade)
    down = db.add_parser("downgrade", help="undo migrations back to REVISION (base: all of them)")
    down.add_argument("revision", nargs="?", help="e.g. 0002, or base to drop every table")
    down.add_argument("--yes", action="store_true", help="without a revision: undo every migration")
    down.add_argument("--db", help="database URL (default: DATABASE_URL)")
    down.set_defaults(handler=_downgrade)


def _upgrade(args: argparse.Namespace) -> int:
    migrate.upgrade(args.db or get_settings().database_url)
    print(f"Database is at the latest schema ({migrate.head_revision()}).")
    return 0


def _downgrade(args: argparse.Namespace) -> int:
    """Undoing migrations drops data: nothing happens without a revision or --yes."""
    revision = args.revision or ("base" if args.yes else None)
    if revision is None:
        print(
            "Say how far back: `interview-bot db downgrade REVISION` (e.g. 0002), or "
            "`interview-bot db downgrade --yes` to drop every table. Nothing was changed.",
            file=sys.stderr,
        )
        return 2
    migrate.downgrade(args.db or get_settings().database_url, revision)
    print(f"Database downgraded to {revision}.")
    return 0
