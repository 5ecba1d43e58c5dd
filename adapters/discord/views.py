"""Buttons and modals. Buttons are DynamicItems: their custom id carries the post, the quiz attempt or
the appeal, so a button posted yesterday still works after a restart."""

from __future__ import annotations

import logging
import re

import discord

from adapters.discord import embeds
from adapters.discord.people import actor
from bot.errors import UserError
from bot.practice.service import PracticeService, check_answer_text
from bot.surface.cards import QuestionCard
from bot.surface.limits import ANSWER_CHARS
from bot.surface.wording import CLOSED, FULL_ANSWER

log = logging.getLogger(__name__)
PROMPT_LIMIT = 4000  # a modal text display's content


def service_of(interaction: discord.Interaction) -> PracticeService:
    return interaction.client.service  # type: ignore[attr-defined]


async def tell(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral reply, whether or not the interaction was already answered (deferred)."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


class AnswerModal(discord.ui.Modal):
    """The whole question in a text display above the box the member types in."""

    def __init__(self, kind: str, card: QuestionCard, message: discord.Message | None) -> None:
        target = card.post_id if kind == "daily" else card.attempt_id
        super().__init__(title="Your answer", custom_id=f"answer:{kind}:{target}", timeout=3600)
        self.kind, self.target, self.message = kind, target, message
        headline = f"**{card.topic} · {card.difficulty}**\n"
        self.add_item(
            discord.ui.TextDisplay(headline + embeds.clip(card.prompt, PROMPT_LIMIT - len(headline)))
        )
        self.text = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            max_length=ANSWER_CHARS,
            placeholder="Answer in your own words",
            custom_id="answer",
        )
        self.add_item(discord.ui.Label(text="Your answer", component=self.text))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        text = self.text.value or ""
        try:
            check_answer_text(text)
        except UserError as error:
            await interaction.response.send_message(str(error), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)  # grading and the database
        service = service_of(interaction)
        try:
            if self.kind == "daily":
                grade = await service.answer_post(actor(interaction), self.target, text)
            else:
                grade = await service.answer_quiz(actor(interaction), self.target, text)
        except UserError as error:
            await interaction.followup.send(str(error), ephemeral=True)
            return
        shown, clipped = embeds.grade(grade)
        view = discord.ui.View(timeout=None)
        if grade.answer_id is not None:
            if clipped:
                view.add_item(FullAnswer(grade.answer_id))
            view.add_item(AppealButton(grade.answer_id))
        await interaction.followup.send(embeds=shown, view=view, ephemeral=True)
        if self.kind == "daily" and self.message is not None:
            message, post_id = self.message, self.target

            async def refresh() -> None:
                card = await service.post_card(post_id)
                if card.closed:  # the closing edit links the summary; leave it be
                    return
                await message.edit(embed=embeds.question(card), view=daily_view(card.post_id))

            service.schedule_card_refresh(message.id, refresh)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item=None) -> None:
        log.exception("answer modal failed", exc_info=error)
        await tell(interaction, "Something went wrong saving that answer; please try again in a moment.")


class DailyAnswer(discord.ui.DynamicItem[discord.ui.Button], template=r"daily:answer:(?P<post>[0-9]+)"):
    def __init__(self, post_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Answer", style=discord.ButtonStyle.primary, custom_id=f"daily:answer:{post_id}"
            )
        )
        self.post_id = post_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item, match: re.Match[str]
    ) -> DailyAnswer:
        return cls(int(match["post"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        card = await service_of(interaction).post_card(self.post_id)
        if card.closed:  # before the member types, not after
            await tell(interaction, CLOSED)
            return
        await interaction.response.send_modal(AnswerModal("daily", card, interaction.message))


class QuizAnswer(discord.ui.DynamicItem[discord.ui.Button], template=r"quiz:answer:(?P<attempt>[0-9]+)"):
    def __init__(self, attempt_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Answer", style=discord.ButtonStyle.primary, custom_id=f"quiz:answer:{attempt_id}"
            )
        )
        self.attempt_id = attempt_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item, match: re.Match[str]) -> QuizAnswer:
        return cls(int(match["attempt"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            card = await service_of(interaction).quiz_card(actor(interaction), self.attempt_id)
        except UserError as error:
            await tell(interaction, str(error))
            return
        await interaction.response.send_modal(AnswerModal("quiz", card, None))


class FullAnswer(discord.ui.DynamicItem[discord.ui.Button], template=r"reference:full:(?P<answer>[0-9]+)"):
    """The whole reference of a grade whose card showed it clipped, privately, in as many embeds as needed."""

    def __init__(self, answer_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=FULL_ANSWER,
                style=discord.ButtonStyle.secondary,
                custom_id=f"reference:full:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item, match: re.Match[str]) -> FullAnswer:
        return cls(int(match["answer"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            view = await service_of(interaction).full_reference(actor(interaction), self.answer_id)
        except UserError as error:
            await interaction.followup.send(str(error), ephemeral=True)
            return
        for shown in embeds.reference_messages(view):
            await interaction.followup.send(embeds=shown, ephemeral=True)


class AppealModal(discord.ui.Modal):
    def __init__(self, answer_id: int) -> None:
        super().__init__(title="Appeal a grade", custom_id=f"appeal:{answer_id}", timeout=3600)
        self.answer_id = answer_id
        self.reason = discord.ui.TextInput(
            style=discord.TextStyle.paragraph, required=False, max_length=1000, custom_id="reason"
        )
        self.add_item(discord.ui.Label(text="Why is the grade wrong?", component=self.reason))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            view = await service_of(interaction).appeal(
                actor(interaction), self.answer_id, self.reason.value or ""
            )
            text = f"Appeal #{view.appeal_id} sent: an admin will look at your answer."
        except UserError as error:
            text = str(error)
        await interaction.followup.send(text, ephemeral=True)


class AppealButton(discord.ui.DynamicItem[discord.ui.Button], template=r"appeal:open:(?P<answer>[0-9]+)"):
    def __init__(self, answer_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Appeal this grade",
                style=discord.ButtonStyle.secondary,
                custom_id=f"appeal:open:{answer_id}",
            )
        )
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item, match: re.Match[str]
    ) -> AppealButton:
        return cls(int(match["answer"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(AppealModal(self.answer_id))


async def decide(interaction: discord.Interaction, appeal_id: int, accept: bool, score: int | None) -> None:
    """Decide, answer the admin, and DM the member the outcome (best effort: their DMs may be closed)."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        view = await service_of(interaction).decide_appeal(actor(interaction), appeal_id, accept, score)
    except UserError as error:
        await interaction.followup.send(str(error), ephemeral=True)
        return
    await interaction.followup.send(embeds.decision(view), ephemeral=True)
    try:
        member = await interaction.client.fetch_user(int(view.member_ref))
        await member.send(embeds.appeal_outcome(view), allowed_mentions=discord.AllowedMentions.none())
    except discord.HTTPException:
        log.exception("could not tell %s the outcome of appeal #%s", view.member_ref, view.appeal_id)


class AcceptScore(discord.ui.DynamicItem[discord.ui.Select], template=r"appeal:score:(?P<appeal>[0-9]+)"):
    """Accept with a score the admin picks (above the current one)."""

    def __init__(self, appeal_id: int, scores: list[int] | None = None) -> None:
        options = [discord.SelectOption(label=f"Accept: {s}/100", value=str(s)) for s in scores or [100]]
        super().__init__(
            discord.ui.Select(
                placeholder="Accept with score…", options=options, custom_id=f"appeal:score:{appeal_id}"
            )
        )
        self.appeal_id = appeal_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item, match: re.Match[str]
    ) -> AcceptScore:
        return cls(int(match["appeal"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        picked = (interaction.data or {}).get("values") or []
        await decide(interaction, self.appeal_id, True, int(picked[0]) if picked else None)


class RejectAppeal(discord.ui.DynamicItem[discord.ui.Button], template=r"appeal:reject:(?P<appeal>[0-9]+)"):
    def __init__(self, appeal_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Reject", style=discord.ButtonStyle.danger, custom_id=f"appeal:reject:{appeal_id}"
            )
        )
        self.appeal_id = appeal_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item, match: re.Match[str]
    ) -> RejectAppeal:
        return cls(int(match["appeal"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await decide(interaction, self.appeal_id, False, None)


def daily_view(post_id: int | None, summary_url: str | None = None) -> discord.ui.View:
    """The daily card's button: Answer while open; once closed, a link to the summary instead."""
    view = discord.ui.View(timeout=None)
    if summary_url:
        view.add_item(discord.ui.Button(label="Reference answer and top scores", url=summary_url))
    elif post_id is not None:
        view.add_item(DailyAnswer(post_id))
    return view


DYNAMIC_ITEMS = (DailyAnswer, QuizAnswer, FullAnswer, AppealButton, AcceptScore, RejectAppeal)
