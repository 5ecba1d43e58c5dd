"""The member's stats picture: people would rather look than read. Agg only, no display, no pyplot state."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.surface.fonts import drawable, fonts

MAX_NAME = 40
MAX_TOPICS = 12
TOPIC_SLOTS = 6  # a single topic gets one bar's height, not the whole panel


@dataclass(frozen=True)
class TopicMastery:
    topic: str
    answers: int
    average: float  # 0-100


@dataclass(frozen=True)
class StatsPicture:
    member: str
    weekly: list[tuple[date, float]]  # (week start, average score), oldest first
    topics: list[TopicMastery]


def _level_colour(average: float) -> str:
    if average >= 80:
        return "#2e9d5b"
    if average >= 50:
        return "#e3a21a"
    return "#d0453e"


def render_stats_png(stats: StatsPicture) -> bytes:
    buffer = io.BytesIO()
    stats_figure(stats).savefig(buffer, format="png")
    return buffer.getvalue()


def stats_figure(stats: StatsPicture) -> Figure:
    """The picture as a figure: a weekly line and a bar per topic, in fonts that draw the member's name."""
    name = drawable(stats.member)
    name = name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"
    figure = Figure(figsize=(9, 5), dpi=100)
    FigureCanvasAgg(figure)
    with rc_context({"font.family": fonts().for_text(name, *(t.topic for t in stats.topics))}):
        figure.suptitle(
            f"{name}: practice so far" if name else "Practice so far", fontsize=14, fontweight="bold"
        )
        if not stats.weekly and not stats.topics:
            figure.text(0.5, 0.5, "No answers yet: try a quiz!", ha="center", va="center", fontsize=16)
        else:
            weekly, topics = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
            _weekly_panel(weekly, stats.weekly)
            _topic_panel(topics, stats.topics)
            figure.tight_layout(rect=(0, 0, 1, 0.93))
    return figure


def _weekly_panel(ax, weekly: list[tuple[date, float]]) -> None:
    ax.set_title("Weekly average score")
    ax.set_ylim(-6, 106)  # room for a whole dot at 0 and at 100
    ax.set_yticks(range(0, 101, 20))
    ax.grid(axis="y", alpha=0.3)
    if not weekly:
        ax.text(0.5, 0.5, "No weeks yet", ha="center", va="center", transform=ax.transAxes)
        return
    labels = [week.strftime("%d %b") for week, _ in weekly]
    ax.plot(range(len(weekly)), [score for _, score in weekly], marker="o", color="#3b6fd6", linewidth=2)
    step = max(1, len(labels) // 8)
    ax.set_xticks(range(0, len(labels), step), labels[::step], rotation=30, ha="right", fontsize=8)


def _topic_panel(ax, topics: list[TopicMastery]) -> None:
    ax.set_title("Mastery by topic")
    ax.set_xlim(0, 100)
    if not topics:
        ax.text(0.5, 0.5, "No topics yet", ha="center", va="center", transform=ax.transAxes)
        ax.set_yticks([])
        return
    shown = sorted(topics, key=lambda t: t.average)[:MAX_TOPICS]  # the weakest, weakest on top
    rows = range(len(shown))
    ax.barh(rows, [t.average for t in shown], height=0.6, color=[_level_colour(t.average) for t in shown])
    ax.set_yticks(rows, [drawable(t.topic) for t in shown], fontsize=9)
    ax.set_ylim(max(len(shown), TOPIC_SLOTS) - 0.5, -0.5)
    for row, topic in zip(rows, shown, strict=True):
        label = f"{topic.average:.0f} ({topic.answers})"
        if topic.average > 80:  # no room right of a long bar: write inside it
            ax.text(topic.average - 2, row, label, va="center", ha="right", fontsize=8, color="white")
        else:
            ax.text(topic.average + 2, row, label, va="center", fontsize=8)
    ax.set_xlabel("average score (answers)")
