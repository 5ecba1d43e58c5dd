"""Every question in the bank through each chat adapter's renderers: within the platform's limits, every
code fence closed, the prompt whole, and the whole reference in the closing summary."""

from __future__ import annotations

from adapters.discord import embeds
from adapters.discord.views import AnswerModal
from adapters.slack import blocks
from bot.bank import Bank
from bot.bank.model import Question
from bot.surface import markup
from bot.surface.cards import GradeCard, PostSummary, QuestionCard
from tests import discord_limits, slack_limits


def fences_closed(text: str) -> bool:
    return sum(line.lstrip().startswith("```") for line in text.split("\n")) % 2 == 0


def cards(question: Question) -> tuple[QuestionCard, GradeCard, PostSummary]:
    shown = QuestionCard(
        question.id, question.prompt, question.topic, question.difficulty, question.kind, 1, 2
    )
    grade = GradeCard(
        question_id=question.id,
        prompt=question.prompt,
        score=50,
        verdict="partial",
        covered=question.key_points[:1],
        missed=question.key_points[1:],
        feedback="Good start.",
        points=50,
        counted=True,
        reference=question.answer,
        tips=question.tips,
        answer_id=1,
    )
    summary = PostSummary(1, question.id, question.prompt, question.answer, 0, (), tips=question.tips)
    return shown, grade, summary


def test_slack_cards_for_every_question(bank: Bank) -> None:
    for question in bank.questions:
        shown, grade, summary = cards(question)
        prompt = blocks.escape(question.prompt)
        assert prompt in slack_limits.shown_text(
            slack_limits.check_message({"blocks": blocks.question(shown)})
        )
        modal = slack_limits.check_view(blocks.answer_modal("quiz_submit", {"attempt_id": 2}, shown))
        assert prompt in slack_limits.shown_text(modal["blocks"])
        card = slack_limits.check_message({"blocks": blocks.grade(grade)})
        reference = next(b["text"] for b in card if b["type"] == "markdown" and "Reference" in b["text"])
        assert fences_closed(reference), question.id
        thread = [slack_limits.check_message({"blocks": m}) for m in blocks.summary(summary)]
        read = "\n".join(slack_limits.shown_text(m) for m in thread)
        assert all(line in read for line in markup.for_chat(question.answer).split("\n")), question.id


def test_discord_cards_for_every_question(bank: Bank) -> None:
    for question in bank.questions:
        shown, grade, summary = cards(question)
        card = discord_limits.check_message({"embeds": [embeds.question(shown).to_dict()]})
        assert question.prompt in discord_limits.shown_text(card)
        modal = discord_limits.check_modal(AnswerModal("quiz", shown, None).to_dict())
        assert question.prompt in discord_limits.shown_text(modal)
        graded, _ = embeds.grade(grade)
        body = discord_limits.check_message({"embeds": [e.to_dict() for e in graded]})
        assert fences_closed(body["embeds"][1]["description"]), question.id
        replies = [
            discord_limits.check_message({"embeds": [e.to_dict() for e in m]})
            for m in embeds.summary(summary)
        ]
        read = "\n".join(discord_limits.shown_text(r) for r in replies)
        source = markup.for_chat(question.answer, embeds.HEADINGS)
        assert all(line in read for line in source.split("\n")), question.id
