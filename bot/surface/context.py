"""Inbound: who is acting and where, as adapters hand it to the core. Ids are opaque platform strings."""

from __future__ import annotations

from dataclasses import dataclass

from bot.rules.inbound import clean


@dataclass(frozen=True)
class Place:
    """A workspace (Slack team, Discord guild, the console) and optionally one of its channels."""

    platform: str
    workspace: str
    channel: str | None = None
    workspace_name: str = ""
    channel_name: str = ""

    def __post_init__(self) -> None:  # names are shown to others: cleaned where they come in
        object.__setattr__(self, "workspace_name", clean(self.workspace_name))
        object.__setattr__(self, "channel_name", clean(self.channel_name))


@dataclass(frozen=True)
class Actor:
    """A member acting somewhere; `timezone` is the member's own when the platform tells us.

    `is_admin` is what the platform says (Slack admin/owner, Discord Manage Server); the core also
    accepts members listed in the workspace's `admins` setting, and checks either way itself.
    """

    place: Place
    user: str
    display_name: str = ""
    timezone: str | None = None
    is_admin: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "display_name", clean(self.display_name))
