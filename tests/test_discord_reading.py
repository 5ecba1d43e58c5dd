"""What Discord members read: references whole and readable, the question in the answer box, closed cards
that say so, topics as people type them. Real discord.py objects; every payload checked against Discord's
embed, field, component and modal limits."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from adapters.discord import embeds
from adapters.discord.publisher import DiscordPublisher
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
from tests.discord_fake import CHANNEL, GUILD, message
from tests.discord_harness import ADA, BOSS, GOOD, PLACE, Discord
from tests.discord_limits import check_message, check_modal, shown_text
from tests.helpers import JUDGED


def buttons(body: dict) -> list[dict]:
    return [c for row in body.get("components", []) for c in row["components"]]


async def open_quiz(chat: Discord, service: PracticeService, question: Question) -> dict:
    """A quiz on `question`: the command, its Answer button, the modal it opens."""
    calls = await chat.send(chat.payloads.command("quiz", ADA, topic=question.topic), replies=2)
    card = check_message(calls[1].body)
    (button,) = buttons(card)
    await set_quiz_question(service, int(button["custom_id"].rsplit(":", 1)[1]), question)
    on = message(CHANNEL, 1, embeds=card["embeds"], components=card["components"], flags=64)
    (opened,) = await chat.send(chat.payloads.click(button["custom_id"], ADA, on))
    assert opened.body["type"] == 9
    return check_modal(opened.body["data"])


async def graded(chat: Discord, service: PracticeService, question: Question) -> dict:
    modal = await open_quiz(chat, service, question)
    calls = await chat.send(chat.payloads.modal(modal["custom_id"], ADA, {"answer": GOOD}), replies=2)
    return check_message(calls[1].body)


def fences_closed(text: str) -> bool:
    return sum(line.lstrip().startswith("```") for line in text.split("\n")) % 2 == 0


async def test_reference_with_a_table_and_code_reads_as_aligned_monospace(
    chat: Discord, service: PracticeService, bank: Bank
) -> None:
    question = table_and_code(bank)
    grade = await graded(chat, service, question)
    reference = grade["embeds"][1]
    assert reference["title"] == "Reference answer" and fences_closed(reference["description"])
    shown = reference["description"].split("\n")
    table = [line for line in question.answer.split("\n") if line.lstrip().startswith("|")]
    header = [c.strip(" *") for c in table[0].strip().strip("|").split("|")]
    row = [c.strip(" *") for c in table[2].strip().strip("|").split("|")]
    assert not any(line.lstrip().startswith("|") for line in shown), "raw pipes"
    at = next(i for i, line in enumerate(shown) if all(c in line for c in header))
    assert sum(line.startswith("```") for line in shown[:at]) % 2 == 1, "inside a code block"
    assert shown[at].index(header[1]) == shown[at + 2].index(row[1]), "columns line up"
    assert not any(line.startswith("####") for line in shown), "Discord draws ### at most"


async def test_longest_reference_is_clipped_where_a_reader_stops_and_full_answer_shows_it_whole(
    chat: Discord, service: PracticeService, bank: Bank
) -> None:
    question = longest_reference(bank)
    grade = await graded(chat, service, question)
    shown = grade["embeds"][1]["description"]
    assert fences_closed(shown) and shown.endswith("…")
    kept = shown.removesuffix("…").rstrip()
    source = markup.for_chat(question.answer, embeds.HEADINGS)
    assert source.startswith(kept), "clipped at a line, never inside one"
    following = source[len(kept) :].lstrip(" ").split("\n")
    assert following[0] == "" or following[0].lstrip().startswith(("- ", "* ", "#")), "at a block's end"
    full = next(b for b in buttons(grade) if b["label"] == "Full answer")
    on = message(CHANNEL, 2, embeds=grade["embeds"], components=grade["components"], flags=64)
    token_calls = await chat.send(chat.payloads.click(full["custom_id"], ADA, on), replies=2)
    replies = [check_message(c.body) for c in token_calls[1:]]
    assert all(r["flags"] == 64 for r in replies)
    read = "\n".join(shown_text(r) for r in replies)
    assert question.prompt in read and all(line in read for line in source.split("\n"))


async def test_answer_box_shows_the_whole_question(
    chat: Discord, service: PracticeService, bank: Bank, discord_api
) -> None:
    question = longest_prompt(bank)
    assert len(question.prompt) > 45  # what a modal label could hold
    quiz = await open_quiz(chat, service, question)
    assert question.prompt in shown_text(quiz)
    await set_up_channel(service, PLACE)
    card = await service.daily_post(PLACE)
    await set_post_question(service, card.post_id, question)
    card = await service.post_card(card.post_id)
    ref = await DiscordPublisher(chat.client).post_question(PLACE, card)
    posted = check_message(discord_api.of("POST", f"/channels/{CHANNEL}/messages")[-1].body)
    assert question.prompt in shown_text(posted)
    on = message(CHANNEL, ref.split(":")[1], embeds=posted["embeds"], components=posted["components"])
    (opened,) = await chat.send(chat.payloads.click(buttons(posted)[0]["custom_id"], ADA, on))
    assert question.prompt in shown_text(check_modal(opened.body["data"]))


async def test_closing_replies_with_the_whole_reference_and_closes_the_card(
    chat: Discord, service: PracticeService, bank: Bank, clock: Clock, discord_api
) -> None:
    await service.configure_channel(Actor(PLACE, BOSS, "boss", is_admin=True), post_time="09:00")
    scheduler = DailyScheduler(service, {"discord": DiscordPublisher(chat.client)})
    assert (await scheduler.sweep()).posted == 1
    (card_call,) = discord_api.of("POST", f"/channels/{CHANNEL}/messages")
    card = check_message(card_call.body)
    answer_id = buttons(card)[0]["custom_id"]
    question = longest_reference(bank)
    await set_post_question(service, int(answer_id.rsplit(":", 1)[1]), question)
    clock.now = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)  # an hour before the next post
    assert await scheduler.close_due() == 1
    replies = discord_api.of("POST", f"/channels/{CHANNEL}/messages")[1:]
    read = "\n".join(shown_text(check_message(r.body)) for r in replies)
    assert all(line in read for line in markup.for_chat(question.answer, embeds.HEADINGS).split("\n"))
    (edit,) = discord_api.of("PATCH", f"/channels/{CHANNEL}/messages/")
    edited = check_message(edit.body)
    card_id = edit.path.rsplit("/", 1)[1]
    assert str(replies[0].body["message_reference"]["message_id"]) == card_id, "the reply is to the card"
    (link,) = buttons(edited)
    assert link["url"] == f"https://discord.com/channels/{GUILD}/{CHANNEL}/{replies[0].answer['id']}"
    assert "closed" in edited["embeds"][0]["footer"]["text"]
    stale = message(CHANNEL, card_id, embeds=card["embeds"], components=card["components"])
    (refused,) = await chat.send(chat.payloads.click(answer_id, ADA, stale))  # an old client
    assert refused.body["type"] == 4 and "closed" in refused.body["data"]["content"]


async def test_topics_as_people_type_them(chat: Discord, service: PracticeService, bank: Bank) -> None:
    topic = next(t for t in sorted(bank.topics()) if "-" in t)
    typed = topic.replace("-", " ").title()
    calls = await chat.send(chat.payloads.command("quiz", ADA, topic=typed), replies=2)
    assert {"name": "Topic", "value": topic, "inline": True} in calls[1].body["embeds"][0]["fields"]
    refused = await chat.send(chat.payloads.command("quiz", ADA, topic="gans"), replies=2)
    assert "Did you mean 'gans-vaes'?" in refused[1].body["content"]
    setup = chat.payloads.command("daily", BOSS, admin=True, sub="setup", topics=f"RAG, {typed}")
    saved = await chat.send(setup, replies=2)
    assert saved[1].body["content"] == "Saved."
    channel = await service.transaction(lambda s: s.scalar(select(Channel)))
    assert channel.topics == ["rag", topic]
    typing = chat.payloads.command("quiz", ADA, topic=typed[:-2].lower().replace(" ", ""))
    typing["type"] = 4  # autocomplete
    typing["data"]["options"][0]["focused"] = True
    (choices,) = await chat.send(typing)
    assert [c["value"] for c in choices.body["data"]["choices"]] == [topic]


def test_contradicted_points_tips_and_milestones_have_their_own_sections() -> None:
    card = JUDGED
    shown, clipped = embeds.grade(card)
    body = check_message({"embeds": [e.to_dict() for e in shown]})
    fields = {f["name"]: f["value"] for e in body["embeds"] for f in e.get("fields", [])}
    assert fields["✗ Contradicted"] == "- Retrieval happens after generation" and not clipped
    assert fields["Interview tips"] == "- Name a vector store you have used."
    assert "Interview tips" not in str(body["embeds"][0]), "tips come with the reference"
    hidden, _ = embeds.grade(GradeCard(**{**card.__dict__, "reference": None}))
    assert "Interview tips" not in str([e.to_dict() for e in hidden])
    summary = PostSummary(
        post_id=1,
        question_id="q",
        prompt="What is RAG?",
        reference="Retrieval before generation.",
        answered=2,
        top=(BoardRow(1, "ada", 90, 1),),
        milestones=(("ada", 3), ("bob", 11)),
        tips=("Name a vector store you have used.",),
    )
    read = "\n".join(
        shown_text(check_message({"embeds": [e.to_dict() for e in m]})) for m in embeds.summary(summary)
    )
    assert "ada reached a 3-day streak" in read and "bob reached an 11-day streak" in read
    assert "Interview tips" in read
