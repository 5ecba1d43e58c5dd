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
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
# Every control character (Unicode's Cc: C0, DEL, C1) but tab and newline, and the bidi controls.
_REMOVED = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


# Printable ASCII, newlines and tabs: the common case, which needs no work.
_PLAIN_ASCII = re.compile(r"[ -~\n\t]*")


def clean(text: str | None) -> str:
    text = text or ""
    if _PLAIN_ASCII.fullmatch(text):
        return text
    text = ESCAPE_SEQUENCE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _SURROGATE.sub("\ufffd", _REMOVED.sub("", text))


def plain(text: str | None) -> str:
    """What a reader, or a judge, takes the text to say: cleaned, folded (NFKC), and without the invisible
    format characters (zero-width spaces and joiners) that can hide a word inside another ("Ig\u200bnore")."""
    text = clean(text)
    if text.isascii():  # already NFKC, and no format character is ASCII
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf")


def has_undecodable(text: str) -> bool:
    """Bytes that were not UTF-8, carried as lone surrogates (a stream read with surrogateescape)."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)
