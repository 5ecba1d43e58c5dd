"""The console loop: slash commands and plain-text answers, driving the same core as the chat adapters."""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from adapters.console import render
from bot.errors import UserError
from bot.events import Actor, Place
from bot.service import PracticeService
from bot.views import QuestionCard

HELP = """Commands:
  /daily                 today's question of this channel
  /quiz [topic]          a personal question (see /topics)
  /answer TEXT           answer the open question (plain text works too)
  /leaderboard [week|month|all]
  /streak                your streaks
  /stats                 your figures and a picture of them
  /topics                the topics you can pick
  /appeal [REASON]       contest the grade of your last answer
  /timezone [ZONE|auto]  your timezone (your days and streaks), e.g. /timezone Pacific/Auckland
Admin:
  /status                this channel's daily schedule
  /setup KEY=VALUE ...   post_time=09:00 timezone=Europe/Berlin weekdays=mon-fri
                         topics=rag,llms difficulty=easy|medium|hard|any close_time=17:00|auto
                         reveal_policy=after_close|immediate
  /pause  /resume  /skip the daily question (/resume also undoes a /skip)
  /timezone workspace ZONE   the workspace's timezone (week and month boards)
  /appeals               pending appeals
  /accept ID [SCORE]     accept an appeal (the answer is rescored and kept as an alias)
  /reject ID [NOTE]      reject an appeal
  /help                  this list
  /quit                  leave"""

SETUP_KEYS = ("post_time", "timezone", "weekdays", "topics", "difficulty", "close_time", "reveal_policy")

PLACE = Place(platform="console", workspace="local", channel="console", workspace_name="Console")


@dataclass
class ConsoleSession:
    service: PracticeService
    actor: Actor
    out: TextIO
    picture_dir: Path
    open_question: QuestionCard | None = None
    last_answer_id: int | None = None

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def handle(self, line: str) -> bool:
        """Run one input line; False means the member asked to leave."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith("/"):
            line = "/answer " + line
        command, _, rest = line.partition(" ")
        handler = COMMANDS.get(command.lower())
        if handler is None:
            self.say(f"Unknown command {command}.\n{HELP}")
            return True
        try:
            return await handler(self, rest.strip()) is not False
        except UserError as error:
            self.say(str(error))
            return True


def _words(rest: str) -> list[str]:
    try:
        return shlex.split(rest)
    except ValueError:
        raise UserError("A quote is not closed; put quotes around whole values, or leave them out.") from None


async def _daily(session: ConsoleSession, _: str) -> None:
    session.open_question = await session.service.daily_post(session.actor.place)
    session.say(render.question(session.open_question))


async def _quiz(session: ConsoleSession, rest: str) -> None:
    topic = rest.lower() or None
    session.open_question = await session.service.start_quiz(session.actor, topic)
    session.say(render.question(session.open_question))


async def _answer(session: ConsoleSession, text: str) -> None:
    card = session.open_question
    if card is None:
        raise UserError("No open question. Start one with /quiz or /daily.")
    if card.attempt_id is not None:
        grade = await session.service.answer_quiz(session.actor, card.attempt_id, text)
    else:
        assert card.post_id is not None
        grade = await session.service.answer_post(session.actor, card.post_id, text)
    session.open_question = None
    session.last_answer_id = grade.answer_id
    session.say(render.grade(grade))


async def _leaderboard(session: ConsoleSession, rest: str) -> None:
    args = _words(rest)
    period = args[0].lower() if args else "week"
    scope = args[1].lower() if len(args) > 1 else "workspace"
    session.say(render.leaderboard(await session.service.leaderboard(session.actor, period, scope)))


async def _streak(session: ConsoleSession, _: str) -> None:
    session.say(render.streak(await session.service.streak(session.actor)))


async def _stats(session: ConsoleSession, _: str) -> None:
    view = await session.service.stats(session.actor)
    path = None
    if view.answers and view.picture_png:
        session.picture_dir.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", session.actor.user).strip("-") or "member"
        target = session.picture_dir / f"stats-{slug}.png"
        target.write_bytes(view.picture_png)
        path = str(target)
    session.say(render.stats(view, path))


async def _topics(session: ConsoleSession, _: str) -> None:
    session.say(render.topics(session.service.topics()))


async def _appeal(session: ConsoleSession, reason: str) -> None:
    if session.last_answer_id is None:
        raise UserError("Answer a question first; /appeal contests the grade of your last answer.")
    view = await session.service.appeal(session.actor, session.last_answer_id, reason)
    session.say(f"Appeal #{view.appeal_id} sent: an admin will look at your answer (score {view.score}).")


async def _appeals(session: ConsoleSession, _: str) -> None:
    session.say(render.appeals(await session.service.pending_appeals(session.actor)))


async def _decide(session: ConsoleSession, rest: str, accept: bool) -> None:
    args = rest.split(maxsplit=1)
    if not args or not args[0].lstrip("#").isdigit():
        raise UserError("Say which appeal: /accept 3 [SCORE] or /reject 3 [NOTE].")
    appeal_id, extra = int(args[0].lstrip("#")), args[1] if len(args) > 1 else ""
    score = None
    if accept and extra:
        if not extra.isdigit():
            raise UserError("A score is a whole number from 0 to 100.")
        score = int(extra)
    view = await session.service.decide_appeal(
        session.actor, appeal_id, accept, score=score, note="" if accept else extra
    )
    session.say(render.decision(view))
    session.say(render.appeal_outcome(view))  # the console is shared by whoever sits at it


async def _timezone(session: ConsoleSession, rest: str) -> None:
    args = _words(rest)
    if args[:1] == ["workspace"]:
        view = await session.service.timezone(session.actor, " ".join(args[1:]), workspace=True)
    else:
        view = await session.service.timezone(session.actor, args[0] if args else None)
    session.say(render.timezone(view))


async def _status(session: ConsoleSession, _: str) -> None:
    session.say(render.status(await session.service.channel_status(session.actor)))


async def _setup(session: ConsoleSession, rest: str) -> None:
    changes: dict[str, object] = {}
    for pair in _words(rest):
        key, sep, value = pair.partition("=")
        if not sep or key not in SETUP_KEYS:
            raise UserError(f"Settings look like KEY=VALUE with KEY one of: {', '.join(SETUP_KEYS)}.")
        changes[key] = [t.strip() for t in value.split(",") if t.strip()] if key == "topics" else value
    if not changes:
        raise UserError("Nothing to change. Example: /setup post_time=09:00 timezone=Europe/Berlin")
    session.say(render.status(await session.service.configure_channel(session.actor, **changes)))


async def _pause(session: ConsoleSession, _: str) -> None:
    session.say(render.status(await session.service.pause_channel(session.actor)))


async def _resume(session: ConsoleSession, _: str) -> None:
    session.say(render.status(await session.service.resume_channel(session.actor)))


async def _skip(session: ConsoleSession, _: str) -> None:
    session.say(render.status(await session.service.skip_next(session.actor)))


async def _help(session: ConsoleSession, _: str) -> None:
    session.say(HELP)


async def _quit(session: ConsoleSession, _: str) -> bool:
    return False


COMMANDS = {
    "/daily": _daily,
    "/quiz": _quiz,
    "/answer": _answer,
    "/leaderboard": _leaderboard,
    "/streak": _streak,
    "/stats": _stats,
    "/topics": _topics,
    "/appeal": _appeal,
    "/appeals": _appeals,
    "/accept": lambda session, rest: _decide(session, rest, True),
    "/reject": lambda session, rest: _decide(session, rest, False),
    "/timezone": _timezone,
    "/status": _status,
    "/setup": _setup,
    "/pause": _pause,
    "/resume": _resume,
    "/skip": _skip,
    "/help": _help,
    "/quit": _quit,
    "/exit": _quit,
}


async def run_console(session: ConsoleSession, stdin: TextIO = sys.stdin) -> None:
    """Interactive with a prompt on a terminal; silent and line-by-line when input is piped."""
    interactive = stdin.isatty()
    if interactive:
        session.say(f"Hi {session.actor.display_name}! Type /help for commands, /quit to leave.")
    while True:
        if interactive:
            try:  # in a thread, so the scheduler can post the daily question while we wait
                line = await asyncio.to_thread(input, "> ")
            except EOFError:
                break
        else:
            line = stdin.readline()
            if not line:
                break
        if not await session.handle(line):
            break
