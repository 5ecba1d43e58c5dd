"""Embeds for the core's views. User text is escaped for Markdown; mentions are off everywhere anyway."""

from __future__ import annotations

import discord
from discord.utils import escape_markdown

from bot.views import (
    AppealView,
    ChannelStatus,
    GradeCard,
    Leaderboard,
    PostSummary,
    QuestionCard,
    StatsView,
    StreakView,
    TimezoneView,
)
from bot.wording import plural

DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
PERIOD_NAMES = {"week": "this week", "month": "this month", "all": "all time"}
BLUE, GREEN, AMBER, RED = 0x3B82F6, 0x22C55E, 0xF59E0B, 0xEF4444


def clip(text: str, limit: int) -> str:
    """Keep within Discord's limits, ending on a whole line where one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 2]
    if "\n" in cut[limit // 2 :]:
        cut = cut.rsplit("\n", 1)[0]
    return cut.rstrip() + "\n…"


def user_text(text: str) -> str:
    return escape_markdown(text)


def question(card: QuestionCard) -> discord.Embed:
    title = "Daily question" if card.post_id else "Your quiz question"
    embed = discord.Embed(title=title, description=clip(card.prompt, DESCRIPTION_LIMIT), colour=BLUE)
    embed.add_field(name="Topic", value=card.topic)
    embed.add_field(name="Difficulty", value=card.difficulty)
    if card.post_id:
        state = "closed · the reference answer is in the reply" if card.closed else "answers are private"
        embed.set_footer(text=f"{plural(card.answered, 'answer')} so far · {state}")
    return embed


def grade(card: GradeCard) -> discord.Embed:
    colour = {"correct": GREEN, "partial": AMBER}.get(card.verdict, RED)
    points = f"+{card.points} points" if card.counted else "practice only (already counted today)"
    embed = discord.Embed(
        title=f"Score {card.score}/100 · {card.verdict}", description=clip(card.feedback, 1000), colour=colour
    )
    embed.add_field(name="Points", value=points, inline=False)
    if card.covered:
        embed.add_field(name="Covered", value=clip("\n".join(f"✓ {p}" for p in card.covered), FIELD_LIMIT))
    if card.missed:
        embed.add_field(name="Missed", value=clip("\n".join(f"✗ {p}" for p in card.missed), FIELD_LIMIT))
    if card.reference:
        embed.add_field(name="Reference answer", value=clip(card.reference, FIELD_LIMIT), inline=False)
    streaks = []
    if card.practice_streak:
        streaks.append(f"practice streak {plural(card.practice_streak, 'day')}")
    if card.channel_streak:
        streaks.append(f"daily streak {plural(card.channel_streak, 'day')}")
    if streaks:
        embed.set_footer(text=" · ".join(streaks))
    return embed


def summary(view: PostSummary) -> discord.Embed:
    embed = discord.Embed(
        title=f"Closed · {plural(view.answered, 'answer')}",
        description=clip(f"**{view.prompt}**\n\n{view.reference}", DESCRIPTION_LIMIT),
        colour=BLUE,
    )
    if view.top:
        lines = [f"{r.rank}. {user_text(r.member)} · {r.points}/100" for r in view.top]
        embed.add_field(name="Top scores", value=clip("\n".join(lines), FIELD_LIMIT), inline=False)
    if view.milestones:
        lines = [f"{user_text(m)}: {plural(d, 'day')} streak" for m, d in view.milestones]
        embed.add_field(name="Streak milestones", value=clip("\n".join(lines), FIELD_LIMIT), inline=False)
    return embed


def leaderboard(board: Leaderboard) -> discord.Embed:
    lines = [
        f"{r.rank}. {user_text(r.member)} · {r.points} pts ({plural(r.answers, 'answer')})"
        for r in board.rows
    ]
    if not lines:
        lines = ["No points yet. Answer a question to get on the board."]
    if board.me and all(r.rank != board.me.rank for r in board.rows):
        lines.append(f"\nYou: #{board.me.rank} with {board.me.points} pts")
    title = f"Leaderboard · {PERIOD_NAMES[board.period]} · {board.scope}"
    return discord.Embed(title=title, description=clip("\n".join(lines), DESCRIPTION_LIMIT), colour=BLUE)


def streak(view: StreakView, who: str) -> str:
    text = f"{user_text(who)}: practice streak {plural(view.practice_current, 'day')}"
    text += f" (best {plural(view.practice_best, 'day')})"
    if view.channel_current or view.channel_best:
        best = plural(view.channel_best, "day")
        text += f"; daily streak here {plural(view.channel_current, 'day')} (best {best})"
    return text


def stats(view: StatsView) -> discord.Embed:
    if not view.answers:
        return discord.Embed(description="No answers yet. Try /quiz.", colour=BLUE)
    lines = [f"**{t.topic}**: {plural(t.answers, 'answer')}, average {t.average:.0f}" for t in view.topics]
    embed = discord.Embed(
        title=f"{user_text(view.member)}: {plural(view.answers, 'answer')}, average {view.average:.0f}/100",
        description=clip("\n".join(lines), DESCRIPTION_LIMIT),
        colour=BLUE,
    )
    if view.weakest:
        embed.add_field(name="Weakest topics", value=", ".join(view.weakest))
    return embed


def status(view: ChannelStatus) -> discord.Embed:
    if not view.set_up:
        title = f"Daily question in #{user_text(view.channel)}: not set up"
        return discord.Embed(title=title, description="`/daily setup` starts it here.", colour=AMBER)
    closes = f"at {view.close_time}" if view.close_time else "an hour before the next post"
    reveal = "at once" if view.reveal_policy == "immediate" else "after close"
    lines = [
        f"Posts at **{view.post_time}** ({view.weekdays}, {view.timezone}); closes {closes}",
        f"Topics: {', '.join(view.topics) or 'all'} · difficulty: {view.difficulty or 'any'}",
        f"Reference shown {reveal}",
    ]
    if view.next_post_local:
        lines.append(f"Next post: {view.next_post_local} ({view.next_post_utc})")
    if view.skip_date:
        lines.append(f"Skipping the post of {view.skip_date} (`/daily resume` undoes it)")
    if view.last_error:
        lines.append(
            f"Last problem: {user_text(view.last_error)} ({plural(view.failures, 'failure')} in a row)"
        )
    title = f"Daily question in #{user_text(view.channel)}: {'on' if view.enabled else 'paused'}"
    return discord.Embed(title=title, description="\n".join(lines), colour=BLUE if view.enabled else AMBER)


def appeal(view: AppealView) -> discord.Embed:
    embed = discord.Embed(
        title=f"Appeal #{view.appeal_id} · {user_text(view.member)} · score {view.score}",
        description=clip(view.prompt, 1000),
        colour=AMBER,
    )
    embed.add_field(name="Answer", value=clip(user_text(view.answer), FIELD_LIMIT), inline=False)
    embed.add_field(
        name="Reason", value=clip(user_text(view.reason or "(none given)"), FIELD_LIMIT), inline=False
    )
    return embed


def decision(view: AppealView) -> str:
    own = " (their own answer: decided as the only admin, and marked so)" if view.self_decided else ""
    if view.state == "accepted":
        who = user_text(view.member)
        return f"Appeal #{view.appeal_id} accepted: {who}'s answer now scores {view.new_score}.{own}"
    return f"Appeal #{view.appeal_id} rejected; the score stays {view.score}.{own}"


def appeal_outcome(view: AppealView) -> str:
    """What the member who appealed is told, in a DM."""
    by = user_text(view.decided_by or "an admin") + (" (on their own answer)" if view.self_decided else "")
    text = f"Your appeal #{view.appeal_id} on *{user_text(view.prompt)}* was {view.state} by {by}: "
    if view.state == "accepted":
        text += f"your answer now scores {view.new_score}/100 and is worth {plural(view.points, 'point')}."
    else:
        text += f"the score stays {view.score}."
    return text + (f"\nNote: {user_text(view.note)}" if view.note else "")


def timezone(view: TimezoneView) -> str:
    whose = {"chosen": "your choice", "platform": "from Discord", "workspace": "the server's"}
    return (
        f"Your timezone: **{view.member}** ({whose[view.source]}); the server's: **{view.workspace}** "
        "(week and month boards). `/timezone zone:` changes yours."
    )
