"""Questions picked from the bank at test time (it is curated as we go: no hard-coded ids), and a way to
put one of them in front of a member."""

from __future__ import annotations

from markdown_it import MarkdownIt
from sqlalchemy import update

from bot.bank import Bank
from bot.bank.model import Question
from bot.practice.service import PracticeService
from bot.store.tables import DailyPost, QuizAttempt

_PARSER = MarkdownIt("commonmark").enable("table")


def longest_prompt(bank: Bank) -> Question:
    return max(bank.questions, key=lambda q: (len(q.prompt), q.id))


def longest_reference(bank: Bank) -> Question:
    return max(bank.questions, key=lambda q: (len(q.answer), q.id))


def table_and_code(bank: Bank) -> Question:
    """The shortest reference holding both a Markdown table and a fenced code block."""

    def kinds(q: Question) -> set[str]:
        return {t.type for t in _PARSER.parse(q.answer)}

    both = [q for q in bank.questions if {"table_open", "fence"} <= kinds(q)]
    return min(both, key=lambda q: (len(q.answer), q.id))


async def set_quiz_question(service: PracticeService, attempt_id: int, question: Question) -> None:
    await service.transaction(
        lambda s: s.execute(
            update(QuizAttempt).where(QuizAttempt.id == attempt_id).values(question_id=question.id)
        )
    )


async def set_post_question(service: PracticeService, post_id: int, question: Question) -> None:
    await service.transaction(
        lambda s: s.execute(update(DailyPost).where(DailyPost.id == post_id).values(question_id=question.id))
    )
