"""Text from outside (members' names, answers, appeal reasons, an LLM judge's feedback) made safe to store
and to show, once, where it enters the core: renderers then never need to care.

Removed: control characters (NUL, which PostgreSQL refuses in text; ESC and with it whole terminal
escape sequences, CSI and OSC, which would recolour or retitle a terminal or hide text) and the bidi
controls that make text read in another order than it is stored. Kept: tabs, newlines and every
printable character, zero-width joiners of emoji included. Lone surrogates (undecodable bytes carried
through a str) become U+FFFD, since neither database driver can encode them.
"""

from __future__ import annotations

import re
import unicodedata

# ESC [ ... final byte (CSI), ESC ] ... BEL or ESC \ (OSC), and two-character ESC sequences.
ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
# Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the invisible direction marks.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
KEPT_CONTROLS = frozenset("\t\n")


def clean(text: str | None) -> str:
    text = ESCAPE_SEQUENCE.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(_kept(ch) for ch in text)


def _kept(ch: str) -> str:
    if ch in KEPT_CONTROLS:
        return ch
    if "\ud800" <= ch <= "\udfff":
        return "\ufffd"
    if ch in BIDI_CONTROLS or unicodedata.category(ch) == "Cc":
        return ""
    return ch


def has_undecodable(text: str) -> bool:
    """Bytes that were not UTF-8, carried as lone surrogates (a stream read with surrogateescape)."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)
