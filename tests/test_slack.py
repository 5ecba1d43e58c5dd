"""Slack end to end: the real Bolt app over real HTTP on loopback, signed like Slack signs, against a
stand-in Web API. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select, update

from adapters.slack.server import SlackServer
from app.settings import Settings
from bot.bank import Bank
from bot.practice.service import PracticeService
from bot.scheduling import DailyScheduler
from bot.store.db import Database
from bot.store.tables import Answer, Channel
from bot.surface.context import Actor, Place
from tests.conftest import Clock, count_answers, set_up_channel
from tests.slack_fake import FakeSlack, answer_values, command_body, payload_body, signed_headers
from tests.slack_harness import (
    CHANNEL,
    GOOD,
    PLACE,
    SECRET,
    TEAM,
    Slack,
    blocks_of,
    settings_for,
)


async def test_a_burst_of_requests_checks_the_token_once(slack: Slack) -> None:
    # Bolt's own single-token check calls auth.test from every request until one returns: at 09:00
    # that is hundreds of calls to Slack before the first acknowledgement.
    replies = await asyncio.gather(*(slack.command("help", user=f"U{n}") for n in range(30)))
    assert all("quiz [topic]" in reply["text"] for reply in replies)
    assert len(slack.fake.of("auth.test")) == 1


async def test_a_failed_token_check_is_tried_again(slack: Slack) -> None:
    slack.fake.auth_failures = 1
    response = await slack.post(command_body("help", "U1", CHANNEL, TEAM, f"{slack.fake.base}/respond/x"))
    assert response.status == 200  # Slack shows the member Bolt's "reinstall this app" text
    assert "quiz [topic]" in (await slack.command("help"))["text"]
    assert len(slack.fake.of("auth.test")) == 2


async def test_help_topics_and_unknown_subcommands(slack: Slack) -> None:
    assert "quiz [topic]" in (await slack.command(""))["text"]
    unknown = await slack.command("dance")
    assert "I don't know `dance`" in unknown["text"] and "leaderboard" in unknown["text"]
    assert "transformers" in (await slack.command("topics"))["text"]
    assert (await slack.command("quiz astrology"))["text"].startswith("Unknown topic")
    assert "Period must be one of" in (await slack.command("leaderboard forever"))["text"]


async def test_quiz_button_modal_grade_streak_board_and_stats(slack: Slack, service: PracticeService) -> None:
    reply = await slack.command("quiz transformers")
    assert reply.get("response_type", "ephemeral") == "ephemeral"
    button = next(e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert button["action_id"] == "quiz_answer"
    await slack.click("quiz_answer", button["value"])
    view = await slack.opened_view(1)
    assert view["callback_id"] == "quiz_submit" and view["blocks"][-1]["element"]["max_length"] == 3000
    await slack.submit(view, answer_values(GOOD))
    ephemeral = await slack.fake.wait_for(lambda: slack.fake.of("chat.postEphemeral"))
    grade = blocks_of(ephemeral[0])
    assert "Score " in grade and "Reference answer" in grade and "appeal_open" in grade
    assert ephemeral[0].params["user"] == "U1" and await count_answers(service) == 1
    assert "Practice streak: 1 day" in (await slack.command("streak"))["text"]
    assert "1. u1" in (await slack.command("leaderboard all"))["text"]
    stats = await slack.command("stats")
    assert "1 answer, average" in stats["text"]
    await slack.fake.wait_for(lambda: slack.fake.of("files.completeUploadExternal"))
    assert slack.fake.uploads[0].startswith(b"\x89PNG")
    assert slack.fake.of("files.completeUploadExternal")[0].params["channel_id"] == "DU1"


async def test_daily_card_answer_retry_double_click_and_closing_thread(
    slack: Slack, service: PracticeService
) -> None:
    await set_up_channel(service, PLACE)
    card = await service.daily_post(PLACE)
    ref = await slack.runtime.publisher.post_question(PLACE, card)
    posted = slack.fake.of("chat.postMessage")[0]
    assert posted.params["channel"] == CHANNEL and '"daily_answer"' in blocks_of(posted)
    ts = ref.split(":")[1]
    await slack.click("daily_answer", str(card.post_id), message_ts=ts)
    view = await slack.opened_view(1)
    assert view["callback_id"] == "daily_submit" and card.prompt[:40] in json.dumps(view)
    await slack.submit(view, answer_values(GOOD))
    await slack.fake.wait_for(lambda: slack.fake.of("chat.update"))
    grade = blocks_of(slack.fake.of("chat.postEphemeral")[0])
    assert "Score " in grade and "Reference answer" not in grade  # revealed when the post closes
    update = slack.fake.of("chat.update")[0]
    assert update.params["ts"] == ts and "1 answer so far" in blocks_of(update)
    # Slack re-delivers the same submission: stored once, no second message.
    retried = await slack.submit(
        view, answer_values(GOOD), **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert retried.status == 200
    # A double click submits again: one counted answer and a clear message.
    await slack.submit(view, answer_values(GOOD + " again"))
    second = await slack.fake.wait_for(lambda: slack.fake.of("chat.postEphemeral")[1:])
    assert "already answered" in second[-1].params["text"]
    assert len(slack.fake.of("chat.postEphemeral")) == 2 and await count_answers(service) == 1
    summary = await service.close_post(card.post_id)
    await slack.runtime.publisher.post_summary(PLACE, ref, summary)
    thread = slack.fake.of("chat.postMessage")[-1]
    assert thread.params["thread_ts"] == ts
    assert "Reference answer" in blocks_of(thread) and "1. u1" in blocks_of(thread)


async def test_empty_and_overlong_answers_are_refused_in_the_modal(
    slack: Slack, service: PracticeService
) -> None:
    await set_up_channel(service, PLACE)
    card = await service.daily_post(PLACE)
    view = {
        "type": "modal",
        "callback_id": "daily_submit",
        "private_metadata": json.dumps({"post_id": card.post_id, "channel": CHANNEL}),
    }
    for text in ("", "word", "x " * 2500):
        body = payload_body(
            {
                "type": "view_submission",
                "team": {"id": TEAM},
                "user": {"id": "U1", "team_id": TEAM},
                "view": {**view, "state": {"values": answer_values(text)}},
            }
        )
        async with slack.http.post(
            slack.url + "/slack/events", data=body, headers=signed_headers(SECRET, body)
        ) as r:
            answer = await r.json()
        assert answer["response_action"] == "errors" and answer["errors"]["answer"]
    assert await count_answers(service) == 0


async def test_forged_and_stale_requests_get_401_and_change_nothing(
    slack: Slack, service: PracticeService
) -> None:
    body = command_body("quiz", "U1", CHANNEL, TEAM, f"{slack.fake.base}/respond/x")
    forged = signed_headers("not-the-secret", body)
    stale = signed_headers(SECRET, body, timestamp=int(time.time()) - 6 * 60)
    for headers in (forged, stale):
        async with slack.http.post(slack.url + "/slack/events", data=body, headers=headers) as response:
            assert response.status == 401
    assert slack.fake.responses == [] and await count_answers(service) == 0
    async with slack.http.get(slack.url + "/healthz") as response:
        assert response.status == 200


async def test_admin_only_actions_are_refused_for_members(slack: Slack, service: PracticeService) -> None:
    refused = await slack.command("setup", user="U1")
    assert "Only workspace admins" in refused["text"] and not slack.fake.of("views.open")
    assert "Only workspace admins" in (await slack.command("pause", user="U1"))["text"]
    url = f"{slack.fake.base}/respond/setup"
    await slack.post(command_body("setup", "UADMIN", CHANNEL, TEAM, url))  # opens a modal, no reply
    view = await slack.opened_view(1)
    assert view["callback_id"] == "setup_submit"
    values = {
        block["block_id"]: {
            "value": {"type": "plain_text_input", "value": block["element"].get("initial_value", "")}
        }
        for block in view["blocks"]
        if block["element"]["type"] == "plain_text_input"
    }
    values["post_time"]["value"]["value"] = "08:30"
    values["timezone"]["value"]["value"] = "Europe/Berlin"
    values["reveal_policy"] = {"value": {"type": "static_select", "selected_option": {"value": "immediate"}}}
    await slack.submit(view, values, user="UADMIN")
    saved = await slack.fake.wait_for(lambda: slack.fake.of("chat.postEphemeral"))
    assert "Saved." in saved[0].params["text"] and "08:30" in saved[0].params["text"]
    channel = await service.transaction(
        lambda s: s.scalar(select(Channel).where(Channel.external_id == CHANNEL))
    )
    assert (channel.post_time, channel.timezone, channel.reveal_policy) == (
        "08:30",
        "Europe/Berlin",
        "immediate",
    )
    assert "paused" in (await slack.command("pause", user="UADMIN"))["text"]
    assert ": on" in (await slack.command("resume", user="UADMIN"))["text"]
    assert "Next post" in (await slack.command("status", user="UADMIN"))["text"]
    skipped = (await slack.command("skip", user="UADMIN"))["text"]
    assert "Next post" in skipped and channel.post_time in skipped


async def test_user_text_is_escaped_where_it_is_echoed(slack: Slack, service: PracticeService) -> None:
    await slack.command("quiz rag", user="U1", name="<!channel>")
    await slack.fake.wait_for(lambda: slack.fake.responses)
    button = next(
        e for b in slack.fake.responses[0]["blocks"] if b["type"] == "actions" for e in b["elements"]
    )
    await slack.click("quiz_answer", button["value"])
    await slack.submit(
        await slack.opened_view(1), answer_values("<!here> <@U999> & <#C1> retrieval adds documents")
    )
    grade = (await slack.fake.wait_for(lambda: slack.fake.of("chat.postEphemeral")))[0]
    answer_id = re.search(r'"appeal_open", "value": "(\d+)"', blocks_of(grade)).group(1)
    await slack.click("appeal_open", answer_id)
    appeal_view = await slack.opened_view(2)
    await slack.submit(
        appeal_view, {"reason": {"text": {"type": "plain_text_input", "value": "<!everyone> right"}}}
    )
    await slack.fake.wait_for(lambda: len(slack.fake.of("chat.postEphemeral")) >= 2)
    listing = json.dumps(await slack.command("appeals", user="UADMIN"))
    assert "&lt;!here&gt; &lt;@U999&gt; &amp;" in listing and "&lt;!everyone&gt;" in listing
    assert "<!here>" not in listing and "<!everyone>" not in listing and "<@U999>" not in listing
    board = (await slack.command("leaderboard all", name="<!channel>"))["text"]
    assert "&lt;!channel&gt;" in board and "<!channel>" not in board
    accept, reject = next(b for b in json.loads(listing)["blocks"] if b["type"] == "actions")["elements"]
    await slack.click("appeal_reject", reject["value"], user="U1")  # not an admin
    await slack.fake.wait_for(lambda: len(slack.fake.responses) >= 4)
    assert "Only workspace admins" in slack.fake.responses[-1]["text"]
    await slack.choose(accept["action_id"], accept["options"][0]["value"], user="UADMIN")
    await slack.fake.wait_for(lambda: len(slack.fake.responses) >= 5)
    assert "accepted" in slack.fake.responses[-1]["text"]


async def test_unreachable_channel_raises_for_the_scheduler_and_admins_hear_of_it(
    slack: Slack, service
) -> None:
    from bot.surface.publishing import ChannelUnavailable

    slack.fake.refuse.add(CHANNEL)
    await set_up_channel(service, PLACE)
    card = await service.daily_post(PLACE)
    with pytest.raises(ChannelUnavailable, match="not_in_channel"):
        await slack.runtime.publisher.post_question(PLACE, card)
    slack.fake.refuse.clear()
    await slack.runtime.publisher.notify_admins(PLACE, "I could not post in <#C1>")
    dm = slack.fake.of("chat.postMessage")[-1]
    assert dm.params["channel"] == "DUADMIN" and "&lt;#C1&gt;" in dm.params["text"]


async def test_oauth_installs_two_workspaces_whose_data_stays_apart(
    service: PracticeService, slack_api: FakeSlack
) -> None:
    runtime = SlackServer(
        service, settings_for(slack_api, slack_client_id="111.222", slack_client_secret="shh")
    )
    await runtime.start()
    try:
        async with aiohttp.ClientSession() as http:
            slack = Slack(runtime, slack_api, http)
            for team in ("T1", "T2"):
                async with http.get(slack.url + "/slack/install") as page:
                    state = re.search(r"state=([\w-]+)", await page.text()).group(1)
                    cookie = page.headers["Set-Cookie"].split(";")[0]  # Secure: the jar keeps it off http
                redirect = f"{slack.url}/slack/oauth_redirect?code=code-{team}&state={state}"
                async with http.get(redirect, headers={"Cookie": cookie}) as done:
                    assert done.status == 200, await done.text()
            assert [c.params["code"] for c in slack_api.of("oauth.v2.access")] == ["code-T1", "code-T2"]
            reply = await slack.command("quiz rag", user="UA", team="T1")
            button = next(e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"])
            await slack.click("quiz_answer", button["value"], user="UA")
            await slack.submit(await slack.opened_view(1), answer_values(GOOD), user="UA")
            await slack_api.wait_for(lambda: slack_api.of("chat.postEphemeral"))
            assert slack_api.of("chat.postEphemeral")[0].token == "xoxb-T1"
            assert "ua" in (await slack.command("leaderboard all", user="UB", team="T1"))["text"]
            other = (await slack.command("leaderboard all", user="UB", team="T2"))["text"]
            assert "No points yet" in other and "ua" not in other
            await set_up_channel(service, Place("slack", "T2", "C2"))
            await runtime.publisher.post_question(
                Place("slack", "T2", "C2"), await service.daily_post(Place("slack", "T2", "C2"))
            )
            assert slack_api.of("chat.postMessage")[-1].token == "xoxb-T2"
            # Each workspace's token was checked once at install and once for all its requests, not once
            # per request (a 09:00 burst would wait on Slack before every acknowledgement).
            checked = sorted(c.token for c in slack_api.of("auth.test"))
            assert checked == ["xoxb-T1", "xoxb-T1", "xoxb-T2", "xoxb-T2"]
    finally:
        await runtime.close()


def test_manifest_asks_for_exactly_what_the_app_uses() -> None:
    import yaml

    from adapters.slack.server import BOT_SCOPES

    manifest = yaml.safe_load((Path(__file__).parents[1] / "adapters/slack/manifest.yml").read_text())
    assert manifest["oauth_config"]["scopes"]["bot"] == BOT_SCOPES
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [Settings().slack_command]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


async def test_a_burst_of_answers_makes_few_card_edits(
    migrated_url: str, bank: Bank, clock: Clock, slack_api: FakeSlack
) -> None:
    """Rate limits: the public card's "N answered" is refreshed once per interval, not once per answer."""
    service = PracticeService(Database(migrated_url), bank, clock=clock, card_refresh_seconds=2)
    await service.start()
    runtime = SlackServer(service, settings_for(slack_api, slack_bot_token="xoxb-T1"))
    await runtime.start()
    try:
        async with aiohttp.ClientSession() as http:
            slack = Slack(runtime, slack_api, http)
            await set_up_channel(service, PLACE)
            card = await service.daily_post(PLACE)
            ts = (await runtime.publisher.post_question(PLACE, card)).split(":")[1]
            meta = json.dumps({"post_id": card.post_id, "channel": CHANNEL, "ts": ts})
            view = {"type": "modal", "callback_id": "daily_submit", "private_metadata": meta}
            users = [f"U{i}" for i in range(6)]
            await asyncio.gather(*(slack.submit(view, answer_values(GOOD), user=u) for u in users))
            await slack_api.wait_for(lambda: len(slack_api.of("chat.postEphemeral")) == 6)
            updates = await slack_api.wait_for(lambda: slack_api.of("chat.update"))
            assert len(updates) < 6 and "6 answers so far" in blocks_of(updates[-1])
    finally:
        await runtime.close()
        await service.db.dispose()


async def test_members_reading_in_a_channel_nobody_set_up_switch_no_posting_on(
    slack: Slack, service: PracticeService
) -> None:
    scheduler = DailyScheduler(service, {"slack": slack.runtime.publisher})
    assert "Practice streak" in (await slack.command("streak"))["text"]
    assert "No points yet" in (await slack.command("leaderboard week channel"))["text"]
    assert (await scheduler.sweep()).posted == 0  # 10:00, an hour after the default 09:00 post time
    assert slack.fake.of("chat.postMessage") == []
    assert "not set up yet" in (await slack.command("status", user="UADMIN"))["text"]
    await set_up_channel(service, PLACE)  # an admin's setup is what switches posting on
    assert (await scheduler.sweep()).posted == 1
    assert [c.params["channel"] for c in slack.fake.of("chat.postMessage")] == [CHANNEL]


async def test_accept_offers_a_choice_of_scores_and_the_member_hears_the_outcome(
    slack: Slack, service: PracticeService
) -> None:
    card = await service.start_quiz(Actor(PLACE, "U1", "u1"), "rag")
    grade = await service.answer_quiz(Actor(PLACE, "U1", "u1"), card.attempt_id, "It is like a librarian")
    await service.appeal(Actor(PLACE, "U1", "u1"), grade.answer_id, "an analogy")
    listing = await slack.command("appeals", user="UADMIN")
    accept = next(b for b in listing["blocks"] if b["type"] == "actions")["elements"][0]
    assert accept["type"] == "static_select"
    offered = [int(o["value"].split(":")[1]) for o in accept["options"]]
    assert offered[0] == 100 and min(offered) > grade.score and 75 in offered
    await slack.choose(
        "appeal_accept", next(o["value"] for o in accept["options"] if o["value"].endswith(":75")), "UADMIN"
    )
    told = await slack.fake.wait_for(
        lambda: [c for c in slack.fake.of("chat.postMessage") if c.params["channel"] == "DU1"]
    )
    assert (
        "was accepted by uadmin" in told[0].params["text"] and "now scores 75/100" in told[0].params["text"]
    )
    assert "accepted" in slack.fake.responses[-1]["text"] and "75" in slack.fake.responses[-1]["text"]
    assert (await service.leaderboard(Actor(PLACE, "U1"), "all")).me.points == 75


async def test_many_appeals_and_disputed_grades_fit_one_listing(
    slack: Slack, service: PracticeService
) -> None:
    for n in range(20):
        member = Actor(PLACE, f"U{n}", f"<@U{n}> member {n}")
        card = await service.start_quiz(member, "rag")
        grade = await service.answer_quiz(member, card.attempt_id, f"<!channel> it is like a librarian {n}")
        await service.appeal(member, grade.answer_id, "an analogy")
        if n < 12:  # an LLM judge wanted more than the rubric's evidence allowed
            await service.transaction(
                lambda s, a=grade.answer_id: s.execute(
                    update(Answer)
                    .where(Answer.id == a)
                    .values(disputed=True, rubric_score=20, judge_score=88)
                )
            )
    listing = await slack.command("appeals", user="UADMIN")
    assert len(listing["blocks"]) <= 50  # Slack refuses a message of more
    shown = json.dumps(listing["blocks"])
    assert "5 more pending" in shown and shown.count("appeal_accept") == 15
    assert shown.count("(rubric 20, judge 88)") == 10 and "it is like a librarian" in shown
    assert "<!channel>" not in shown and "<@U" not in shown and "&lt;!channel&gt;" in shown


async def test_members_days_follow_their_slack_timezone(
    slack: Slack, service: PracticeService, clock
) -> None:
    """Slack's users.info says Europe/Berlin: 23:30 and 00:30 Berlin time are two days there (one in UTC)."""
    clock.now = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)
    for n in (1, 2):
        reply = await slack.command("quiz rag")
        button = next(e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"])
        await slack.click("quiz_answer", button["value"])
        await slack.submit(await slack.opened_view(n), answer_values(GOOD))
        await slack.fake.wait_for(lambda n=n: len(slack.fake.of("chat.postEphemeral")) == n)
        clock.advance(hours=1)
    assert "Practice streak: 2 days" in (await slack.command("streak"))["text"]
    shown = (await slack.command("timezone"))["text"]
    assert "Europe/Berlin (your Slack profile's)" in shown and "workspace's: UTC" in shown
    refused = (await slack.command("timezone workspace Pacific/Auckland"))["text"]
    assert "Only workspace admins" in refused
    set_by_admin = (await slack.command("timezone workspace Pacific/Auckland", user="UADMIN"))["text"]
    assert "workspace's: Pacific/Auckland" in set_by_admin
    assert "Unknown timezone" in (await slack.command("timezone Mars/Base"))["text"]
