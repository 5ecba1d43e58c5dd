"""The console loop: slash commands and plain-text answers, driving the same core as the chat adapters."""

from __future__ import annotations

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
  /help                  this list
  /quit                  leave"""

PLACE = Place(platform="console", workspace="local", channel="console", workspace_name="Console")


@dataclass
class ConsoleSession:
    service: PracticeService
    actor: Actor
    out: TextIO
    picture_dir: Path
    open_question: QuestionCard | None = None

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
    session.say(render.grade(grade))


async def _leaderboard(session: ConsoleSession, rest: str) -> None:
    args = shlex.split(rest) if rest else []
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
            try:
                line = input("> ")
            except EOFError:
                break
        else:
            line = stdin.readline()
            if not line:
                break
        if not await session.handle(line):
            break
