"""Fonts for the stats picture, so a member called 李小龍 or 🦊 sees their name, not boxes.

matplotlib's DejaVu Sans first, then the Noto fonts that the install brings from PyPI (CJK, emoji, symbols,
other scripts), used by matplotlib's per-glyph fallback. Without those packages the picture still renders:
characters no font draws are left out rather than drawn as boxes with a warning.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
from functools import lru_cache

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

BASE = "DejaVu Sans"
PACKAGES = ("manimgx_fonts_cjk", "manimgx_fonts")  # Noto Sans CJK; Noto Emoji, Symbols and scripts
SUFFIXES = (".ttf", ".otf", ".ttc")
WEIGHTS = (400, 700)  # the weights the picture asks for


@dataclasses.dataclass(frozen=True)
class Fonts:
    families: tuple[str, ...]  # in fallback order
    owner: dict[int, str]  # each code point some font draws: the first family that draws it

    def for_text(self, *texts: str) -> list[str]:
        """DejaVu Sans and just the fallbacks these texts need (each one costs layout time)."""
        needed = {self.owner[ord(c)] for text in texts for c in text if ord(c) in self.owner}
        return [f for f in self.families if f == BASE or f in needed]


@lru_cache(maxsize=1)
def fonts() -> Fonts:
    families = [BASE]
    owner = dict.fromkeys(FT2Font(font_manager.findfont(BASE)).get_charmap(), BASE)
    for path in _packaged_files():
        font = FT2Font(str(path))
        entry = font_manager.ttfFontProperty(font)
        if entry.name in families:
            continue
        # Variable fonts register under their default instance (Noto Sans CJK's is Thin): say the file
        # also serves the weights we ask for, so matplotlib finds an exact match instead of warning.
        font_manager.fontManager.ttflist.extend(
            dataclasses.replace(entry, weight=weight) for weight in WEIGHTS if weight != entry.weight
        )
        font_manager.fontManager.addfont(str(path))  # registers it and clears matplotlib's lookup cache
        families.append(entry.name)
        for code in font.get_charmap():
            owner.setdefault(code, entry.name)
    return Fonts(tuple(families), owner)


def _packaged_files() -> list:
    files = []
    for package in PACKAGES:
        try:
            folder = importlib.resources.files(package)
        except ModuleNotFoundError:
            continue
        files += sorted((f for f in folder.iterdir() if f.name.lower().endswith(SUFFIXES)), key=_order)
    return files


def _order(path) -> tuple[int, str]:
    """Plain Noto Sans before its italic, symbols and emoji before other scripts."""
    name = path.name
    rank = 0 if "Emoji" in name or "Symbols" in name else 2 if "Italic" in name else 1
    return rank, name


def drawable(text: str) -> str:
    """`text` without the characters no available font draws (and without spaces they leave doubled)."""
    owner = fonts().owner
    kept = "".join(c for c in text if ord(c) in owner or c.isspace())
    return " ".join(kept.split())
