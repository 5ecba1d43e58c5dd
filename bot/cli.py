"""`interview-bot` entry point: one sub-command group per feature module, each registering itself."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules with a `register(subparsers)`; channel entry points live with their adapters.
FEATURES = (
    "bot.bank.cli",
    "bot.grading.cli",
    "bot.store.cli",
    "bot.scheduling.cli",
    "bot.doctor",
    "adapters.console.cli",
    "adapters.discord.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interview-bot", description="Interview practice bot.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in FEATURES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
