"""Discord end to end with real discord.py objects: real interaction payloads dispatched through the
client's own state and command tree, its HTTP client talking to a stand-in REST API. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import discord
import pytest
from sqlalchemy import func, select, update

from adapters.discord.client import InterviewBot
from adapters.discord.publisher import DiscordPublisher
from app.commands.discord import application_id_from_token, invite_url
from bot.practice.service import PracticeService
from bot.scheduling import DailyScheduler
from bot.store.tables import Answer, Channel
from bot.surface.context import Actor
from bot.surface.publishing import ChannelUnavailable
from tests.conftest import count_answers, set_up_channel
from tests.discord_fake import APP_ID, CHANNEL, GUILD, OWNER, FakeDiscord, message
from tests.discord_harness import ADA, BOSS, GOOD, PLACE, Discord, connect


async def test_commands_sync_once_to_the_test_server(bot: InterviewBot, discord_api: FakeDiscord) -> None:
    synced = discord_api.of("PUT", f"/applications/{APP_ID}/guilds/{GUILD}/commands")
    assert len(synced) == 1
    names = {c["name"] for c in synced[0].body}
    assert names == {
        "quiz",
        "leaderboard",
        "streak",
        "stats",
        "topics",
        "timezone",
        "help",
        "appeals",
        "daily",
    }
    daily = next(c for c in synced[0].body if c["name"] == "daily")
    assert int(daily["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
    assert {o["name"] for o in daily["options"]} == {"setup", "pause", "resume", "skip", "status"}


async def test_help_topics_and_friendly_errors(chat: Discord) -> None:
    (reply,) = await chat.send(chat.payloads.command("help", ADA))
    assert "/quiz" in reply.body["data"]["content"] and reply.body["data"]["flags"] == 64
    (reply,) = await chat.send(chat.payloads.command("topics", ADA))
    assert "transformers" in reply.body["data"]["content"]
    calls = await chat.send(chat.payloads.command("quiz", ADA, topic="astrology"), replies=2)
    assert calls[0].body["type"] == 5  # deferred first: the database may be slow
    assert "Unknown topic" in calls[1].body["content"]


async def test_quiz_button_modal_grade_then_board_streak_and_stats(
    chat: Discord, service: PracticeService
) -> None:
    calls = await chat.send(chat.payloads.command("quiz", ADA, topic="transformers"), replies=2)
    followup = calls[1].body
    assert followup["flags"] == 64 and followup["embeds"][0]["title"] == "Your quiz question"
    button = followup["components"][0]["components"][0]
    assert button["custom_id"].startswith("quiz:answer:")
    on = message(CHANNEL, 1, embeds=followup["embeds"], components=followup["components"], flags=64)
    (opened,) = await chat.send(chat.payloads.click(button["custom_id"], ADA, on))
    assert opened.body["type"] == 9  # a modal
    modal_id = opened.body["data"]["custom_id"]
    assert modal_id == "answer:quiz:" + button["custom_id"].rsplit(":", 1)[1]
    calls = await chat.send(chat.payloads.modal(modal_id, ADA, {"answer": GOOD}), replies=2)
    grade = calls[1].body
    assert grade["flags"] == 64 and grade["embeds"][0]["title"].startswith("Score ")
    assert grade["embeds"][1]["title"] == "Reference answer" and grade["embeds"][1]["description"]
    assert grade["components"][0]["components"][0]["custom_id"].startswith("appeal:open:")
    assert await count_answers(service) == 1
    board = (await chat.send(chat.payloads.command("leaderboard", ADA, period="all"), replies=2))[1].body
    assert "1. user01" in board["embeds"][0]["description"]
    streak = (await chat.send(chat.payloads.command("streak", ADA), replies=2))[1].body
    assert "practice streak 1 day" in streak["content"]
    stats = (await chat.send(chat.payloads.command("stats", ADA), replies=2))[1].body
    assert stats["_files"] == ["stats.png"] and stats["embeds"][0]["image"]["url"] == "attachment://stats.png"


async def test_daily_post_button_after_restart_modal_double_submit_and_close(
    service: PracticeService, discord_api: FakeDiscord
) -> None:
    first = await connect(service)
    await set_up_channel(service, PLACE)
    card = await service.daily_post(PLACE)
    ref = await DiscordPublisher(first).post_question(PLACE, card)
    (posted,) = discord_api.of("POST", f"/channels/{CHANNEL}/messages")
    custom_id = posted.body["components"][0]["components"][0]["custom_id"]
    assert custom_id == f"daily:answer:{card.post_id}"
    await first.close()  # the bot restarts: the button must still work
    client = await connect(service)
    try:
        chat = Discord(client, discord_api)
        on = message(
            CHANNEL, ref.split(":")[1], embeds=posted.body["embeds"], components=posted.body["components"]
        )
        (opened,) = await chat.send(chat.payloads.click(custom_id, ADA, on))
        assert opened.body["type"] == 9 and opened.body["data"]["custom_id"] == f"answer:daily:{card.post_id}"
        calls = await chat.send(
            chat.payloads.modal(f"answer:daily:{card.post_id}", ADA, {"answer": GOOD}), replies=2
        )
        assert calls[1].body["embeds"][0]["title"].startswith("Score ")
        assert "Reference answer" not in str(calls[1].body["embeds"][0])  # revealed at close
        edit = await discord_api.wait_for(lambda: discord_api.of("PATCH", f"/channels/{CHANNEL}/messages/"))
        assert "1 answer so far" in edit[0].body["embeds"][0]["footer"]["text"]
        again = await chat.send(chat.payloads.click(custom_id, ADA, on))
        second = await chat.send(
            chat.payloads.modal(f"answer:daily:{card.post_id}", ADA, {"answer": GOOD + "!"}), replies=2
        )
        assert again[0].body["type"] == 9 and "already answered" in second[1].body["content"]
        assert await count_answers(service) == 1
        summary = await service.close_post(card.post_id)
        await DiscordPublisher(client).post_summary(PLACE, ref, summary)
        reply = discord_api.of("POST", f"/channels/{CHANNEL}/messages")[-1].body
        assert str(reply["message_reference"]["message_id"]) == ref.split(":")[1]
        assert reply["embeds"][0]["title"] == "Closed · 1 answer" and "Top scores" in str(reply["embeds"][0])
    finally:
        await client.close()


async def test_daily_setup_is_for_manage_server_only(chat: Discord, service: PracticeService) -> None:
    refused = await chat.send(chat.payloads.command("daily", ADA, sub="setup", post_time="07:00"), replies=2)
    assert "Only workspace admins" in refused[1].body["content"]
    assert await service.transaction(lambda s: s.scalar(select(func.count()).select_from(Channel))) == 0
    calls = await chat.send(
        chat.payloads.command(
            "daily", BOSS, admin=True, sub="setup", post_time="07:00", timezone="Asia/Tokyo"
        ),
        replies=2,
    )
    assert calls[1].body["content"] == "Saved." and "07:00" in calls[1].body["embeds"][0]["description"]
    for sub, expected in (
        ("pause", "paused"),
        ("resume", ": on"),
        ("status", "Next post"),
        ("skip", "07:00"),
    ):
        reply = (await chat.send(chat.payloads.command("daily", BOSS, admin=True, sub=sub), replies=2))[
            1
        ].body
        assert expected in str(reply["embeds"][0])
    bad = await chat.send(
        chat.payloads.command("daily", BOSS, admin=True, sub="setup", timezone="Mars/Base"), replies=2
    )
    assert "Unknown timezone" in bad[1].body["content"]


async def test_mention_injection_pings_nobody(chat: Discord, service: PracticeService) -> None:
    calls = await chat.send(chat.payloads.command("quiz", ADA, topic="rag"), replies=2)
    button = calls[1].body["components"][0]["components"][0]["custom_id"]
    shown = message(CHANNEL, 4, embeds=calls[1].body["embeds"], components=calls[1].body["components"])
    await chat.send(chat.payloads.click(button, ADA, shown))
    quiz_id = button.rsplit(":", 1)[1]
    injected = f"@everyone <@&{GUILD}> <@{BOSS}> retrieval adds documents to the prompt"
    grade = await chat.send(
        chat.payloads.modal(f"answer:quiz:{quiz_id}", ADA, {"answer": injected}), replies=2
    )
    appeal_id = grade[1].body["components"][0]["components"][0]["custom_id"]
    await chat.send(
        chat.payloads.click(appeal_id, ADA, message(CHANNEL, 5, components=grade[1].body["components"]))
    )
    answer_id = appeal_id.rsplit(":", 1)[1]
    await chat.send(
        chat.payloads.modal(f"appeal:{answer_id}", ADA, {"reason": "@here look <@&1>"}), replies=2
    )
    await service.transaction(  # an LLM judge wanted more than the rubric's evidence allowed
        lambda s: s.execute(
            update(Answer)
            .where(Answer.id == int(answer_id))
            .values(disputed=True, rubric_score=20, judge_score=88)
        )
    )
    listing = await chat.send(chat.payloads.command("appeals", BOSS, admin=True), replies=3)
    shown = listing[1].body
    assert "@everyone" in str(shown["embeds"]) and "@here look" in str(shown["embeds"])
    disputed = listing[2].body
    assert "(rubric 20, judge 88)" in str(disputed["embeds"]) and "retrieval adds documents" in str(disputed)
    assert disputed["allowed_mentions"] == {"parse": []}
    assert shown["allowed_mentions"] == {"parse": []}  # shown, but pings nobody
    assert all(c.body.get("allowed_mentions", {"parse": []}) == {"parse": []} for c in chat.fake.replies())
    scores = shown["components"][0]["components"][0]
    assert scores["custom_id"].startswith("appeal:score:")
    card = message(CHANNEL, 6, embeds=shown["embeds"], components=shown["components"])
    refused = await chat.send(chat.payloads.select(scores["custom_id"], ["100"], ADA, card), replies=2)
    assert "Only workspace admins" in refused[1].body["content"]
    accepted = await chat.send(
        chat.payloads.select(scores["custom_id"], ["100"], BOSS, card, admin=True), replies=2
    )
    assert "accepted" in accepted[1].body["content"]


async def test_missing_permission_channel_is_reported_not_crashed(
    bot: InterviewBot, discord_api: FakeDiscord, service
) -> None:
    discord_api.refuse.add(CHANNEL)
    await set_up_channel(service, PLACE)
    card = await service.daily_post(PLACE)
    publisher = DiscordPublisher(bot)
    with pytest.raises(ChannelUnavailable, match="403"):
        await publisher.post_question(PLACE, card)
    await publisher.notify_admins(PLACE, "I could not post in #practice: 403 Missing Permissions")
    dm = discord_api.of("POST", "/users/@me/channels")
    assert str(dm[0].body["recipient_id"]) == OWNER
    sent = discord_api.of("POST", "/channels/500000000000000001/messages")[0].body
    assert "could not post" in sent["content"] and sent["allowed_mentions"] == {"parse": []}


def test_invite_url_asks_for_the_minimum() -> None:
    token = "OTAwMDAwMDAwMDAwMDAwMDAx.abc.def"  # base64 of the application id
    assert application_id_from_token(token) == int(APP_ID)
    url = invite_url(int(APP_ID))
    assert f"client_id={APP_ID}" in url and "scope=bot+applications.commands" in url
    permissions = discord.Permissions(int(url.rsplit("permissions=", 1)[1]))
    assert permissions.send_messages and permissions.embed_links and permissions.attach_files
    assert not permissions.administrator and not permissions.manage_guild and not permissions.mention_everyone


async def test_two_servers_never_see_each_others_data(chat: Discord, service: PracticeService) -> None:
    other = "800000000000000002"
    calls = await chat.send(chat.payloads.command("quiz", ADA, topic="rag"), replies=2)
    button = calls[1].body["components"][0]["components"][0]["custom_id"]
    shown = message(CHANNEL, 7, embeds=calls[1].body["embeds"], components=calls[1].body["components"])
    await chat.send(chat.payloads.click(button, ADA, shown))
    await chat.send(
        chat.payloads.modal(f"answer:quiz:{button.rsplit(':', 1)[1]}", ADA, {"answer": GOOD}), replies=2
    )
    here = (await chat.send(chat.payloads.command("leaderboard", BOSS, period="all"), replies=2))[1].body
    there = (
        await chat.send(chat.payloads.command("leaderboard", BOSS, period="all", guild=other), replies=2)
    )[1].body
    assert "user01" in here["embeds"][0]["description"]
    assert "No points yet" in there["embeds"][0]["description"]


async def test_a_reconnect_reruns_nothing(bot: InterviewBot, discord_api: FakeDiscord) -> None:
    """discord.py fires ready/resumed again after each reconnect: no re-sync, no post, no call at all."""
    before = len(discord_api.calls)
    for event in ("ready", "resumed", "ready"):
        bot.dispatch(event)
    await asyncio.sleep(0)
    assert len(discord_api.calls) == before
    assert len(discord_api.of("PUT", f"/applications/{APP_ID}/guilds/{GUILD}/commands")) == 1


async def test_topic_and_timezone_autocomplete(chat: Discord) -> None:
    typed = chat.payloads.command("quiz", ADA, topic="transf")
    typed["type"] = 4  # APPLICATION_COMMAND_AUTOCOMPLETE
    typed["data"]["options"][0]["focused"] = True
    (reply,) = await chat.send(typed)
    assert reply.body["type"] == 8
    assert [c["value"] for c in reply.body["data"]["choices"]] == ["transformers"]
    zone = chat.payloads.command("daily", BOSS, admin=True, sub="setup", timezone="berl")
    zone["type"] = 4
    zone["data"]["options"][0]["options"][0]["focused"] = True
    (reply,) = await chat.send(zone)
    assert [c["value"] for c in reply.body["data"]["choices"]] == ["Europe/Berlin"]


async def test_members_reading_in_a_channel_nobody_set_up_switch_no_posting_on(
    chat: Discord, service: PracticeService
) -> None:
    scheduler = DailyScheduler(service, {"discord": DiscordPublisher(chat.client)})
    streak = (await chat.send(chat.payloads.command("streak", ADA), replies=2))[1].body
    assert "practice streak 0 days" in streak["content"]
    board = (await chat.send(chat.payloads.command("leaderboard", ADA, scope="channel"), replies=2))[1].body
    assert "No points yet" in board["embeds"][0]["description"]
    assert (await scheduler.sweep()).posted == 0 and chat.fake.of(
        "POST", f"/channels/{CHANNEL}/messages"
    ) == []
    await chat.send(chat.payloads.command("daily", BOSS, admin=True, sub="setup"), replies=2)
    assert (await scheduler.sweep()).posted == 1


async def test_accept_offers_a_choice_of_scores_and_the_member_is_told_in_a_dm(
    chat: Discord, service: PracticeService
) -> None:
    ada = Actor(PLACE, ADA, "user01")
    card = await service.start_quiz(ada, "rag")
    grade = await service.answer_quiz(ada, card.attempt_id, "It is like a librarian handing over books")
    await service.appeal(ada, grade.answer_id, "an analogy")
    shown = (await chat.send(chat.payloads.command("appeals", BOSS, admin=True), replies=2))[1].body
    menu = shown["components"][0]["components"][0]
    offered = [int(o["value"]) for o in menu["options"]]
    assert offered[0] == 100 and min(offered) > grade.score and 75 in offered
    on = message(CHANNEL, 8, embeds=shown["embeds"], components=shown["components"])
    decided = await chat.send(
        chat.payloads.select(menu["custom_id"], ["75"], BOSS, on, admin=True), replies=2
    )
    assert "now scores 75" in decided[1].body["content"]
    dm = await chat.fake.wait_for(lambda: chat.fake.of("POST", "/users/@me/channels"))
    assert str(dm[0].body["recipient_id"]) == ADA
    told = await chat.fake.wait_for(lambda: chat.fake.of("POST", "/channels/500000000000000001/messages"))
    assert "was accepted by" in told[0].body["content"] and "75/100" in told[0].body["content"]
    assert (await service.leaderboard(ada, "all")).me.points == 75


async def test_members_set_their_own_timezone_and_their_days_follow_it(
    chat: Discord, service: PracticeService, clock
) -> None:
    """Discord tells the bot no timezone: /timezone does. 23:30 and 00:30 in Auckland are two days there."""
    shown = (await chat.send(chat.payloads.command("timezone", ADA), replies=2))[1].body["content"]
    assert "**UTC** (the server's)" in shown
    bad = (await chat.send(chat.payloads.command("timezone", ADA, zone="Mars/Base"), replies=2))[1].body
    assert "Unknown timezone" in bad["content"]
    chosen = (await chat.send(chat.payloads.command("timezone", ADA, zone="Pacific/Auckland"), replies=2))[1]
    assert "**Pacific/Auckland** (your choice)" in chosen.body["content"]
    ada = Actor(PLACE, ADA, "user01")
    clock.now = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)  # 23:30 on Monday in Auckland (UTC+13)
    for _ in range(2):
        card = await service.start_quiz(ada, "rag")
        await service.answer_quiz(ada, card.attempt_id, GOOD)
        clock.advance(hours=1)  # 00:30 on Tuesday there, still Monday in UTC
    streak = (await chat.send(chat.payloads.command("streak", ADA), replies=2))[1].body
    assert "practice streak 2 days" in streak["content"]
