"""`interview-bot db ...`: migrations without knowing Alembic."""

from __future__ import annotations

import argparse

from bot.settings import get_settings
from bot.store import migrate


def register(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="database migrations").add_subparsers(dest="db_command", required=True)
    up = db.add_parser("upgrade", help="bring the database to the latest schema")
    up.add_argument("--db", help="database URL (default: DATABASE_URL)")
    up.set_defaults(handler=_upgrade)
    down = db.add_parser("downgrade", help="undo migrations (default: all of them)")
    down.add_argument("revision", nargs="?", default="base")
    down.add_argument("--db", help="database URL (default: DATABASE_URL)")
    down.set_defaults(handler=_downgrade)


def _upgrade(args: argparse.Namespace) -> int:
    migrate.upgrade(args.db or get_settings().database_url)
    print(f"Database is at the latest schema ({migrate.head_revision()}).")
    return 0


def _downgrade(args: argparse.Namespace) -> int:
    migrate.downgrade(args.db or get_settings().database_url, args.revision)
    print(f"Database downgraded to {args.revision}.")
    return 0
