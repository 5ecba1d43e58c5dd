"""The stats picture as members see it: any name drawn, nothing clipped or stretched, no font noise."""

from __future__ import annotations

import logging
import subprocess
import sys
import warnings
from datetime import date

import pytest

from bot.surface.charts import StatsPicture, TopicMastery, render_stats_png, stats_figure

WEEKS = [(date(2026, 3, 2), 0.0), (date(2026, 3, 9), 100.0), (date(2026, 3, 16), 55.0)]


def test_cjk_and_emoji_names_are_drawn_with_no_font_warning(caplog: pytest.LogCaptureFixture) -> None:
    name = "李小龍 🦊 김민준"
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.DEBUG, "matplotlib"):
        warnings.simplefilter("always")
        figure = stats_figure(StatsPicture(name, WEEKS, [TopicMastery("rag", 3, 62.0)]))
        assert render_stats_png(StatsPicture(name, WEEKS, [])).startswith(b"\x89PNG")
        figure.canvas.draw()
    assert figure.get_suptitle() == f"{name}: practice so far"
    assert not [w for w in caught if "missing from font" in str(w.message)], "drawn as boxes"
    noise = [r for r in caplog.records if r.name.startswith("matplotlib") and r.levelno >= logging.WARNING]
    assert not noise, "findfont noise"


def test_without_the_font_packages_undrawable_characters_are_left_out_quietly() -> None:
    script = (
        "import io, bot.surface.fonts as f; f.PACKAGES = ()\n"
        "from bot.surface.charts import StatsPicture, stats_figure\n"
        "figure = stats_figure(StatsPicture('Ada 李小龍', [], []))\n"
        "figure.savefig(io.BytesIO(), format='png'); print(figure.get_suptitle())\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "Ada: practice so far"
    assert run.stderr == ""


def test_dots_at_0_and_100_are_drawn_whole() -> None:
    figure = stats_figure(StatsPicture("ada", WEEKS, [TopicMastery("rag", 3, 62.0)]))
    figure.canvas.draw()
    weekly = figure.axes[0]
    (line,) = weekly.lines
    radius = line.get_markersize() / 2 * figure.dpi / 72
    for _x, y in weekly.transData.transform(line.get_xydata()):
        assert weekly.bbox.ymin <= y - radius and y + radius <= weekly.bbox.ymax


def test_one_topic_gets_one_bar_not_the_whole_panel() -> None:
    figure = stats_figure(StatsPicture("ada", WEEKS, [TopicMastery("rag", 3, 62.0)]))
    figure.canvas.draw()
    topics = figure.axes[1]
    (bar,) = topics.patches
    assert bar.get_window_extent().height < topics.bbox.height / 4
