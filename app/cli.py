"""`interview-bot` entry point: one sub-command group per feature module, each registering itself."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from app.settings import settings_problem
from bot.errors import SetupError, UserError

# Modules with a `register(subparsers)`; channel entry points live with their adapters.
FEATURES = (
    "app.commands.bank",
    "app.commands.grading",
    "app.commands.store",
    "app.commands.scheduling",
    "app.doctor",
    "app.commands.console",
    "app.commands.discord",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interview-bot", description="Interview practice bot.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in FEATURES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Every command ends with a plain message: a traceback only with LOG_LEVEL=DEBUG."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except (SetupError, UserError) as error:
        print(error, file=sys.stderr)
        return 2
    except Exception as error:
        if os.environ.get("LOG_LEVEL", "").upper() == "DEBUG":
            raise
        problem = settings_problem(error) or (
            f"interview-bot stopped: {type(error).__name__}: {error} (LOG_LEVEL=DEBUG shows where)."
        )
        print(problem, file=sys.stderr)
        return 2
