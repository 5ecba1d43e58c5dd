"""Wording every adapter shares, so a card says the same thing on every platform; adapters add only markup."""

from __future__ import annotations

from collections.abc import Callable

from bot.surface.cards import AppealView, BoardRow, ChannelStatus, GradeCard

COVERED = "✓ Covered"
MISSED = "○ Missed"
CONTRADICTED = "✗ Contradicted"
REFERENCE = "Reference answer"
TIPS = "Interview tips"
FULL_ANSWER = "Full answer"
PRACTICE_ONLY = "practice only (already counted today)"
CLOSED = "This daily question has closed: its reference answer and the top scores are in the reply to it."
PERIOD_NAMES = {"week": "this week", "month": "this month", "all": "all time"}  # the leaderboard's periods
EMPTY_BOARD = "No points yet. Answer a question to get on the board."
NO_APPEALS = "No pending appeals."
NO_REASON = "(none given)"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def day_streak(days: int) -> str:
    """ "a 3-day streak", "an 8-day streak", "an 11-day streak"."""
    spoken_with_vowel = str(days).startswith("8") or days in (11, 18)
    return f"{'an' if spoken_with_vowel else 'a'} {days}-day streak"


def points(card: GradeCard) -> str:
    return f"+{card.points} points" if card.counted else PRACTICE_ONLY


def board_row(row: BoardRow, member: str) -> str:
    """A leaderboard line in chat; `member` comes escaped for the platform."""
    return f"{row.rank}. {member} · {row.points} pts ({plural(row.answers, 'answer')})"


def your_place(me: BoardRow) -> str:
    """The asking member's own line, when they are not among the rows shown."""
    return f"You: #{me.rank} with {me.points} pts"


def more_pending(count: int) -> str:
    return f"{count} more pending: decide these and list again."


def streaks(card: GradeCard) -> str:
    parts = []
    if card.practice_streak:
        parts.append(f"practice streak {plural(card.practice_streak, 'day')}")
    if card.channel_streak:
        parts.append(f"daily streak {plural(card.channel_streak, 'day')}")
    return " · ".join(parts)


def point_sections(card: GradeCard) -> list[tuple[str, tuple[str, ...]]]:
    """The judged rubric points, by judgement: covered, missed, contradicted (empty ones left out)."""
    sections = ((COVERED, card.covered), (MISSED, card.missed), (CONTRADICTED, card.contradicted))
    return [(title, items) for title, items in sections if items]


def decision(view: AppealView, member: str, whose: str = "their") -> str:
    """What the admin who decided an appeal is told; `member` comes escaped for the platform."""
    own = f" ({whose} own answer: decided as the only admin, and marked so)" if view.self_decided else ""
    if view.state == "accepted":
        return f"Appeal #{view.appeal_id} accepted: {member}'s answer now scores {view.new_score}.{own}"
    return f"Appeal #{view.appeal_id} rejected; the score stays {view.score}.{own}"


def appeal_result(view: AppealView) -> str:
    """Where a decided appeal leaves the answer, as the member who appealed is told it."""
    if view.state == "accepted":
        return f"your answer now scores {view.new_score}/100 and is worth {plural(view.points, 'point')}."
    return f"the score stays {view.score}."


def appeal_outcome(view: AppealView, shown: Callable[[str], str], emphasis: str) -> str:
    """The chat platforms' message to the member who appealed: `shown` escapes their text, `emphasis`
    marks the question."""
    by = shown(view.decided_by or "an admin") + (" (on their own answer)" if view.self_decided else "")
    prompt = f"{emphasis}{shown(view.prompt)}{emphasis}"
    text = f"Your appeal #{view.appeal_id} on {prompt} was {view.state} by {by}: "
    return text + appeal_result(view) + (f"\nNote: {shown(view.note)}" if view.note else "")


def sentence(text: str) -> str:
    """`text` with its first letter capital, the rest untouched (str.capitalize lowers the rest)."""
    return text[:1].upper() + text[1:]


def channel_state(view: ChannelStatus) -> str:
    return "on" if view.enabled else "paused"


def schedule(view: ChannelStatus, time: Callable[[str], str] = str) -> str:
    """ "posts at 09:00 (mon-fri, Europe/Berlin); closes …"; `time` may mark the post time."""
    closes = f"at {view.close_time}" if view.close_time else "an hour before the next post"
    return f"posts at {time(view.post_time)} ({view.weekdays}, {view.timezone}); closes {closes}"


def chosen_topics(view: ChannelStatus) -> str:
    return ", ".join(view.topics) or "all"


def chosen_difficulty(view: ChannelStatus) -> str:
    return view.difficulty or "any"


def reveal(view: ChannelStatus) -> str:
    """When members see the reference answer: "reference shown " + this."""
    return "at once" if view.reveal_policy == "immediate" else "after close"


def next_post(view: ChannelStatus) -> str:
    return f"next post: {view.next_post_local} ({view.next_post_utc})"


def skipping(view: ChannelStatus, resume: str) -> str:
    """`resume` is the platform's spelling of the command that undoes the skip."""
    return f"skipping the post of {view.skip_date} ({resume} undoes it)"


def last_problem(view: ChannelStatus, error: str) -> str:
    """`error` is the last posting error, escaped for the platform."""
    return f"last problem: {error} ({plural(view.failures, 'failure')} in a row)"
