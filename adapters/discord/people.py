"""Who is acting and where, from a Discord interaction; data is scoped by server (guild)."""

from __future__ import annotations

import discord

from bot.errors import UserError
from bot.surface.context import Actor, Place


def place(interaction: discord.Interaction) -> Place:
    if interaction.guild_id is None:
        raise UserError("Use this in a server channel; the bot keeps its scores per server.")
    guild_name = interaction.guild.name if interaction.guild else ""
    channel = interaction.channel
    channel_name = getattr(channel, "name", "") or ""
    return Place("discord", str(interaction.guild_id), str(interaction.channel_id), guild_name, channel_name)


def actor(interaction: discord.Interaction, user: discord.abc.User | None = None) -> Actor:
    """`is_admin` is Manage Server as Discord resolved it for this interaction; the core checks again."""
    who = user or interaction.user
    is_admin = user is None and interaction.permissions.manage_guild
    return Actor(place(interaction), str(who.id), who.display_name, None, is_admin)
