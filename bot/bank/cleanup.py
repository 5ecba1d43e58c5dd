"""Line-level repairs of a guide's answer text: what a chat transcript or a copied web page left behind.

Several guides were written with a chat assistant, so answers carry its asides ("Let me know if you need
more clarity 😊", "This keeps it clear, concise…"), and formulas copied from a rendered page arrive twice,
once as flattened glyphs and once as LaTeX. None of that is the answer; a member would read it as noise
and the grader as content.
"""

from __future__ import annotations

import re
import unicodedata

# Sentences that talk about the answer or the conversation, never about the subject. Matched on a
# sentence after quotes are straightened; each pattern is anchored to the sentence's start.
_FILLER = re.compile(
    r"^(?:"
    r"yes,? (?:that'?s|you'?ve got|you have got)\b"
    r"|let me (?:know|refine)\b"
    r"|let'?s continue answering\b"
    r"|here'?s (?:a refined version|how you can|a structured list)\b"
    r"|this (?:structured |detailed )?(?:answer|explanation|version) (?:will|keeps|makes|is)\b"
    r"|this detailed approach\b"
    r"|this keeps (?:it|your)\b"
    r"|this completes the answers\b"
    r"|these questions and answers cover\b"
    r"|if you need further assistance\b"
    r"|want mock interview questions\b"
    r"|(?:i )?hope this helps\b"
    r")",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?:]*(?:[.!?:]+|$)")
_DECORATION = re.compile(r"^[\W_]*$")  # nothing left but emoji, markup and punctuation
_LEAD = re.compile(r"^[\W_]+")  # emoji, bold markers and quotes before a sentence's first word
_MARKUP_PREFIX = re.compile(r"^[\s#>*_\-•]*")
_ANSWER_LABEL = re.compile(r"^\s*A[.:]\s+(?=[A-Z])")  # "A. The retrieval models…" in Q./A. guides
_DOUBLED = re.compile(r"(?<![\w)\]])(\S*[()\[\]]\S*?)\1(?![\w(\[])")
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")


def _is_filler(sentence: str) -> bool:
    plain = sentence.replace("\u2019", "'").replace("\u2018", "'")
    return bool(_FILLER.match(_LEAD.sub("", plain)))


def drop_filler(line: str) -> str:
    """The line without sentences about the conversation; '' when nothing else was there."""
    prefix = found.group(0) if (found := _MARKUP_PREFIX.match(line)) else ""  # it always matches
    sentences = [s for s in _SENTENCE.findall(line[len(prefix) :]) if s.strip()]
    if not any(_is_filler(s) for s in sentences):
        return line
    text = "".join(s for s in sentences if not _is_filler(s)).strip()
    return "" if _DECORATION.match(text) else prefix + text


def drop_answer_label(answer: str) -> str:
    """'A. RAG models are…' reads as 'RAG models are…': the label belongs to the guide's Q./A. layout."""
    return _ANSWER_LABEL.sub("", answer, count=1)


def undouble_maths(line: str) -> str:
    """A formula copied from a rendered page: keep its LaTeX source, drop the flattened glyph copy.

    "minGmaxDV(D,G)=…\\min_G \\max_D V(D, G) = …" keeps what follows the first LaTeX command when the
    text before it is the same formula with the markup squeezed out; "D(x)D(x)" becomes "D(x)".
    """
    first = _LATEX_COMMAND.search(line)
    if first and first.start() > 0 and not line[first.start() - 1].isspace():
        rendered, source = line[: first.start()], line[first.start() :]
        glyphs = _squeeze(rendered)
        if glyphs and glyphs == _squeeze(_LATEX_COMMAND.sub(_command_glyph, source)):
            line = f"$${source.strip()}$$"
    return _DOUBLED.sub(r"\1", line)


def _command_glyph(match: re.Match[str]) -> str:
    name = match.group(0)[1:]
    return {"min": "min", "max": "max", "log": "log", "sum": "∑"}.get(name, "")


def _squeeze(text: str) -> str:
    """Letters and digits only: what both copies of a formula share."""
    return re.sub(r"[^A-Za-z0-9]", "", unicodedata.normalize("NFKC", text))
