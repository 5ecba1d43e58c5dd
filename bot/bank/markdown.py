"""Parse one interview guide (any of the shipped Markdown styles) into raw questions and skipped headings.

A question starts at a heading or a bold numbered item that asks something (or belongs to a numbered run
of questions); its answer runs until the next question, a heading of a higher section, or a boundary such
as "Interview Tips" or "Notes". Sub-headings inside an answer stay in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.bank.headings import (
    ANSWER_MARKER,
    Heading,
    as_prompt,
    parse_bold_item,
    parse_heading,
)
from bot.bank.mojibake import repair

FENCE = re.compile(r"^\s*(```|~~~)")
DROP_LINE = re.compile(
    r"^\s*(!\[[^\]]*\]\([^)]*\)\s*|image source\s*:.*|read this article.*|<br\s*/?>|</?(div|p|a|img)\b.*"
    r"|#+ .*\bdevinterview\.io\b.*)$",
    re.IGNORECASE,
)
EDITORIAL = re.compile(r"^\s*[\[(].*[\])]\s*$", re.DOTALL)
RULE = re.compile(r"^\s*(-{3,}|\*{3,}|_{3,})\s*$")


@dataclass(frozen=True)
class RawQuestion:
    prompt: str
    answer: str
    line: int
    section: str


@dataclass(frozen=True)
class Skipped:
    source: str
    line: int
    heading: str
    reason: str


def _scan(lines: list[str]) -> list[Heading]:
    """Headings and bold items outside code fences; a bold item counts only when an answer marker follows."""
    found: list[Heading] = []
    in_fence = False
    section_level = 1.0
    for index, line in enumerate(lines):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        heading = parse_heading(line, index + 1)
        if heading:
            found.append(heading)
            section_level = heading.level
            continue
        item = parse_bold_item(line, index + 1, section_level)
        if item and _marker_follows(lines, index):
            found.append(item)
    return found


def _marker_follows(lines: list[str], index: int) -> bool:
    following = [line for line in lines[index + 1 : index + 6] if line.strip()]
    return bool(following) and bool(ANSWER_MARKER.match(following[0]))


def _question_runs(headings: list[Heading]) -> set[int]:
    """Numbered headings that belong to a run of mostly-question siblings ("7. Activation Functions")."""
    chosen: set[int] = set()
    run: list[Heading] = []

    def close() -> None:
        if run and sum(h.asks for h in run) * 2 >= len(run):
            chosen.update(h.line for h in run)
        run.clear()

    for heading in headings:
        if heading.number is None or heading.is_boundary:
            if not run or heading.level <= run[0].level:
                close()
            continue
        if run and (heading.level != run[0].level or heading.number <= run[-1].number):
            close()
        run.append(heading)
    close()
    return chosen


def _is_question(heading: Heading, in_runs: set[int]) -> bool:
    if heading.is_boundary or heading.is_placeholder or heading.is_answer_part or not heading.title:
        return False
    if heading.is_term:
        return True
    return heading.line in in_runs if heading.number is not None else heading.asks


def _clean_answer(lines: list[str]) -> str:
    kept: list[str] = []
    in_fence = False
    for line in lines:
        if FENCE.match(line):
            in_fence = not in_fence
        if not in_fence:
            marker = ANSWER_MARKER.match(line)
            if marker:
                line = line[marker.end() :]
                if not line.strip():
                    continue
            if DROP_LINE.match(line):
                continue
        kept.append(line.rstrip())
    paragraphs = re.split(r"\n\s*\n", "\n".join(kept))
    paragraphs = [p for p in paragraphs if not EDITORIAL.match(p.strip()) or "\n" in p.strip()]
    while paragraphs and (not paragraphs[-1].strip() or RULE.match(paragraphs[-1])):
        paragraphs.pop()
    while paragraphs and (not paragraphs[0].strip() or RULE.match(paragraphs[0])):
        paragraphs.pop(0)
    text = "\n\n".join(p.strip("\n") for p in paragraphs)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def parse_markdown(text: str, source: str) -> tuple[list[RawQuestion], list[Skipped]]:
    lines = repair(text).splitlines()
    headings = _scan(lines)
    in_runs = _question_runs(headings)
    questions: list[RawQuestion] = []
    skipped: list[Skipped] = []
    sections: list[Heading] = []
    open_q: Heading | None = None
    open_section = ""

    def finish(until: int) -> None:
        nonlocal open_q
        if open_q is None:
            return
        answer = _clean_answer(lines[open_q.line : until - 1])
        if answer:
            questions.append(RawQuestion(as_prompt(open_q), answer, open_q.line, open_section))
        else:
            skipped.append(Skipped(source, open_q.line, open_q.raw, "no answer follows the heading"))
        open_q = None

    for heading in headings:
        question = _is_question(heading, in_runs)
        if open_q is not None and question and heading.number is None and heading.level > open_q.level:
            question = False  # a question-like sub-heading inside an answer ("### Why does it work?")
        if (
            open_q is None
            and heading.number is not None
            and heading.title
            and not (heading.is_boundary or heading.is_placeholder)
        ):
            question = True  # a numbered glossary entry ("3️⃣ Attention Mechanism") asks for a definition
        if open_q is not None and not question and not heading.is_boundary:
            inside = (
                heading.level > open_q.level
                or heading.is_answer_part
                or (heading.number is not None and heading.line not in in_runs)
            )
            if inside:
                continue  # a sub-heading of the open answer
        finish(heading.line)
        if question:
            open_q, open_section = heading, " / ".join(h.title for h in sections if h.level < heading.level)
            continue
        sections = [h for h in sections if h.level < heading.level] + [heading]
        skipped.append(Skipped(source, heading.line, heading.raw, _skip_reason(heading)))
    finish(len(lines) + 1)
    return questions, skipped


def _skip_reason(heading: Heading) -> str:
    if heading.is_placeholder:
        return "placeholder heading without an answer"
    if heading.is_boundary:
        return "not a question: table of contents, tips or notes"
    if heading.level <= 1:
        return "document title"
    if heading.number is not None:
        return "numbered sub-heading in a list of steps or terms, not a question"
    return "section heading, not phrased as a question"
