"""Display width for monospace columns: a CJK character or an emoji takes two cells, not one."""

from __future__ import annotations

from wcwidth import wcswidth


def width(text: str) -> int:
    cells = wcswidth(text)
    return cells if cells >= 0 else len(text)  # control characters: count them as one each


def pad(text: str, cells: int) -> str:
    """`text` left-aligned in `cells` terminal cells."""
    return text + " " * max(cells - width(text), 0)
