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


def _runtime_imports(node: ast.AST) -> list[str]:
    """Modules a file imports when it runs: what sits under `if TYPE_CHECKING:` is for the type checker."""
    if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
        return []
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module]
    return [name for child in ast.iter_child_nodes(node) for name in _runtime_imports(child)]


def test_adapters_never_import_the_wiring_when_they_run() -> None:
    """The wiring imports the adapters; they know its settings only as a type, so the rings stay nested."""
    adapters = BOT.parent / "adapters"
    offenders = [
        f"{path.relative_to(adapters)}: {name}"
        for path in adapters.rglob("*.py")
        for name in _runtime_imports(ast.parse(path.read_text(encoding="utf-8")))
        if name.split(".")[0] == "app"
    ]
    assert offenders == []
