"""What Slack members read: Markdown rendered, references whole, questions in the answer box, closed cards,
setup errors in the form, topics as people type them. Real Bolt app over signed HTTP on loopback; every
payload checked against Slack's block and text limits."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from adapters.slack import blocks
from bot.bank import Bank
from bot.bank.model import Question
from bot.practice.service import PracticeService
from bot.scheduling import DailyScheduler
from bot.store.tables import Channel
from bot.surface import markup
from bot.surface.cards import BoardRow, GradeCard, PostSummary
from bot.surface.context import Actor
from tests.bank_picks import (
    longest_prompt,
    longest_reference,
    set_post_question,
    set_quiz_question,
    table_and_code,
)
from tests.conftest import Clock, set_up_channel
from tests.helpers import JUDGED
from tests.slack_fake import answer_values, command_body
from tests.slack_harness import CHANNEL, GOOD, PLACE, TEAM, Slack
from tests.slack_limits import check_message, check_view, shown_text

BOSS = "UADMIN"


async def open_quiz(slack: Slack, service: PracticeService, question: Question) -> dict:
    """A quiz on `question`: the command, its Answer button, the modal it opens."""
    reply = await slack.command(f"quiz {question.topic}")
    check_message(reply)
    button = next(e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"])
    await set_quiz_question(service, int(button["value"]), question)
    opened = len(slack.fake.of("views.open"))
    await slack.click("quiz_answer", button["value"])
    return check_view(await slack.opened_view(opened + 1))


async def graded(slack: Slack, service: PracticeService, question: Question) -> list[dict]:
    await slack.submit(await open_quiz(slack, service, question), answer_values(GOOD))
    call = (await slack.fake.wait_for(lambda: slack.fake.of("chat.postEphemeral")))[-1]
    return check_message(call.params)


def reference_block(message: list[dict]) -> str:
    return next(b["text"] for b in message if b["type"] == "markdown" and "Reference answer" in b["text"])


def fences_closed(text: str) -> bool:
    return sum(line.lstrip().startswith("```") for line in text.split("\n")) % 2 == 0


def every_line_in(source: str, shown: str) -> bool:
    return all(line in shown for line in source.split("\n"))


async def test_grade_card_hands_slack_markdown_with_a_table_it_can_show(
    slack: Slack, service: PracticeService, bank: Bank
) -> None:
    question = table_and_code(bank)
    reference = reference_block(await graded(slack, service, question))
    assert "**" in question.answer and fences_closed(reference)
    table_lines = [line for line in question.answer.split("\n") if line.lstrip().startswith("|")]
    cells = [c.strip(" *") for c in table_lines[0].strip().strip("|").split("|")]
    assert not any(line.lstrip().startswith("|") for line in reference.split("\n")), "raw pipes"
    head = next(line for line in reference.split("\n") if all(c in line for c in cells))
    rows = reference.split("\n")[reference.split("\n").index(head) :]
    before_head = reference[: reference.index(head)]
    assert before_head.count("```") % 2 == 1, "the table sits in a code block, in monospace"
    second = [c.strip(" *") for c in table_lines[2].strip().strip("|").split("|")]
    assert rows[0].index(cells[1]) == rows[2].index(second[1]), "columns line up"


async def test_longest_reference_is_clipped_where_a_reader_stops_and_full_answer_shows_it_whole(
    slack: Slack, service: PracticeService, bank: Bank
) -> None:
    question = longest_reference(bank)
    card = await graded(slack, service, question)
    shown = reference_block(card)
    assert fences_closed(shown) and shown.endswith("…")
    kept = shown.removeprefix("**Reference answer**\n\n").removesuffix("…").rstrip()
    source = markup.for_chat(question.answer)
    assert source.startswith(kept), "clipped at a line, never inside one"
    following = source[len(kept) :].lstrip(" ").split("\n")
    assert following[0] == "" or following[0].lstrip().startswith(("- ", "* ", "#")), "at a block's end"
    button = next(
        e for b in card if b["type"] == "actions" for e in b["elements"] if e["text"]["text"] == "Full answer"
    )
    before = len(slack.fake.responses)
    await slack.click(button["action_id"], button["value"])
    await slack.fake.wait_for(lambda: len(slack.fake.responses) > before)
    messages = [check_message(r) for r in slack.fake.responses[before:]]
    read = "\n".join(shown_text(m) for m in messages)
    assert blocks.escape(question.prompt) in read and every_line_in(source, read)
    assert all(r.get("replace_original") is False for r in slack.fake.responses[before:])


async def test_answer_box_shows_the_whole_question(
    slack: Slack, service: PracticeService, bank: Bank
) -> None:
    question = longest_prompt(bank)
    quiz = await open_quiz(slack, service, question)
    assert blocks.escape(question.prompt) in shown_text(quiz["blocks"])
    await set_up_channel(service, PLACE)
    card = await service.daily_post(PLACE)
    await set_post_question(service, card.post_id, question)
    card = await service.post_card(card.post_id)
    ts = (await slack.runtime.publisher.post_question(PLACE, card)).split(":")[1]
    posted = check_message(slack.fake.of("chat.postMessage")[-1].params)
    assert blocks.escape(question.prompt) in shown_text(posted)
    await slack.click("daily_answer", str(card.post_id), message_ts=ts)
    daily = check_view(await slack.opened_view(2))
    assert blocks.escape(question.prompt) in shown_text(daily["blocks"])


async def test_closing_posts_the_whole_reference_and_closes_the_card(
    slack: Slack, service: PracticeService, bank: Bank, clock: Clock
) -> None:
    await service.configure_channel(Actor(PLACE, BOSS, "boss", is_admin=True), post_time="09:00")
    scheduler = DailyScheduler(service, {"slack": slack.runtime.publisher})
    assert (await scheduler.sweep()).posted == 1
    card_message = slack.fake.of("chat.postMessage")[0]
    post_id = int(
        next(
            e["value"]
            for b in check_message(card_message.params)
            if b["type"] == "actions"
            for e in b["elements"]
        )
    )
    question = longest_reference(bank)
    await set_post_question(service, post_id, question)
    clock.now = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)  # an hour before the next post
    assert await scheduler.close_due() == 1
    thread = [c for c in slack.fake.of("chat.postMessage") if c.params.get("thread_ts")]
    messages = [check_message(c.params) for c in thread]
    assert every_line_in(markup.for_chat(question.answer), "\n".join(shown_text(m) for m in messages))
    (edit,) = slack.fake.of("chat.update")
    edited = check_message(edit.params)
    assert not any(b["type"] == "actions" for b in edited), "no Answer button on a closed card"
    (link,) = slack.fake.of("chat.getPermalink")
    assert edit.params["ts"] == thread[0].params["thread_ts"], "the card the thread hangs off"
    first_reply = slack.fake.messages[f"{CHANNEL}/{edit.params['ts']}"][0]["ts"]
    assert link.params == {"channel": CHANNEL, "message_ts": first_reply}
    assert "Closed" in shown_text(edited) and f"/archives/C1/p{first_reply}" in shown_text(edited)
    before = len(slack.fake.responses)
    await slack.click("daily_answer", str(post_id), message_ts=edit.params["ts"])  # a stale client
    reply = await slack.fake.wait_for(lambda: slack.fake.responses[before:])
    assert "closed" in reply[0]["text"] and len(slack.fake.of("views.open")) == 0


async def test_setup_form_points_at_the_bad_field_and_stays_open(
    slack: Slack, service: PracticeService
) -> None:
    await slack.post(command_body("setup", BOSS, CHANNEL, TEAM, f"{slack.fake.base}/respond/setup"))
    view = await slack.opened_view(1)
    values = {
        b["block_id"]: {"value": {"type": "plain_text_input", "value": b["element"].get("initial_value", "")}}
        for b in view["blocks"]
        if b["element"]["type"] == "plain_text_input"
    }
    values["reveal_policy"] = {"value": {"type": "static_select", "selected_option": {"value": "immediate"}}}
    values["post_time"]["value"]["value"] = "9am"
    values["topics"]["value"]["value"] = "rag, astrolgy"
    values["weekdays"]["value"]["value"] = "mon-fri"
    answer = await (await slack.submit(view, values, user=BOSS)).json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"post_time", "topics"} and "09:00" in answer["errors"]["post_time"]
    assert "astrolgy" in answer["errors"]["topics"]
    values["post_time"]["value"]["value"] = "08:30"
    values["topics"]["value"]["value"] = "RAG, Prompt Engineering"
    await slack.submit(view, values, user=BOSS)
    saved = await slack.fake.wait_for(lambda: slack.fake.of("chat.postEphemeral"))
    assert len(saved) == 1 and "Saved." in saved[0].params["text"]
    channel = await service.transaction(
        lambda s: s.scalar(select(Channel).where(Channel.external_id == CHANNEL))
    )
    assert (channel.post_time, channel.weekdays, channel.topics) == (
        "08:30",
        "01234",
        ["rag", "prompt-engineering"],
    )


async def test_quiz_topics_as_people_type_them_and_a_difficulty(slack: Slack, bank: Bank) -> None:
    topic = next(t for t in sorted(bank.topics()) if "-" in t)
    difficulty = next(q.difficulty for q in bank.questions if q.topic == topic)
    typed = topic.replace("-", " ").title()
    reply = await slack.command(f"quiz {typed} {difficulty.upper()}")
    assert f"{topic} · {difficulty}" in shown_text(check_message(reply))
    assert "· rag ·" in shown_text((await slack.command("quiz RAG"))["blocks"])
    refused = (await slack.command("quiz gans"))["text"]
    assert refused.startswith("Unknown topic 'gans'.") and "Did you mean 'gans-vaes'?" in refused


def test_contradicted_points_tips_and_milestones_have_their_own_sections() -> None:
    card = JUDGED
    shown = shown_text(check_message({"blocks": blocks.grade(card)}))
    assert "**✗ Contradicted**\n- Retrieval happens after generation" in shown
    assert shown.index("Reference answer") < shown.index("**Interview tips**\n- Name a vector store")
    hidden = GradeCard(**{**card.__dict__, "reference": None, "tips": ()})
    assert "Interview tips" not in shown_text(blocks.grade(hidden))
    summary = PostSummary(
        post_id=1,
        question_id="q",
        prompt="What is RAG?",
        reference="Retrieval before generation.",
        answered=2,
        top=(BoardRow(1, "ada", 90, 1),),
        milestones=(("ada", 3), ("bob", 8)),
        tips=("Name a vector store you have used.",),
    )
    thread = "\n".join(shown_text(check_message({"blocks": m})) for m in blocks.summary(summary))
    assert "ada reached a 3-day streak" in thread and "bob reached an 8-day streak" in thread
    assert "Interview tips" in thread
