"""Reading a heading or a bold item: its level, numbering, clean text, and what kind of thing it is."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
BOLD_ITEM = re.compile(r"^\s{0,3}(\d+)\.\s+\*\*(.+?)\*\*\s*$")
ANSWER_MARKER = re.compile(r"^\s*(?:#{1,6}\s*)?(?:✅\s*)?\*\*`?Answer`?:?`?\*\*:?\s*", re.IGNORECASE)
KEYCAP = re.compile(r"^\s*(\d{1,2})\ufe0f?\u20e3|^\s*\U0001f51f")
NUMBERING = re.compile(r"^\s*(?:Q(\d+)\s*[:.)]|(\d+)\s*[.):]?(?=\s))\s*")
PLACEHOLDER = re.compile(r"^Q\d+\s*-\s*Q\d+\b")
EXAMPLE = re.compile(r"\bexamples?\s*(?:[–—:-]|$)", re.IGNORECASE)  # "AI Example – Movie Recommendation"
EMPHASIS = re.compile(r"(\*\*|__|`)")
UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)_(.+?)_(?!\w)")

# A heading whose first word is one of these asks a question ("What is…", "Explain…").
QUESTION_OPENERS = (
    "what",
    "what's",
    "how",
    "why",
    "when",
    "where",
    "which",
    "who",
    "can",
    "could",
    "do",
    "does",
    "is",
    "are",
    "should",
    "would",
    "will",
    "explain",
    "explaining",
    "describe",
    "discuss",
    "compare",
    "define",
    "write",
    "implement",
    "create",
    "code",
    "train",
    "develop",
    "design",
    "propose",
    "modify",
    "provide",
    "name",
    "highlight",
    "list",
    "give",
    "fine-tune",
    "differentiate",
    "distinguish",
    "outline",
    "summarize",
)
# Headings that end an answer and are never questions.
BOUNDARY_TITLES = re.compile(
    r"^(table of contents|contents|notes?|quick reference|interview tips?|key interview takeaways|quick recap"
    r"|interview readiness tips|next steps|references|further reading)\b",
    re.IGNORECASE,
)
# Headings that label a part of the answer ("Answer:", "Example:", "Interview-Friendly Explanation").
ANSWER_PART_TITLES = re.compile(
    r"^(answer|example|examples|simple explanation|simple answer"
    r"|interview[- ]friendly (answer|explanation|summary)|analogy|summary|diagram representation"
    r"|architecture flow|flow of)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Heading:
    line: int  # 1-based line number in the source file
    level: float  # 1-6 for Markdown headings; a bold numbered item sits half a level below its section
    raw: str
    title: str  # clean text: no markup, numbering or emoji
    number: int | None  # the question number the author gave, if any

    @property
    def is_placeholder(self) -> bool:
        return bool(PLACEHOLDER.match(self.title))

    @property
    def is_boundary(self) -> bool:
        return bool(BOUNDARY_TITLES.match(self.title))

    @property
    def is_answer_part(self) -> bool:
        return (
            bool(ANSWER_PART_TITLES.match(self.title))
            or (self.is_label and len(self.title.split()) > 2)
            or (bool(EXAMPLE.search(self.title)) and not self.asks)
        )

    @property
    def is_bold_item(self) -> bool:
        """'1. **What is X?**' followed by an answer marker: sits half a level below its section."""
        return self.level % 1 == 0.5

    @property
    def is_label(self) -> bool:
        """'### **Considerations for Choosing Between Them:**' labels a part of an answer."""
        return clean_inline(self.raw).rstrip().endswith(":")

    @property
    def is_term(self) -> bool:
        """'### **Transformer:**' defines a term: a short label that asks for a definition."""
        return self.is_label and len(self.title.split()) <= 2 and self.number is None

    @property
    def asks(self) -> bool:
        """Phrased as a question or an interview task."""
        first = self.title.split(" ", 1)[0].lower().strip(",:")
        return self.title.rstrip().endswith("?") or first in QUESTION_OPENERS or _is_difference(self.title)


def _is_difference(title: str) -> bool:
    return bool(re.match(r"^differences? between\b", title, re.IGNORECASE))


def strip_emoji(text: str) -> str:
    return "".join(
        c for c in text if unicodedata.category(c) not in ("So", "Sk", "Cs", "Co", "Mn", "Me") or c.isalnum()
    )


def clean_inline(text: str) -> str:
    """Markdown inline markup removed: what a person reads."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = EMPHASIS.sub("", text)
    text = UNDERSCORE_EMPHASIS.sub(r"\1", text)
    text = text.replace("\\*", "*")
    return re.sub(r"\s+", " ", text).strip()


def read_title(raw: str) -> tuple[str, int | None]:
    """Clean heading text and the author's number: '### **5. What is X?**' -> ('What is X?', 5)."""
    text = clean_inline(raw)
    number = None
    keycap = KEYCAP.match(text)
    if keycap:
        number = int(keycap.group(1)) if keycap.group(1) else 10
        text = text[keycap.end() :]
    text = strip_emoji(text).strip()
    numbered = NUMBERING.match(text)
    if numbered and not PLACEHOLDER.match(text):
        number = int(numbered.group(1) or numbered.group(2))
        text = text[numbered.end() :]
    text = re.sub(r"\s+", " ", text).strip(" :-–—")
    return text, number


def parse_heading(line: str, line_no: int) -> Heading | None:
    match = HEADING.match(line)
    if not match:
        return None
    title, number = read_title(match.group(2))
    if not title:  # only a number or punctuation ("## 3.", "**Q0:**"): nothing a member could be asked
        return None
    return Heading(line_no, float(len(match.group(1))), match.group(2), title, number)


def parse_bold_item(line: str, line_no: int, section_level: float) -> Heading | None:
    match = BOLD_ITEM.match(line)
    if not match:
        return None
    title, _ = read_title(match.group(2))
    if not title:
        return None
    return Heading(line_no, section_level + 0.5, line.strip(), title, int(match.group(1)))


def as_prompt(heading: Heading) -> str:
    """The question as a person reads it; a numbered topic title ("Activation Functions") becomes one."""
    title = heading.title.rstrip(".")
    if _is_difference(title):
        verb = "are" if title.lower().startswith("differences") else "is"
        return f"What {verb} the " + title[0].lower() + title[1:] + "?"
    if heading.asks:
        return title
    if title.lower().startswith("definition "):
        return f"What is {title[len('definition ') :]}?"
    head = title.split(" of ")[0].split()
    plural = head[-1].lower().endswith("s") and not head[-1].lower().endswith("ss")
    subject = title if title[:2].isupper() else title[0].lower() + title[1:]
    article = "the " if " of " in title else ""
    return f"What {'are' if plural else 'is'} {article}{subject}?"
