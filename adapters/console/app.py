"""The console loop: slash commands and plain-text answers, driving the same core as the chat adapters."""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rich.console import Console

from adapters.console import render
from bot.errors import UserError
from bot.practice.channels import SETUP_KEYS
from bot.practice.service import PracticeService
from bot.rules.inbound import clean, has_undecodable
from bot.rules.topics import quiz_request
from bot.surface.cards import QuestionCard
from bot.surface.context import Actor, Place

HELP = """Commands:
  /daily                 today's question of this channel
  /quiz [topic] [easy|medium|hard]  a personal question (see /topics)
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
                         topics=rag, llms difficulty=easy|medium|hard|any close_time=17:00|auto
                         reveal_policy=after_close|immediate
  /pause  /resume  /skip the daily question (/resume also undoes a /skip)
  /timezone workspace ZONE   the workspace's timezone (week and month boards)
  /appeals               pending appeals
  /accept ID [SCORE]     accept an appeal (the answer is rescored and kept as an alias)
  /reject ID [NOTE]      reject an appeal
  /help                  this list
  /quit                  leave"""

PLACE = Place(platform="console", workspace="local", channel="console", workspace_name="Console")


@dataclass
class ConsoleSession:
    service: PracticeService
    actor: Actor
    out: TextIO
    picture_dir: Path  # the bot's data folder: pictures go in it whatever the current directory
    open_question: QuestionCard | None = None
    last_answer_id: int | None = None
    screen: Console = field(init=False)

    def __post_init__(self) -> None:
        self.screen = Console(file=self.out, markup=False, emoji=False, highlight=False)

    def say(self, shown: render.Shown) -> None:
        """Styled in a terminal; plain text (no escape codes, no trailing padding) when output is piped.
        Plain lines are cleaned once more on the way out: rows stored before the core cleaned its input."""
        with self.screen.capture() as captured:
            for part in [shown] if isinstance(shown, str) else shown:
                if isinstance(part, str):
                    part = clean(part)
                self.screen.print(part, soft_wrap=isinstance(part, str))  # plain lines: never re-wrapped
        text = captured.get()
        if not self.screen.is_terminal:
            text = "\n".join(line.rstrip() for line in text.split("\n"))
        self.out.write(text)
        self.out.flush()

    async def handle(self, line: str) -> bool:
        """Run one input line; False means the member asked to leave."""
        if has_undecodable(line):
            self.say("That line is not valid UTF-8 text (check your terminal's encoding); nothing was done.")
            return True
        line = clean(line).strip()
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
    session.open_question = await session.service.start_quiz(session.actor, *quiz_request(_words(rest)))
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
        folder = session.picture_dir / "pictures"
        folder.mkdir(parents=True, exist_ok=True)
        user = session.actor.user
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", user).strip("-")[:40] or "member"
        target = folder / f"stats-{slug}-{hashlib.sha256(user.encode()).hexdigest()[:10]}.png"
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
    disputed = render.disputes(await session.service.disputed_grades(session.actor))
    if disputed:
        session.say(disputed)


def _number(text: str) -> int | None:
    """An ASCII whole number of a sane size ("#3" too); "²" or a thousand digits is no appeal number."""
    found = re.fullmatch(r"#?(\d{1,9})", text, re.ASCII)
    return int(found.group(1)) if found else None


async def _decide(session: ConsoleSession, rest: str, accept: bool) -> None:
    args = rest.split(maxsplit=1)
    appeal_id = _number(args[0]) if args else None
    if appeal_id is None:
        raise UserError("Say which appeal: /accept 3 [SCORE] or /reject 3 [NOTE].")
    extra = args[1] if len(args) > 1 else ""
    score = None
    if accept and extra:
        score = _number(extra.strip())
        if score is None:
            raise UserError("A score is a whole number from 0 to 100.")
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
    """KEY=VALUE pairs; a value may go on past a space (`topics=rag, llms`)."""
    changes: dict[str, str] = {}
    key = None
    for word in _words(rest):
        name, sep, value = word.partition("=")
        if sep and name in SETUP_KEYS:
            key, changes[name] = name, value
        elif key is not None and not sep:
            changes[key] = f"{changes[key]} {word}"
        else:
            raise UserError(f"Settings look like KEY=VALUE with KEY one of: {', '.join(SETUP_KEYS)}.")
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
    if isinstance(stdin, io.TextIOWrapper):  # bytes that are not UTF-8 reach `handle`, which says so
        stdin.reconfigure(errors="surrogateescape")
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
