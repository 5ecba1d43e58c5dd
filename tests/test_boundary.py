"""The core must stay free of platform libraries and of what sits around it (adapters, wiring), so every
adapter drives the same code and the core can be read, tested and type-checked on its own."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"
PLATFORM_MODULES = ("discord", "slack_bolt", "slack_sdk")
OUTER_LAYERS = ("adapters", "app")


def test_no_platform_or_outer_layer_imports_in_core_source() -> None:
    offenders = []
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.relative_to(BOT)}: {n}"
                for n in names
                if n.split(".")[0] in PLATFORM_MODULES + OUTER_LAYERS
            ]
    assert offenders == []


def test_core_imports_with_platform_libraries_and_outer_layers_blocked() -> None:
    code = (
        "import sys\n"
        f"for name in {PLATFORM_MODULES + OUTER_LAYERS!r}: sys.modules[name] = None\n"
        "import pkgutil, importlib, bot\n"
        "for info in pkgutil.walk_packages(bot.__path__, 'bot.'): importlib.import_module(info.name)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=BOT.parent)
    assert result.returncode == 0, result.stderr
