"""Slash commands. Anything that reads or writes the database defers first (3-second rule)."""

from __future__ import annotations

import io
import zoneinfo
from typing import Literal

import discord
from discord import app_commands

from adapters.discord import embeds
from adapters.discord.people import actor
from adapters.discord.views import AcceptScore, QuizAnswer, RejectAppeal, service_of, tell
from bot.errors import UserError
from bot.practice.appeals import accept_scores
from bot.rules.topics import suggestions
from bot.surface import wording

HELP = (
    "**/quiz** [topic] [difficulty] — a private question for you\n"
    "**/leaderboard** [period] [scope] · **/streak** [member] · **/stats** · **/topics** · **/help**\n"
    "**/timezone** [zone] — your timezone, for your days and streaks (Discord does not tell the bot)\n"
    "Admins (Manage Server): **/daily setup|pause|resume|skip|status** (resume also undoes a skip) · "
    "**/appeals** · **/timezone** zone workspace:True (the week and month boards)\n"
    "The daily question appears in its channel with an **Answer** button; answers and grades are private."
)
TIMEZONES = sorted(zoneinfo.available_timezones())


class Tree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        if isinstance(original, UserError):
            await tell(interaction, str(original))
            return
        if isinstance(error, app_commands.MissingPermissions):
            await tell(interaction, "Only members with Manage Server can do that.")
            return
        await super().on_error(interaction, error)
        await tell(interaction, "Something went wrong; please try again in a moment.")


async def topic_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    counts = service_of(interaction).topics()
    return [app_commands.Choice(name=f"{t} ({counts[t]})", value=t) for t in suggestions(counts, current)]


async def timezone_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    text = current.lower().replace(" ", "_")
    return [app_commands.Choice(name=z, value=z) for z in TIMEZONES if text in z.lower()][:25]


@app_commands.command(description="A private interview question for you")
@app_commands.describe(topic="pick a topic (see /topics)", difficulty="easy, medium or hard")
@app_commands.autocomplete(topic=topic_choices)
@app_commands.guild_only()
async def quiz(
    interaction: discord.Interaction,
    topic: str | None = None,
    difficulty: Literal["easy", "medium", "hard"] | None = None,
) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    card = await service_of(interaction).start_quiz(actor(interaction), topic, difficulty)
    view = discord.ui.View(timeout=None)
    view.add_item(QuizAnswer(card.attempt_id))
    await interaction.followup.send(embed=embeds.question(card), view=view, ephemeral=True)


@app_commands.command(description="Who is ahead")
@app_commands.guild_only()
async def leaderboard(
    interaction: discord.Interaction,
    period: Literal["week", "month", "all"] = "week",
    scope: Literal["workspace", "channel"] = "workspace",
) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    board = await service_of(interaction).leaderboard(actor(interaction), period, scope)
    await interaction.followup.send(embed=embeds.leaderboard(board), ephemeral=True)


@app_commands.command(description="Your streaks, or another member's")
@app_commands.guild_only()
async def streak(interaction: discord.Interaction, member: discord.Member | None = None) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    who = actor(interaction, member)
    view = await service_of(interaction).streak(who)
    await interaction.followup.send(embeds.streak(view, who.display_name), ephemeral=True)


@app_commands.command(description="Your figures and a picture of them")
@app_commands.guild_only()
async def stats(interaction: discord.Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    view = await service_of(interaction).stats(actor(interaction))
    embed = embeds.stats(view)
    if view.answers and view.picture_png:
        picture = discord.File(io.BytesIO(view.picture_png), filename="stats.png")
        embed.set_image(url="attachment://stats.png")
        await interaction.followup.send(embed=embed, file=picture, ephemeral=True)
    else:
        await interaction.followup.send(embed=embed, ephemeral=True)


@app_commands.command(description="The topics you can pick")
async def topics(interaction: discord.Interaction) -> None:
    lines = [f"**{t}**: {n}" for t, n in service_of(interaction).topics().items()]
    await interaction.response.send_message("\n".join(lines), ephemeral=True)


@app_commands.command(name="timezone", description="Your timezone (or, for admins, the server's)")
@app_commands.describe(
    zone="IANA name, e.g. Pacific/Auckland; auto: back to the server's",
    workspace="admins: set the server's timezone (week and month boards) instead of yours",
)
@app_commands.autocomplete(zone=timezone_choices)
@app_commands.guild_only()
async def timezone_command(
    interaction: discord.Interaction, zone: str | None = None, workspace: bool = False
) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    view = await service_of(interaction).timezone(actor(interaction), zone, workspace=workspace)
    await interaction.followup.send(embeds.timezone(view), ephemeral=True)


@app_commands.command(name="help", description="What the bot does")
async def help_command(interaction: discord.Interaction) -> None:
    await interaction.response.send_message(HELP, ephemeral=True)


@app_commands.command(description="Pending grade appeals (admins)")
@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
async def appeals(interaction: discord.Interaction) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    service, who = service_of(interaction), actor(interaction)
    pending = await service.pending_appeals(who)
    disputed = await service.disputed_grades(who)
    if not pending:
        await interaction.followup.send(wording.NO_APPEALS, ephemeral=True)
    for item in pending[:10]:
        view = discord.ui.View(timeout=None)
        view.add_item(AcceptScore(item.appeal_id, accept_scores(item.score)))
        view.add_item(RejectAppeal(item.appeal_id))
        await interaction.followup.send(embed=embeds.appeal(item), view=view, ephemeral=True)
    if len(pending) > 10:
        await interaction.followup.send(wording.more_pending(len(pending) - 10), ephemeral=True)
    if disputed:
        await interaction.followup.send(embed=embeds.disputes(disputed), ephemeral=True)


daily = app_commands.Group(
    name="daily",
    description="The channel's daily question (admins)",
    default_permissions=discord.Permissions(manage_guild=True),
    guild_only=True,
)


@daily.command(description="Schedule and content of this channel's daily question")
@app_commands.describe(
    post_time="24h time, e.g. 09:00",
    timezone="IANA name, e.g. Europe/Berlin",
    weekdays="e.g. mon-fri, daily, mon,wed,fri",
    topics="comma-separated topics (all: every topic)",
    close_time="e.g. 17:00, or auto (an hour before the next post)",
)
@app_commands.autocomplete(timezone=timezone_choices)
async def setup(
    interaction: discord.Interaction,
    post_time: str | None = None,
    timezone: str | None = None,
    weekdays: str | None = None,
    topics: str | None = None,
    difficulty: Literal["easy", "medium", "hard", "any"] | None = None,
    close_time: str | None = None,
    reveal_policy: Literal["after_close", "immediate"] | None = None,
) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    changes: dict = {
        "post_time": post_time,
        "timezone": timezone,
        "weekdays": weekdays,
        "close_time": close_time,
        "reveal_policy": reveal_policy,
    }
    if topics is not None:
        changes["topics"] = topics
    if difficulty is not None:
        changes["difficulty"] = difficulty
    status = await service_of(interaction).configure_channel(actor(interaction), **changes)
    await interaction.followup.send("Saved.", embed=embeds.status(status), ephemeral=True)


async def _admin(interaction: discord.Interaction, use_case: str) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    status = await getattr(service_of(interaction), use_case)(actor(interaction))
    await interaction.followup.send(embed=embeds.status(status), ephemeral=True)


@daily.command(description="Stop posting here until resumed")
async def pause(interaction: discord.Interaction) -> None:
    await _admin(interaction, "pause_channel")


@daily.command(description="Post here again")
async def resume(interaction: discord.Interaction) -> None:
    await _admin(interaction, "resume_channel")


@daily.command(description="Skip the next daily question")
async def skip(interaction: discord.Interaction) -> None:
    await _admin(interaction, "skip_next")


@daily.command(description="Schedule, next post and problems")
async def status(interaction: discord.Interaction) -> None:
    await _admin(interaction, "channel_status")


COMMANDS = (quiz, leaderboard, streak, stats, topics, timezone_command, help_command, appeals, daily)
