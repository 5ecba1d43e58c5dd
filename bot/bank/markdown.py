"""Parse one interview guide (any of the shipped Markdown styles) into raw questions and skipped headings.

A question starts at a heading or a bold numbered item that asks something (or belongs to a numbered run
of questions); its answer runs until the next question, a heading of a higher section, or a boundary such
as "Interview Tips" or "Notes". Sub-headings inside an answer stay in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.bank.cleanup import drop_answer_label, drop_filler, undouble_maths
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
NO_ANSWER = "no answer follows the heading"
RULE = re.compile(r"^\s*(-{3,}|\*{3,}|_{3,})\s*$")
TIPS_LABEL = re.compile(
    r"^\s*\*\*interview tips?\*\*\s*:?\s*$|^\s*\*\*interview tips?:\*\*\s*$", re.IGNORECASE
)
LIST_LINE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


@dataclass(frozen=True)
class RawQuestion:
    prompt: str
    answer: str
    line: int
    section: str
    tips: tuple[str, ...] = ()


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
        # every heading in a run is numbered: `or 0` only tells the type checker so
        if run and (heading.level != run[0].level or heading.number <= (run[-1].number or 0)):
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


def _clean_answer(lines: list[str]) -> tuple[str, tuple[str, ...]]:
    """The answer as Markdown, and the guide's "Interview Tips" for it, which are advice, not answer."""
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
            line = undouble_maths(drop_filler(line))
            if not line.strip() and kept and kept[-1].strip() and not kept[-1].lstrip().startswith("|"):
                line = ""  # a dropped aside between two paragraphs leaves one paragraph break
        kept.append(line.rstrip())
    paragraphs = re.split(r"\n\s*\n", "\n".join(kept))
    paragraphs = [p for p in paragraphs if not EDITORIAL.match(p.strip()) or "\n" in p.strip()]
    paragraphs, tips = _split_tips(paragraphs)
    while paragraphs and (not paragraphs[-1].strip() or RULE.match(paragraphs[-1])):
        paragraphs.pop()
    while paragraphs and (not paragraphs[0].strip() or RULE.match(paragraphs[0])):
        paragraphs.pop(0)
    text = "\n\n".join(p.strip("\n") for p in paragraphs)
    return drop_answer_label(re.sub(r"\n{3,}", "\n\n", text).strip()), tips


def _split_tips(paragraphs: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """'**Interview Tips**:' and the list after it, up to the next rule or prose paragraph."""
    answer: list[str] = []
    tips: list[str] = []
    in_tips = False
    for paragraph in paragraphs:
        first, _, rest = paragraph.strip().partition("\n")
        if TIPS_LABEL.match(first):
            in_tips = True
            paragraph = rest
        elif in_tips and not LIST_LINE.match(paragraph.strip()):
            in_tips = False
        if in_tips:
            tips += [LIST_LINE.sub("", line).strip() for line in paragraph.splitlines() if line.strip()]
        else:
            answer.append(paragraph)
    return answer, tuple(tips)


def parse_markdown(text: str, source: str) -> tuple[list[RawQuestion], list[Skipped]]:
    lines = repair(text).splitlines()
    headings = _scan(lines)
    in_runs = _question_runs(headings)
    questions: list[RawQuestion] = []
    skipped: list[Skipped] = []
    sections: list[Heading] = []
    open_q: Heading | None = None
    open_section = ""
    glossary: Heading | None = None  # the open entry of a numbered glossary ("3️⃣ Attention Mechanism")
    aside: Heading | None = None  # an open "Interview Tips" or "Quick Reference" part: no questions in it

    def finish(until: int) -> None:
        nonlocal open_q
        if open_q is None:
            return
        answer, tips = _clean_answer(lines[open_q.line : until - 1])
        if answer:
            questions.append(RawQuestion(as_prompt(open_q), answer, open_q.line, open_section, tips))
        else:
            skipped.append(Skipped(source, open_q.line, open_q.raw, _unanswered(open_q, until, headings)))
        open_q = None

    for index, heading in enumerate(headings):
        if aside is not None and heading.level <= aside.level:
            aside = None
        question = _is_question(heading, in_runs) and (aside is None or heading.asks)
        if open_q is not None and question and heading.number is None and heading.level > open_q.level:
            question = False  # a question-like sub-heading inside an answer ("### Why does it work?")
        entry = (
            heading.number is not None
            and bool(heading.title)
            and aside is None
            and not (heading.is_boundary or heading.is_placeholder)
        )
        if entry and (open_q is None or _next_in_glossary(heading, glossary, open_q)):
            question = True  # an entry of a numbered glossary asks for a definition, like its siblings
        if (
            open_q is not None
            and not question
            and not heading.is_boundary
            and _inside(heading, open_q, in_runs)
        ):
            continue
        finish(heading.line)
        if not question and aside is None and _stands_alone(heading, headings[index + 1 :], lines):
            question = True  # "### Autoregressive Models" and a paragraph: an entry among its siblings
        if question:
            glossary = heading if entry and heading.line not in in_runs else None
            open_q, open_section = heading, " / ".join(h.title for h in sections if h.level < heading.level)
            continue
        glossary = None
        if heading.is_boundary:
            aside = heading
        sections = [h for h in sections if h.level < heading.level] + [heading]
        skipped.append(Skipped(source, heading.line, heading.raw, _skip_reason(heading)))
    finish(len(lines) + 1)
    return questions, skipped


def _next_in_glossary(heading: Heading, glossary: Heading | None, open_q: Heading) -> bool:
    return (
        glossary is not None
        and open_q is glossary
        and heading.level == glossary.level
        and heading.number == (glossary.number or 0) + 1
    )


def _inside(heading: Heading, open_q: Heading, in_runs: set[int]) -> bool:
    """Whether a heading that asks nothing is a part of the open answer rather than the next section.

    Deeper headings are parts of an answer opened by a heading, labels ("Example:") are parts unless
    they sit above it, and numbered steps outside a run of questions are parts. An answer opened by a
    bold item ("1. **What…?**") keeps only labelled parts: a plain heading after it starts a section.
    """
    step = heading.number is not None and heading.line not in in_runs
    if open_q.is_bold_item:
        return heading.is_answer_part or step
    return heading.level > open_q.level or (heading.is_answer_part and heading.level >= open_q.level) or step


def _stands_alone(heading: Heading, following: list[Heading], lines: list[str]) -> bool:
    """A titled paragraph between sibling headings ("### Autoregressive Models") is an entry of its own:
    a section with prose and no sub-headings, neither a title nor an aside."""
    if heading.level <= 1 or heading.is_boundary or heading.is_placeholder or heading.is_answer_part:
        return False
    if following and following[0].level != heading.level:
        return False
    end = following[0].line - 1 if following else len(lines)
    body, _ = _clean_answer(lines[heading.line : end])
    return any(len(line.split()) >= 6 for line in body.splitlines())


def _unanswered(question: Heading, until: int, headings: list[Heading]) -> str:
    """A heading that asks but has no text of its own is a section title when questions sit below it."""
    following = next((h for h in headings if h.line == until), None)
    if following is not None and following.level > question.level:
        return "section heading above its questions, without an answer of its own"
    return NO_ANSWER


def _skip_reason(heading: Heading) -> str:
    if heading.is_placeholder:
        return "placeholder heading without an answer"
    if heading.is_boundary:
        return "not a question: table of contents, tips or notes"
    if heading.level <= 1:
        return "document title"
    if heading.is_answer_part:
        return "a summary or example outside any question, not an entry of its own"
    if heading.number is not None:
        return "numbered sub-heading in a list of steps or terms, not a question"
    return "section heading, not phrased as a question"
