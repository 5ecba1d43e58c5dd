"""Block Kit rendering of the core's views. Everything echoed is escaped, so user text never pings."""

from __future__ import annotations

import json
import re

from bot.practice.appeals import accept_scores
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
from bot.surface.limits import ANSWER_CHARS
from bot.surface.wording import FULL_ANSWER, PERIOD_NAMES, REFERENCE, TIPS, day_streak, plural, point_sections

SECTION_LIMIT = 3000  # Block Kit's limit for a section's text
REFERENCE_ON_CARD = 3_000  # a longer reference is clipped on the grade card, behind a "Full answer" button
REFERENCE_PIECE = 10_000  # per message: with the tips, within the 12,000 all markdown blocks may hold
APPEALS_SHOWN = 15  # two blocks each, beside up to 11 for disputed grades, within Slack's 50 per message


def escape(text: str) -> str:
    """Slack's three control characters: no `<!channel>`, `<@U…>` or broken link can come through."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int = SECTION_LIMIT - 100) -> str:
    return text if len(text) <= limit else markup.clip(text, limit)[0]


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text)}}


def sections(text: str) -> list[dict]:
    """As many sections as a long mrkdwn text needs: shown whole, never clipped."""
    return [section(piece) for piece in markup.split(text, SECTION_LIMIT)]


def context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, 2900)}]}


def markdown(text: str) -> dict:
    """Standard Markdown, rendered by Slack itself; mention syntax is defused (bank text is not ours)."""
    return {"type": "markdown", "text": re.sub(r"<([!@#])", "<\u200b\\1", text)}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict:
    element = {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id}
    element["value"] = value
    if style:
        element["style"] = style
    return element


def _headline(card: QuestionCard) -> str:
    title = "Daily question" if card.post_id else "Your quiz question"
    meta = f"{card.topic} · {card.difficulty}" + (" · coding" if card.kind == "coding" else "")
    return f"*{title}* · {meta}"


def question(card: QuestionCard, summary_link: str | None = None) -> list[dict]:
    """The card with the whole prompt; once closed, a link to the summary instead of the Answer button."""
    blocks = sections(f"{_headline(card)}\n{escape(card.prompt)}")
    if card.closed:
        where = f"<{summary_link}|in the thread>" if summary_link else "in the thread"
        blocks.append(context(f"*Closed* · the reference answer and top scores are {where}."))
    elif card.post_id:
        blocks.append(
            {"type": "actions", "elements": [button("Answer", "daily_answer", str(card.post_id), "primary")]}
        )
    else:
        blocks.append(
            {
                "type": "actions",
                "elements": [button("Answer", "quiz_answer", str(card.attempt_id), "primary")],
            }
        )
    if card.post_id:
        blocks.append(context(f"{plural(card.answered, 'answer')} so far · answers are private"))
    return blocks


def question_text(card: QuestionCard) -> str:
    return escape(f"Daily question: {card.prompt}" if card.post_id else f"Quiz: {card.prompt}")


def _points_markdown(card: GradeCard) -> str:
    parts = [f"**{title}**\n" + "\n".join(f"- {p}" for p in items) for title, items in point_sections(card)]
    return "\n\n".join([*parts, card.feedback])


def _tips_markdown(tips: tuple[str, ...]) -> str:
    return clip(f"**{TIPS}**\n" + "\n".join(f"- {t}" for t in tips), 1500)


def grade(card: GradeCard) -> list[dict]:
    """Score line, judged points and feedback, then the reference (clipped where a reader can stop, the
    rest behind "Full answer") and the interview tips."""
    blocks = [section(f"*Score {card.score}/100* · {card.verdict} · {wording.points(card)}")]
    blocks.append(markdown(clip(_points_markdown(card), 3000)))
    if wording.streaks(card):
        blocks.append(context(wording.streaks(card)))
    buttons = []
    if card.reference:
        reference, clipped = markup.clip(markup.for_chat(card.reference), REFERENCE_ON_CARD)
        blocks.append(markdown(f"**{REFERENCE}**\n\n{reference}"))
        if card.tips:
            blocks.append(markdown(_tips_markdown(card.tips)))
        if clipped and card.answer_id is not None:
            buttons.append(button(FULL_ANSWER, "reference_full", str(card.answer_id)))
    else:
        blocks.append(context("The reference answer comes when the question closes."))
    if card.answer_id is not None:
        buttons.append(button("Appeal this grade", "appeal_open", str(card.answer_id)))
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return blocks


def _reference_messages(reference: str, tips: tuple[str, ...]) -> list[list[dict]]:
    """A whole reference as messages of one `markdown` allowance each, the tips after it."""
    pieces = markup.split(markup.for_chat(reference), REFERENCE_PIECE)
    pieces[0] = f"**{REFERENCE}**\n\n{pieces[0]}"
    messages = [[markdown(piece)] for piece in pieces]
    if tips:
        messages[-1].append(markdown(_tips_markdown(tips)))
    return messages


def reference_messages(view: ReferenceView) -> list[list[dict]]:
    """ "Full answer": the question, then its whole reference."""
    messages = _reference_messages(view.reference, view.tips)
    messages[0][0:0] = sections(escape(view.prompt))
    return messages


def summary(view: PostSummary) -> list[list[dict]]:
    """The closing thread reply: the prompt, the whole reference (in more replies if it is very long),
    the tips, the best scores and streak milestones."""
    messages = _reference_messages(view.reference, view.tips)
    messages[0][0:0] = sections(f"*Closed* · {plural(view.answered, 'answer')}\n{escape(view.prompt)}")
    last = messages[-1]
    if view.top:
        last.append(
            section(
                "*Top scores*\n"
                + "\n".join(f"{r.rank}. {escape(r.member)} · {r.points}/100" for r in view.top)
            )
        )
    if view.milestones:
        last.append(context(" · ".join(f"{escape(m)} reached {day_streak(d)}" for m, d in view.milestones)))
    return messages


def leaderboard(board: Leaderboard) -> str:
    lines = [f"*Leaderboard* · {PERIOD_NAMES[board.period]} · {board.scope}"]
    if not board.rows:
        lines.append(wording.EMPTY_BOARD)
    lines += [wording.board_row(r, escape(r.member)) for r in board.rows]
    if board.me and all(r.rank != board.me.rank for r in board.rows):
        lines.append(wording.your_place(board.me))
    return "\n".join(lines)


def streak(view: StreakView) -> str:
    text = (
        f"Practice streak: {plural(view.practice_current, 'day')} (best {plural(view.practice_best, 'day')})"
    )
    if view.channel_current or view.channel_best:
        best = plural(view.channel_best, "day")
        text += f"\nDaily streak here: {plural(view.channel_current, 'day')} (best {best})"
    return text


def stats(view: StatsView) -> str:
    if not view.answers:
        return "No answers yet. Try `quiz`."
    lines = [f"*{escape(view.member)}*: {plural(view.answers, 'answer')}, average {view.average:.0f}/100"]
    lines += [f"• {t.topic}: {plural(t.answers, 'answer')}, average {t.average:.0f}" for t in view.topics]
    if view.weakest:
        lines.append("Weakest topics: " + ", ".join(view.weakest))
    return "\n".join(lines)


def topics(counts: dict[str, int]) -> str:
    return "*Topics*\n" + "\n".join(f"• {t}: {plural(n, 'question')}" for t, n in counts.items())


def status(view: ChannelStatus) -> str:
    if not view.set_up:
        return f"*Daily question in #{escape(view.channel)}*: not set up yet; `setup` starts it."
    lines = [
        f"*Daily question in #{escape(view.channel)}*: {wording.channel_state(view)}",
        wording.sentence(wording.schedule(view)),
        f"Topics: {wording.chosen_topics(view)} · difficulty: {wording.chosen_difficulty(view)} · "
        f"reference shown {wording.reveal(view)}",
    ]
    if view.next_post_local:
        lines.append(wording.sentence(wording.next_post(view)))
    if view.skip_date:
        lines.append(wording.sentence(wording.skipping(view, "`resume`")))
    if view.last_error:
        lines.append(wording.sentence(wording.last_problem(view, escape(view.last_error))))
    return "\n".join(lines)


def _quoted(text: str) -> str:
    return "\n".join(f">{line}" for line in text.splitlines() or [""])


def disputes(views: list[DisputeView]) -> list[dict]:
    """Grades the LLM judge wanted higher than the rubric allowed: worth a look at the rubric's points."""
    if not views:
        return []
    head = "*Grades the LLM judge disputed* (the rubric's evidence held it back; check the question's points)"
    return [section(head)] + [
        section(
            f"#{v.answer_id} {escape(v.member)} · {v.score} (rubric {v.rubric_score}, judge {v.judge_score})"
            f" · _{escape(clip(v.prompt, 150))}_ `{v.question_id}`\n" + _quoted(escape(clip(v.answer, 400)))
        )
        for v in views
    ]


def appeals(views: list[AppealView]) -> list[dict]:
    """The oldest pending appeals, each with its decision controls; as many as leave room in one message
    (Slack takes 50 blocks) for the disputed grades beside them."""
    if not views:
        return [section(wording.NO_APPEALS)]
    blocks = []
    for v in views[:APPEALS_SHOWN]:
        blocks.append(
            section(
                f"*Appeal #{v.appeal_id}* · {escape(v.member)} · score {v.score}\n_{escape(v.prompt)}_\n"
                f"*Answer:* {escape(v.answer)}\n*Reason:* {escape(v.reason or wording.NO_REASON)}"
            )
        )
        scores = [
            {"text": {"type": "plain_text", "text": f"Accept: {s}/100"}, "value": f"{v.appeal_id}:{s}"}
            for s in accept_scores(v.score)
        ]
        accept = {
            "type": "static_select",
            "action_id": "appeal_accept",
            "placeholder": {"type": "plain_text", "text": "Accept with score…"},
            "options": scores,
        }
        blocks.append(
            {
                "type": "actions",
                "elements": [accept, button("Reject", "appeal_reject", str(v.appeal_id), "danger")],
            }
        )
    if len(views) > APPEALS_SHOWN:
        blocks.append(context(wording.more_pending(len(views) - APPEALS_SHOWN)))
    return blocks


def decision(view: AppealView) -> str:
    return wording.decision(view, escape(view.member))


def appeal_outcome(view: AppealView) -> str:
    """What the member who appealed is told, in a DM."""
    return wording.appeal_outcome(view, escape, "_")


def timezone(view: TimezoneView) -> str:
    whose = {"chosen": "your choice", "platform": "your Slack profile's", "workspace": "the workspace's"}
    return (
        f"Your timezone: {view.member} ({whose[view.source]}); the workspace's: {view.workspace} "
        "(week and month boards)."
    )


def answer_modal(callback: str, metadata: dict, card: QuestionCard) -> dict:
    """The whole question above the box the member types in."""
    field = {
        "type": "input",
        "block_id": "answer",
        "label": {"type": "plain_text", "text": "Answer in your own words"},
        "element": {
            "type": "plain_text_input",
            "action_id": "text",
            "multiline": True,
            "max_length": ANSWER_CHARS,
        },
    }
    return {
        "type": "modal",
        "callback_id": callback,
        "private_metadata": json.dumps(metadata),
        "title": {"type": "plain_text", "text": "Your answer"},
        "submit": {"type": "plain_text", "text": "Submit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [*sections(f"{_headline(card)}\n{escape(card.prompt)}"), field],
    }


def appeal_modal(answer_id: int, channel: str | None) -> dict:
    return {
        "type": "modal",
        "callback_id": "appeal_submit",
        "private_metadata": json.dumps({"answer_id": answer_id, "channel": channel}),
        "title": {"type": "plain_text", "text": "Appeal a grade"},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": [
            {
                "type": "input",
                "block_id": "reason",
                "optional": True,
                "label": {"type": "plain_text", "text": "Why is the grade wrong?"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "text",
                    "multiline": True,
                    "max_length": 1000,
                },
            }
        ],
    }


SETUP_FIELDS = (
    ("post_time", "Post time (24h, e.g. 09:00)"),
    ("timezone", "Timezone (IANA, e.g. Europe/Berlin)"),
    ("weekdays", "Weekdays (e.g. mon-fri, daily)"),
    ("topics", "Topics, comma-separated (empty: all)"),
    ("difficulty", "Difficulty (easy, medium, hard or any)"),
    ("close_time", "Close time (e.g. 17:00, or auto)"),
)


def setup_modal(view: ChannelStatus, channel: str) -> dict:
    current = {
        "post_time": view.post_time,
        "timezone": view.timezone,
        "weekdays": view.weekdays,
        "topics": ", ".join(view.topics),
        "difficulty": view.difficulty or "any",
        "close_time": view.close_time or "auto",
    }
    blocks = [
        {
            "type": "input",
            "block_id": key,
            "optional": key == "topics",
            "label": {"type": "plain_text", "text": label},
            "element": {"type": "plain_text_input", "action_id": "value", "initial_value": current[key]},
        }
        for key, label in SETUP_FIELDS
    ]
    policies = {"after_close": "After the question closes", "immediate": "Right after each answer"}
    options = [{"text": {"type": "plain_text", "text": t}, "value": v} for v, t in policies.items()]
    blocks.append(
        {
            "type": "input",
            "block_id": "reveal_policy",
            "label": {"type": "plain_text", "text": "Show the reference answer"},
            "element": {
                "type": "static_select",
                "action_id": "value",
                "options": options,
                "initial_option": next(o for o in options if o["value"] == view.reveal_policy),
            },
        }
    )
    return {
        "type": "modal",
        "callback_id": "setup_submit",
        "private_metadata": json.dumps({"channel": channel}),
        "title": {"type": "plain_text", "text": "Daily question setup"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": blocks,
    }
