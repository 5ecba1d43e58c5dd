"""Property-based tests: whatever people paste, the parser, the grader and the console stay calm."""

from __future__ import annotations

import asyncio
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from adapters.console.app import PLACE, ConsoleSession
from bot.bank import Bank
from bot.bank.loader import build_bank
from bot.grading import grade_answer
from bot.practice.service import PracticeService
from bot.store import migrate
from bot.store.db import Database
from bot.surface.context import Actor

REFERENCE = ["Self-attention weighs every token against every other token."]
POINTS = ("Self-attention weighs every token against every other token.", "The weights are learned.")
WORDS = st.sampled_from(
    ["What", "is", "a", "GAN", "attention", "**Answer:**", "Q1:", "1.", "1️⃣", "_x_", "ï¿½", "?"]
)
LINE = st.one_of(
    st.builds(
        lambda h, n, w: f"{h} {n}. {w}",
        st.sampled_from(["#", "##", "###", "####"]),
        st.integers(0, 99),
        WORDS,
    ),
    st.builds(lambda n, w: f"{n}. **{w}**", st.integers(1, 60), WORDS),
    st.lists(WORDS, max_size=12).map(" ".join),
    st.sampled_from(["```", "```python", "| a | b |", "|---|---|", "- item", "> quote", "", "---"]),
    st.text(max_size=60),
)
ODD = st.sampled_from(["\u200b", "\u200f", "\u202e", "\u2066", "\ufeff", "\u0301", "🙂", "\x00", "\r"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE, max_size=60))
@example(["0. **Q0:**", "**ANSWER**0 0 0 0 0 0"])  # a numbered item with no words once cleaned
def test_any_markdown_parses_without_crash_or_empty_questions(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "guide.md"
        path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        bank = build_bank([path])
    for question in bank.questions:
        assert question.prompt.strip() and question.answer.strip()
        assert question.topic and question.difficulty in ("easy", "medium", "hard")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=80), ODD), max_size=30).map("".join))
def test_any_unicode_answer_gets_a_sane_grade(answer: str) -> None:
    grade = grade_answer(answer, REFERENCE, key_points=POINTS, prompt="What is self-attention?")
    assert 0 <= grade.score <= 100
    assert grade.verdict in ("correct", "partial", "incorrect")
    assert grade.feedback


@given(st.text(alphabet=st.sampled_from("!?.,;:-()[]{}'\"…—*#@ \n"), max_size=400))
def test_punctuation_only_scores_zero(answer: str) -> None:
    assert grade_answer(answer, REFERENCE, key_points=POINTS).score == 0


def test_huge_and_invisible_answers() -> None:
    right = "Self-attention weighs every token against every other token with learned weights."
    huge = grade_answer(right * 1300, REFERENCE, key_points=POINTS)  # ~100 KB
    assert len(right * 1300) > 100_000 and 0 <= huge.score <= 100
    hidden = "\u200b".join(right) + "\u202e"
    # Zero-width characters and direction overrides are invisible to a reader, so to the grader too.
    assert grade_answer(hidden, REFERENCE, key_points=POINTS) == grade_answer(
        right, REFERENCE, key_points=POINTS
    )
    rtl = "الانتباه الذاتي يزن كل رمز مقابل كل رمز آخر"
    assert grade_answer(rtl, REFERENCE, key_points=POINTS).verdict == "incorrect"


COMMANDS = st.sampled_from(
    [
        "/quiz",
        "/daily",
        "/answer",
        "/leaderboard",
        "/streak",
        "/stats",
        "/topics",
        "/help",
        "/appeal",
        "/appeals",
        "/accept",
        "/reject",
        "/setup",
        "/status",
        "/pause",
        "/resume",
        "/skip",
        "/nonsense",
        "",
    ]
)
ARGS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "week",
            "month",
            "all",
            "forever",
            "channel",
            "rag",
            "-1",
            "99999",
            "post_time=99:99",
            "timezone=Mars/Base",
            "weekdays=noday",
            "topics=,,",
            "difficulty=extreme",
            "x=y",
            "'",
        ]
    ),
)


def test_console_commands_never_crash(bank: Bank, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    migrate.upgrade(url)
    loop = asyncio.new_event_loop()
    service = PracticeService(Database(url), bank)
    loop.run_until_complete(service.start())
    out = io.StringIO()
    session = ConsoleSession(service, Actor(PLACE, "ada", "ada", is_admin=True), out, tmp_path / "pictures")

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(COMMANDS, ARGS)
    def run(command: str, arg: str) -> None:
        line = f"{command} {arg}".replace("\n", " ")
        keep_going = loop.run_until_complete(session.handle(line))
        assert keep_going in (True, False)

    try:
        run()
    finally:
        loop.run_until_complete(service.db.dispose())
        loop.close()
    assert "Traceback" not in out.getvalue()
