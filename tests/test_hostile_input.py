"""Hostile input at every entry point: NUL bytes (PostgreSQL refuses them in text), bytes that are not UTF-8,
terminal escape sequences and bidi overrides. Rejected or cleaned with a clear message, never a crash,
never silently lost; what others are shown carries no control or bidi characters. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.practice.service import PracticeService
from bot.rules.inbound import clean
from bot.store.tables import Answer, Appeal, Member
from bot.surface.context import Actor, Place
from tests.conftest import set_up_channel
from tests.console_harness import console
from tests.discord_fake import CHANNEL as DISCORD_CHANNEL
from tests.discord_fake import GUILD, message
from tests.discord_harness import ADA, Discord
from tests.slack_fake import answer_values, signed_headers
from tests.slack_harness import CHANNEL, PLACE, SECRET, Slack

ANSWER = "Self-attention lets every token weigh every other token using queries, keys and values"
HOSTILE = "\x00\x1b]0;owned\x07\x1b[2J\x1b[31m\u202e\u2066\ud800"
UNSEEN = ("\x00", "\x1b", "\x07", "\u202e", "\u2066", "\ud800")


def unseen_in(text: str) -> list[str]:
    return [ch for ch in UNSEEN if ch in text]


async def stored(service: PracticeService, model, column) -> list:
    return list((await service.transaction(lambda s: s.scalars(select(column)))).all())


def test_cleaning_keeps_what_people_write() -> None:
    assert clean("a\tb\nc\r\nd 👩‍💻 ünï 中文 العربية") == "a\tb\nc\nd 👩‍💻 ünï 中文 العربية"
    assert clean(f"x{HOSTILE}y") == "x\ufffdy"
    assert clean("\x1b[1;31mred\x1b[0m \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\") == "red link"


async def test_the_core_stores_answers_names_and_reasons_cleaned(service: PracticeService) -> None:
    place = Place("chat", "T1", "C1", workspace_name=f"Team{HOSTILE}", channel_name=f"main{HOSTILE}")
    member = Actor(place, "U1", f"Mallory{HOSTILE}")
    await service.configure_channel(replace(member, is_admin=True))  # only an admin's setup starts posting
    card = await service.daily_post(place)
    grade = await service.answer_post(member, card.post_id, f"{ANSWER}{HOSTILE}")
    quiz = await service.start_quiz(member)
    await service.answer_quiz(member, quiz.attempt_id, f"{HOSTILE}{ANSWER}")
    appeal = await service.appeal(member, grade.answer_id, f"the grade is wrong{HOSTILE}")
    assert appeal.reason == "the grade is wrong\ufffd" and appeal.member == "Mallory\ufffd"
    texts = await stored(service, Answer, Answer.text)
    assert sorted(texts) == sorted([f"{ANSWER}\ufffd", f"\ufffd{ANSWER}"])
    assert await stored(service, Member, Member.display_name) == ["Mallory\ufffd"]
    assert await stored(service, Appeal, Appeal.reason) == ["the grade is wrong\ufffd"]
    board = await service.leaderboard(member, "all")
    assert board.rows[0].member == "Mallory\ufffd"


def test_console_refuses_undecodable_lines_and_never_prints_escapes(tmp_path: Path) -> None:
    script = (
        b"/quiz transformers\n"
        + b"Self-attention \xff\xfe lets every token weigh every other token\n"
        + f"{ANSWER}\x00\x1b]0;owned\x07\u202e\n/appeal \x1b[2Jwrong\x00\n/appeals\n".encode()
    )
    out = console("ev\x1b[5mil", tmp_path / "bot.db", script, tmp_path)
    assert "not valid UTF-8" in out and "nothing was done" in out
    assert "Score " in out and "Appeal #1 sent" in out
    assert "evil" in out and "reason: wrong" in out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out


async def test_slack_answer_appeal_and_command_with_nul_are_kept_and_answered(
    slack: Slack,
    service: PracticeService,
) -> None:
    await set_up_channel(service, PLACE)
    card = await service.daily_post(PLACE)
    meta = json.dumps({"post_id": card.post_id, "channel": CHANNEL})
    view = {"type": "modal", "callback_id": "daily_submit", "private_metadata": meta}
    await slack.submit(view, answer_values(f"{ANSWER}\x00\u202e"), user="U1")
    grade = (await slack.fake.wait_for(lambda: slack.fake.of("chat.postEphemeral")))[0]
    assert "Score " in grade.params["text"]
    assert await stored(service, Answer, Answer.text) == [ANSWER]
    answer_id = (await stored(service, Answer, Answer.id))[0]
    appeal_view = {
        "type": "modal",
        "callback_id": "appeal_submit",
        "private_metadata": json.dumps({"answer_id": answer_id, "channel": CHANNEL}),
    }
    await slack.submit(appeal_view, {"reason": {"text": {"type": "plain_text_input", "value": "no\x00pe"}}})
    sent = await slack.fake.wait_for(lambda: slack.fake.of("chat.postEphemeral")[1:])
    assert "Appeal #1 sent" in sent[0].params["text"]
    assert await stored(service, Appeal, Appeal.reason) == ["nope"]
    assert "Practice streak" in (await slack.command("streak\x00", name="ev\x00il\x1b[5m"))["text"]


async def test_slack_junk_gets_400_or_401_and_one_log_line(
    slack: Slack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = str(int(time.time()))
    junk = [
        ("payload=%7Bnot json", {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=00"}),
        ("payload=%7B%7D", {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}),
        (b"text=\xff\xfe", {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=00"}),
    ]
    signed_junk = "payload=%7Bnot json"
    junk.append((signed_junk, signed_headers(SECRET, signed_junk)))
    caplog.set_level(logging.INFO)
    statuses = []
    for body, headers in junk:
        caplog.clear()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}
        async with slack.http.post(slack.url + "/slack/events", data=body, headers=headers) as response:
            statuses.append(response.status)
        problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(problems) == 1 and problems[0].levelno == logging.WARNING and not problems[0].exc_info
    assert statuses == [401, 401, 401, 400]
    assert slack.fake.responses == []


async def test_a_megabyte_command_is_refused_short_not_parsed_or_echoed(slack: Slack) -> None:
    reply = await slack.command("quiz " + "'a " * 180_000)
    assert "a command is at most 1,000" in reply["text"] and len(reply["text"]) < 200
    unknown = await slack.command("x" * 900)
    assert "I don't know" in unknown["text"] and "x" * 41 not in unknown["text"]


async def test_slack_failure_after_ack_reaches_the_member_in_plain_words(slack: Slack) -> None:
    slack.fake.broken.add("users.info")  # Slack's API fails while an admin command is being handled
    reply = await slack.command("status", user="UADMIN")
    assert reply["text"] == "Something went wrong on my side; please try again in a moment."
    slack.fake.broken.clear()
    assert "not set up yet" in (await slack.command("status", user="UADMIN"))["text"]  # it works again


async def test_discord_modal_with_nul_and_bidi_is_graded_and_stored_clean(
    chat: Discord, service: PracticeService
) -> None:
    await set_up_channel(service, Place("discord", GUILD, DISCORD_CHANNEL))
    card = await service.daily_post(Place("discord", GUILD, DISCORD_CHANNEL))
    button = {"type": 2, "style": 1, "label": "Answer", "custom_id": f"daily:answer:{card.post_id}"}
    on = message(DISCORD_CHANNEL, 1, components=[{"type": 1, "components": [button]}])
    await chat.send(chat.payloads.click(f"daily:answer:{card.post_id}", ADA, on))  # opens the modal
    text = f"{ANSWER}\x00\u202e\x1b[2J"
    calls = await chat.send(
        chat.payloads.modal(f"answer:daily:{card.post_id}", ADA, {"answer": text}), replies=2
    )
    assert calls[1].body["embeds"][0]["title"].startswith("Score ")
    assert await stored(service, Answer, Answer.text) == [ANSWER]
