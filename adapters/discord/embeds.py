"""Embeds for the core's views. User text is escaped for Markdown; mentions are off everywhere anyway."""

from __future__ import annotations

import discord
from discord.utils import escape_markdown

from bot.surface import markup, wording
from bot.surface.cards import (
    AppealView,
    ChannelStatus,
    DisputeView,
    GradeCard,
    Leaderboard,
    PostSummary,
    QuestionCard,
    ReferenceView,
    StatsView,
    StreakView,
    TimezoneView,
)
from bot.surface.wording import PERIOD_NAMES, REFERENCE, TIPS, day_streak, plural, point_sections

DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
MESSAGE_LIMIT = 6000  # every embed of one message together
EMBEDS_PER_MESSAGE = 10
REFERENCE_ON_CARD = 3000  # a longer reference is clipped on the grade card, behind a "Full answer" button
HEADINGS = 3  # Discord draws #, ## and ###; deeper ones show their hashes
BLUE, GREEN, AMBER, RED = 0x3B82F6, 0x22C55E, 0xF59E0B, 0xEF4444


def clip(text: str, limit: int) -> str:
    """Keep within Discord's limits, ending where a reader can stop (code fences closed)."""
    return text if len(text) <= limit else markup.clip(text, limit)[0]


def user_text(text: str) -> str:
    return escape_markdown(text)


def chat_markdown(text: str) -> str:
    return markup.for_chat(text, HEADINGS)


def size(embeds: list[discord.Embed]) -> int:
    """Characters Discord counts against a message's 6,000."""
    return sum(len(e) for e in embeds)


def question(card: QuestionCard) -> discord.Embed:
    title = "Daily question" if card.post_id else "Your quiz question"
    embed = discord.Embed(title=title, description=clip(card.prompt, DESCRIPTION_LIMIT), colour=BLUE)
    embed.add_field(name="Topic", value=card.topic)
    embed.add_field(name="Difficulty", value=card.difficulty)
    if card.post_id:
        state = "closed · the reference answer is in the reply" if card.closed else "answers are private"
        embed.set_footer(text=f"{plural(card.answered, 'answer')} so far · {state}")
    return embed


def _bullets(items: tuple[str, ...]) -> str:
    return clip("\n".join(f"- {item}" for item in items), FIELD_LIMIT)


def grade(card: GradeCard) -> tuple[list[discord.Embed], bool]:
    """The grade, then the reference in an embed of its own (clipped where a reader can stop, within the
    message's 6,000 characters) with the interview tips; and whether the reference was clipped."""
    colour = {"correct": GREEN, "partial": AMBER}.get(card.verdict, RED)
    embed = discord.Embed(
        title=f"Score {card.score}/100 · {card.verdict}", description=clip(card.feedback, 1000), colour=colour
    )
    embed.add_field(name="Points", value=wording.points(card), inline=False)
    for title, items in point_sections(card):
        embed.add_field(name=title, value=_bullets(items), inline=False)
    if wording.streaks(card):
        embed.set_footer(text=wording.streaks(card))
    if not card.reference:
        return [embed], False
    reference = discord.Embed(title=REFERENCE, colour=colour)
    if card.tips:
        reference.add_field(name=TIPS, value=_bullets(card.tips), inline=False)
    room = min(DESCRIPTION_LIMIT, REFERENCE_ON_CARD, MESSAGE_LIMIT - size([embed, reference]))
    reference.description, clipped = markup.clip(chat_markdown(card.reference), room)
    return [embed, reference], clipped


def _reference_embeds(reference: str, first_room: int = DESCRIPTION_LIMIT) -> list[discord.Embed]:
    pieces = markup.split(chat_markdown(reference), DESCRIPTION_LIMIT)
    if len(pieces[0]) > first_room:
        pieces = [*markup.split(pieces[0], first_room), *pieces[1:]]
    return [discord.Embed(description=piece, colour=BLUE) for piece in pieces]


def _messages(embeds: list[discord.Embed]) -> list[list[discord.Embed]]:
    """Embeds packed into messages within 10 embeds and 6,000 characters each."""
    messages: list[list[discord.Embed]] = [[]]
    for embed in embeds:
        last = messages[-1]
        if last and (len(last) == EMBEDS_PER_MESSAGE or size([*last, embed]) > MESSAGE_LIMIT):
            messages.append([])
        messages[-1].append(embed)
    return messages


def reference_messages(view: ReferenceView) -> list[list[discord.Embed]]:
    """ "Full answer": the whole reference over as many embeds (and messages) as it needs, then the tips."""
    prompt = clip(f"**{view.prompt}**", 1000)  # in the description: a title would cut it at 256
    embeds = _reference_embeds(view.reference, DESCRIPTION_LIMIT - len(prompt) - 2)
    embeds[0].title = REFERENCE
    embeds[0].description = f"{prompt}\n\n{embeds[0].description}"
    if view.tips:
        embeds[-1].add_field(name=TIPS, value=_bullets(view.tips), inline=False)
    return _messages(embeds)


def summary(view: PostSummary) -> list[list[discord.Embed]]:
    """The closing reply: the prompt and the whole reference (continued in more messages when long),
    the best scores, streak milestones and tips."""
    head = discord.Embed(title=f"Closed · {plural(view.answered, 'answer')}", colour=BLUE)
    if view.top:
        lines = [f"{r.rank}. {user_text(r.member)} · {r.points}/100" for r in view.top]
        head.add_field(name="Top scores", value=clip("\n".join(lines), FIELD_LIMIT), inline=False)
    if view.milestones:
        lines = [f"{user_text(m)} reached {day_streak(d)}" for m, d in view.milestones]
        head.add_field(name="Streak milestones", value=clip("\n".join(lines), FIELD_LIMIT), inline=False)
    if view.tips:
        head.add_field(name=TIPS, value=_bullets(view.tips), inline=False)
    prompt = clip(f"**{view.prompt}**", 1000)
    room = min(DESCRIPTION_LIMIT, MESSAGE_LIMIT - size([head])) - len(prompt) - len(REFERENCE) - 10
    embeds = _reference_embeds(view.reference, room)
    head.description = f"{prompt}\n\n**{REFERENCE}**\n{embeds[0].description}"
    return _messages([head, *embeds[1:]])


def leaderboard(board: Leaderboard) -> discord.Embed:
    lines = [wording.board_row(r, user_text(r.member)) for r in board.rows] or [wording.EMPTY_BOARD]
    if board.me and all(r.rank != board.me.rank for r in board.rows):
        lines.append(f"\n{wording.your_place(board.me)}")
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
    lines = [
        wording.sentence(wording.schedule(view, time=lambda t: f"**{t}**")),
        f"Topics: {wording.chosen_topics(view)} · difficulty: {wording.chosen_difficulty(view)}",
        f"Reference shown {wording.reveal(view)}",
    ]
    if view.next_post_local:
        lines.append(wording.sentence(wording.next_post(view)))
    if view.skip_date:
        lines.append(wording.sentence(wording.skipping(view, "`/daily resume`")))
    if view.last_error:
        lines.append(wording.sentence(wording.last_problem(view, user_text(view.last_error))))
    title = f"Daily question in #{user_text(view.channel)}: {wording.channel_state(view)}"
    return discord.Embed(title=title, description="\n".join(lines), colour=BLUE if view.enabled else AMBER)


def appeal(view: AppealView) -> discord.Embed:
    embed = discord.Embed(
        title=f"Appeal #{view.appeal_id} · {user_text(view.member)} · score {view.score}",
        description=clip(view.prompt, 1000),
        colour=AMBER,
    )
    embed.add_field(name="Answer", value=clip(user_text(view.answer), FIELD_LIMIT), inline=False)
    embed.add_field(
        name="Reason", value=clip(user_text(view.reason or wording.NO_REASON), FIELD_LIMIT), inline=False
    )
    return embed


def disputes(views: list[DisputeView]) -> discord.Embed:
    """Grades the LLM judge wanted higher than the rubric allowed: worth a look at the rubric's points."""
    lines = [
        f"#{v.answer_id} {user_text(v.member)} · {v.score} (rubric {v.rubric_score}, judge {v.judge_score})"
        f" · {user_text(clip(v.prompt, 150))} `{v.question_id}`\n"
        + "\n".join(f"> {line}" for line in user_text(clip(v.answer, 200)).splitlines() or [""])
        for v in views
    ]
    return discord.Embed(
        title="Grades the LLM judge disputed",
        description=clip(
            "The rubric's evidence held it back; check the question's points.\n" + "\n".join(lines), 4000
        ),
        colour=AMBER,
    )


def decision(view: AppealView) -> str:
    return wording.decision(view, user_text(view.member))


def appeal_outcome(view: AppealView) -> str:
    """What the member who appealed is told, in a DM."""
    return wording.appeal_outcome(view, user_text, "*")


def timezone(view: TimezoneView) -> str:
    whose = {"chosen": "your choice", "platform": "from Discord", "workspace": "the server's"}
    return (
        f"Your timezone: **{view.member}** ({whose[view.source]}); the server's: **{view.workspace}** "
        "(week and month boards). `/timezone zone:` changes yours."
    )
