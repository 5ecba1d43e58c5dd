"""Repair text that was UTF-8 read as cp1252/cp1254 (ftfy), including what ftfy cannot do alone.

When such text was saved, the bytes those code pages leave undefined were dropped, so sequences like the
keycap in "1️⃣" arrive one byte short. ftfy repairs every complete sequence. Of the rest, the two common
cases get their last byte back (EF B8 -> U+FE0F, the emoji selector; E2 80 -> U+201D, the closing quote);
anything else still broken is decoration (an emoji) and is dropped rather than guessed.
"""

from __future__ import annotations

import re

import ftfy

_EMOJI_PLANE = (0x1F000, 0x1FAFF)
# A UTF-8 lead byte read as cp1252/cp1254 followed by a continuation byte read the same way.
_HINT = re.compile("[\u00c2-\u00f4\u011e\u011f\u0130\u015e\u015f][\u0080-\u00bf\u0152-\u2122]")
# What "short emoji + space" decodes to: chess and legacy-computing symbols nobody writes in a guide.
_LEGACY_SYMBOL = re.compile("[\U0001fa00-\U0001fa6f\U0001fb00-\U0001fbff]")
_LAST_BYTE: dict[tuple[int, ...], int] = {(0xEF, 0xB8): 0x8F, (0xE2, 0x80): 0x9D}
_BYTE_OF: dict[str, int] = {}
for _codec in ("cp1254", "cp1252"):  # cp1252 wins where both define a byte
    for _b in range(0x80, 0x100):
        try:
            _BYTE_OF[bytes([_b]).decode(_codec)] = _b
        except UnicodeDecodeError:
            continue


def _expected_length(lead: int) -> int:
    return 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _repair_sequence(raw: list[int]) -> str | None:
    """Decode a lead byte plus continuations, restoring a known dropped last byte."""
    if len(raw) == _expected_length(raw[0]) - 1 and tuple(raw) in _LAST_BYTE:
        raw = [*raw, _LAST_BYTE[tuple(raw)]]
    try:
        char = bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return None
    # A short emoji plus the next character can still decode, to a symbol nobody writes: not an emoji.
    return None if len(raw) == 4 and not _EMOJI_PLANE[0] <= ord(char) <= _EMOJI_PLANE[1] else char


def _repair_leftovers(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        lead = _BYTE_OF.get(text[i])
        if lead is None or not 0xC2 <= lead <= 0xF4:
            out.append(text[i])
            i += 1
            continue
        j = i + 1
        raw = [lead]
        want = _expected_length(lead)
        while j < len(text) and len(raw) < want and 0x80 <= _BYTE_OF.get(text[j], 0) <= 0xBF:
            raw.append(_BYTE_OF[text[j]])
            j += 1
        if len(raw) == 1:
            out.append(text[i])
            i += 1
            continue
        fixed = _repair_sequence(raw)
        out.append(fixed if fixed is not None else "")
        i = j
    return "".join(out)


def repair(text: str) -> str:
    """Mojibake repaired; quotes, ligatures and everything else left as the author wrote them."""
    if not _HINT.search(text):
        return text  # the common case, and ftfy is slow on a whole guide
    return "".join(
        _repair_line(line) if _HINT.search(line) else line for line in text.splitlines(keepends=True)
    )


def _repair_line(line: str) -> str:
    fixed = ftfy.fix_text(line, uncurl_quotes=False, fix_latin_ligatures=False, fix_character_width=False)
    # ftfy reads "short emoji + space" as one 4-byte sequence; what comes out is one of those symbols.
    return _LEGACY_SYMBOL.sub("", _repair_leftovers(fixed))
