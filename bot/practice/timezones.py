"""Whose clock counts: a member's own, or as an admin the workspace's, which moves its boards and posts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.practice import boards, directory
from bot.practice.channels import ScheduleChanges, require_admin
from bot.practice.deps import Deps
from bot.rules.calendar import zone
from bot.store.tables import Channel
from bot.surface.cards import TimezoneView
from bot.surface.context import Actor


async def choose(
    deps: Deps, schedules: ScheduleChanges, actor: Actor, name: str | None, *, workspace: bool
) -> TimezoneView:
    """Show the clocks in use, or set one: the member's own (`auto` goes back to the platform's), or as
    an admin the workspace's, which moves its week and month boards and its channels' default."""
    name = (name or "").strip() or None
    chosen = None if name is None or name.lower() == "auto" else zone(name).key
    if workspace and chosen is None:
        raise UserError("Name the workspace's timezone, e.g. Pacific/Auckland.")

    async def work(session: AsyncSession) -> tuple[list[int], TimezoneView]:
        ws, member = await deps.context(session, actor)
        moved: list[int] = []
        if workspace:
            require_admin(actor, ws)
            assert chosen is not None, "a workspace's timezone was required above"
            if ws.timezone != chosen:
                ws.timezone = chosen
                await boards.rebuild(session, ws.id, chosen)
                moved = list(
                    await session.scalars(
                        select(Channel.id).where(Channel.workspace_id == ws.id, Channel.timezone.is_(None))
                    )
                )
        elif name is not None:
            member.chosen_timezone = chosen
        source = "chosen" if member.chosen_timezone else "platform" if member.timezone else "workspace"
        return moved, TimezoneView(directory.member_tz(member, ws), source, ws.timezone)

    moved, view = await deps.transaction(work)
    for channel_id in moved:  # their posts follow the workspace's clock
        await schedules.changed(channel_id)
    return view
