"""The core's view models for a terminal: plain lines, and the bank's Markdown as rich renders it (styled in
a terminal, plain text when the output is piped; `ConsoleSession.say` decides)."""

from __future__ import annotations

from rich.console import RenderableType
from rich.markdown import Markdown

from bot.surface import wording
from bot.surface.cards import (
    AppealView,
    ChannelStatus,
    DisputeView,
    GradeCard,
    Leaderboard,
    PostSummary,
    QuestionCard,
    StatsView,
    StreakView,
    TimezoneView,
)
from bot.surface.columns import pad, width
from bot.surface.wording import (
    PERIOD_NAMES,
    REFERENCE,
    TIPS,
    day_streak,
    plural,
    point_sections,
    points,
    streaks,
)

Shown = str | list[RenderableType]  # a plain line (never wrapped or parsed), or parts printed in order


def question(card: QuestionCard) -> str:
    title = "Daily question" if card.post_id else "Quiz"
    lines = [f"{title} · {card.topic} · {card.difficulty}" + (" · coding" if card.kind == "coding" else "")]
    lines += [card.prompt, "", "Answer with /answer TEXT, or just type your answer."]
    if card.closed:
        lines[-1] = "This question has closed; /quiz gives you a fresh one."
    return "\n".join(lines)


def _bullets(title: str, items: tuple[str, ...]) -> Markdown:
    return Markdown(f"**{title}**\n\n" + "\n".join(f"- {item}" for item in items))


def grade(card: GradeCard) -> Shown:
    parts: list[RenderableType] = [f"Score {card.score}/100 · {card.verdict} · {points(card)}"]
    parts += [_bullets(title, items) for title, items in point_sections(card)]
    parts.append(Markdown(card.feedback))
    if streaks(card):
        parts.append(streaks(card).capitalize())
    if card.reference:
        parts += ["", Markdown(f"**{REFERENCE}**\n\n{card.reference}")]
        if card.tips:
            parts.append(_bullets(TIPS, card.tips))
    if card.answer_id is not None:
        parts.append("Think the grade is wrong? /appeal REASON")
    return parts


def leaderboard(board: Leaderboard) -> str:
    """Columns by display width, so a CJK or emoji name keeps the points in line."""
    lines = [f"Leaderboard · {PERIOD_NAMES[board.period]} · {board.scope}"]
    if not board.rows:
        lines.append(wording.EMPTY_BOARD)
    cells = max((width(r.member) for r in board.rows), default=0)
    for r in board.rows:
        answers = plural(r.answers, "answer")
        lines.append(f"{r.rank:>3}. {pad(r.member, cells)}  {r.points:>6} pts  ({answers})")
    if board.me and all(r.rank != board.me.rank for r in board.rows):
        lines.append(f"{wording.your_place(board.me)} ({plural(board.me.answers, 'answer')})")
    return "\n".join(lines)


def streak(view: StreakView) -> str:
    lines = [f"Practice streak: {_days(view.practice_current)} (best {_days(view.practice_best)})"]
    if view.channel_current or view.channel_best:
        lines.append(f"Daily streak: {_days(view.channel_current)} (best {_days(view.channel_best)})")
    return "\n".join(lines)


def stats(view: StatsView, picture_path: str | None) -> str:
    if not view.answers:
        return "No answers yet. Try /quiz."
    lines = [f"{view.member}: {plural(view.answers, 'answer')}, average {view.average:.0f}/100"]
    lines += [f"  {t.topic:<20} {plural(t.answers, 'answer'):>11}  avg {t.average:.0f}" for t in view.topics]
    if view.weakest:
        lines.append("Weakest topics: " + ", ".join(view.weakest))
    if picture_path:
        lines.append(f"Picture: {picture_path}")
    return "\n".join(lines)


def topics(counts: dict[str, int]) -> str:
    rows = (f"  {topic:<20} {plural(n, 'question'):>14}" for topic, n in counts.items())
    return "Topics:\n" + "\n".join(rows)


def _days(n: int) -> str:
    return plural(n, "day")


def summary(view: PostSummary) -> Shown:
    parts: list[RenderableType] = [f"Daily question closed · {plural(view.answered, 'answer')}", view.prompt]
    parts += ["", Markdown(f"**{REFERENCE}**\n\n{view.reference}")]
    if view.tips:
        parts.append(_bullets(TIPS, view.tips))
    if view.top:
        parts += ["", "Top scores:"] + [f"  {r.rank}. {r.member} {r.points}/100" for r in view.top]
    parts += [f"{member} reached {day_streak(days)}!" for member, days in view.milestones]
    return parts


def status(view: ChannelStatus) -> str:
    if not view.set_up:
        return f"Daily question in #{view.channel}: not set up yet; /setup KEY=VALUE... starts it."
    lines = [
        f"Daily question in #{view.channel}: {wording.channel_state(view)}",
        f"  {wording.schedule(view)}",
        f"  topics: {wording.chosen_topics(view)}; difficulty: {wording.chosen_difficulty(view)}; "
        f"reference shown: {wording.reveal(view)}",
    ]
    if view.next_post_local:
        lines.append(f"  {wording.next_post(view)}")
    if view.skip_date:
        lines.append(f"  {wording.skipping(view, '/resume')}")
    if view.last_error:
        lines.append(f"  {wording.last_problem(view, view.last_error)}")
    return "\n".join(lines)


def appeals(views: list[AppealView]) -> str:
    if not views:
        return wording.NO_APPEALS
    lines = ["Pending appeals:"]
    for v in views:
        lines += [
            f"  #{v.appeal_id} {v.member} · score {v.score} · {v.prompt}",
            f"     answer: {v.answer}",
            f"     reason: {v.reason or wording.NO_REASON}",
        ]
    lines.append("Decide with /accept ID [SCORE] or /reject ID [NOTE].")
    return "\n".join(lines)


def disputes(views: list[DisputeView]) -> str:
    """Grades the LLM judge wanted higher than the rubric allowed: worth a look at the rubric's points."""
    if not views:
        return ""
    lines = [
        "Grades the LLM judge disputed (the rubric's evidence held it back; check the question's points):"
    ]
    for v in views:
        lines += [
            f"  answer #{v.answer_id} {v.member} · {v.score} (rubric {v.rubric_score}, judge {v.judge_score})"
            f" · {v.prompt} [{v.question_id}]",
            f"     answer: {v.answer}",
        ]
    return "\n".join(lines)


def decision(view: AppealView) -> str:
    return wording.decision(view, view.member, whose="your")


def appeal_outcome(view: AppealView) -> str:
    """What the member who appealed is told: the console is shared, so it names them."""
    by = f"{view.decided_by} (on their own answer)" if view.self_decided else view.decided_by
    text = f"{view.member}: your appeal #{view.appeal_id} ({view.prompt}) was {view.state} by {by}"
    text += f"{':' if view.state == 'accepted' else ';'} {wording.appeal_result(view)}"
    return text + (f" Note: {view.note}" if view.note else "")


def timezone(view: TimezoneView) -> str:
    whose = {"chosen": "your choice", "platform": "from this computer", "workspace": "the workspace's"}
    return (
        f"Your timezone: {view.member} ({whose[view.source]}); "
        f"the workspace's: {view.workspace} (week and month boards)."
    )
