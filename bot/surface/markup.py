"""Markdown from the bank, made fit for chat: clipped or split only where a reader can stop (between
paragraphs, list items or code lines, never inside an open code fence), and tables turned into aligned
monospace text, which every platform shows readably. Parsed with markdown-it, not scanned with regexes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.surface.columns import pad, width

MORE = "…"
_PARSER = MarkdownIt("commonmark").enable("table")
_BLOCKS = MarkdownIt("commonmark").enable("table").disable("inline")  # where blocks are: no inline work


@dataclass(frozen=True)
class _Fence:
    start: int  # line of the opening fence
    end: int  # line after the closing fence (or the end of the text when it never closes)
    opening: str  # the opening line, reused to reopen the fence in the next piece
    closing: str  # what closes it: the same marker at the same indentation


class _Layout:
    """The text's lines and where a reader may stop, from markdown-it's block map."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        tokens = _BLOCKS.parse(text)
        starts = {len(self.lines)}
        for token in tokens:
            if token.map and (token.level == 0 or (token.type == "list_item_open" and token.level == 1)):
                starts.add(token.map[0])
        self.block_starts = starts
        self.fences = [self._fence(t.map, t.markup) for t in tokens if t.type == "fence" and t.map]

    def _fence(self, span: list[int], markup: str) -> _Fence:
        opening = self.lines[span[0]]
        indent = opening[: len(opening) - len(opening.lstrip())]
        return _Fence(span[0], span[1], opening, indent + markup)

    def open_fence(self, cut: int) -> _Fence | None:
        """The fence a cut before line `cut` would leave open."""
        return next((f for f in self.fences if f.start < cut < f.end), None)

    @cached_property
    def line_ends(self) -> list[int]:
        """Characters of lines[0:i] joined, for every i (so a slice's length is a subtraction)."""
        total, ends = 0, [0]
        for line in self.lines:
            total += len(line) + 1
            ends.append(total)
        return ends

    def piece(self, start: int, end: int, reopen: _Fence | None) -> str:
        body = self.lines[start:end]
        if reopen is not None:
            body = [reopen.opening, *body]
        closing = self.open_fence(end)
        if closing is not None:
            body = [*body, closing.closing]
        return "\n".join(body).strip("\n")

    def fits(self, start: int, end: int, reopen: _Fence | None, limit: int) -> bool:
        """Whether piece(start, end) fits, from line lengths (an upper bound: the piece drops blank ends)."""
        size = self.line_ends[end] - self.line_ends[start] - 1
        closing = self.open_fence(end)
        size += (len(reopen.opening) + 1 if reopen else 0) + (len(closing.closing) + 1 if closing else 0)
        return size <= limit


def clip(text: str, limit: int) -> tuple[str, bool]:
    """At most `limit` characters ending where a reader can stop, and whether anything was left out."""
    pieces = split(text, limit - len(MORE) - 2)
    if len(pieces) == 1:
        return pieces[0], False
    return f"{pieces[0]}\n\n{MORE}", True


def split(text: str, limit: int) -> list[str]:
    """Consecutive pieces of at most `limit` characters; a code fence cut between pieces is closed at
    the end of one and reopened at the start of the next, so each piece renders on its own."""
    text = _wrap_long_lines(text.strip("\n"), limit // 2)
    if len(text) <= limit:
        return [text]
    layout = _Layout(text)
    pieces, start, reopen = [], 0, None
    while start < len(layout.lines):
        end = _best_cut(layout, start, reopen, limit)
        pieces.append(layout.piece(start, end, reopen))
        reopen = layout.open_fence(end)
        start = end
    return [p for p in pieces if p.strip()]


def _best_cut(layout: _Layout, start: int, reopen: _Fence | None, limit: int) -> int:
    """The furthest block boundary that fits; a line inside the next block when that keeps far more."""
    furthest_line = start + 1
    while furthest_line < len(layout.lines) and layout.fits(start, furthest_line + 1, reopen, limit):
        furthest_line += 1
    boundaries = sorted((b for b in layout.block_starts if start < b <= furthest_line), reverse=True)
    enough = [b for b in boundaries if (layout.line_ends[b] - layout.line_ends[start]) * 2 >= limit]
    # Not right after a lead-in such as "**Example:**", whose point is what follows it.
    finished = [b for b in enough if not _lead_in(layout.lines[b - 1 - _blank_tail(layout, b)])]
    return (finished or enough or [furthest_line])[0]


def _lead_in(line: str) -> bool:
    return line.rstrip(" *_").endswith((":", "?"))


def _blank_tail(layout: _Layout, end: int) -> int:
    blank = 0
    while end - 1 - blank > 0 and not layout.lines[end - 1 - blank].strip():
        blank += 1
    return blank


def _wrap_long_lines(text: str, width: int) -> str:
    """A line longer than `width` is broken at spaces: a soft line break, which Markdown renders alike."""
    out = []
    for line in text.split("\n"):
        while len(line) > width:
            cut = line.rfind(" ", 0, width)
            cut = cut if cut > 0 else width
            out.append(line[:cut])
            line = line[cut:].lstrip(" ")
        out.append(line)
    return "\n".join(out)


def for_chat(text: str, heading_levels: int = 6) -> str:
    """Tables as aligned monospace blocks and horizontal rules dropped: chat renderers show neither.
    Headings deeper than the platform draws (Discord: ###) become bold lines."""
    lines = text.split("\n")
    replace: dict[int, tuple[int, list[str]]] = {}
    tokens = _PARSER.parse(text)
    for i, token in enumerate(tokens):
        if token.type == "table_open" and token.map:
            replace[token.map[0]] = (token.map[1], ["```", *_table_lines(tokens[i:]), "```"])
        elif token.type == "hr" and token.map and token.level == 0:
            replace[token.map[0]] = (token.map[1], [""])
        elif token.type == "heading_open" and token.map and token.markup not in _atx(heading_levels):
            replace[token.map[0]] = (token.map[1], [f"**{plain(tokens[i + 1])}**"])
    out, line = [], 0
    while line < len(lines):
        if line in replace:
            end, instead = replace[line]
            out += instead
            line = end
        else:
            out.append(lines[line])
            line += 1
    return "\n".join(out)


def _atx(levels: int) -> set[str]:
    return {"#" * level for level in range(1, levels + 1)}


def _table_lines(tokens: list[Token]) -> list[str]:
    rows: list[list[str]] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(plain(token))
        elif token.type == "table_close":
            break
    columns = max(len(row) for row in rows)
    rows = [row + [""] * (columns - len(row)) for row in rows]
    widths = [max(width(row[c]) for row in rows) for c in range(columns)]
    lines = ["  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def plain(inline: Token) -> str:
    """An inline token's text without its markup (bold, code spans, links keep their words)."""
    return "".join(
        child.content for child in inline.children or () if child.type in ("text", "code_inline")
    ).strip()
