"""`interview-bot discord invite-url`: the invite link with the least the bot needs."""

from __future__ import annotations

import argparse
import base64
import binascii

import discord

from app.settings import get_settings

SCOPES = ("bot", "applications.commands")
PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
)


def register(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser("discord", help="Discord helpers").add_subparsers(
        dest="discord_command", required=True
    )
    invite = group.add_parser("invite-url", help="print the link that adds the bot to a server")
    invite.add_argument("--application-id", help="default: read from DISCORD_TOKEN")
    invite.set_defaults(handler=_invite)


def application_id_from_token(token: str) -> int:
    """A bot token's first part is the base64 of the bot's user id, which is its application id."""
    first = token.split(".", 1)[0]
    try:
        return int(base64.b64decode(first + "=" * (-len(first) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("DISCORD_TOKEN does not look like a bot token; pass --application-id") from None


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)


def _invite(args: argparse.Namespace) -> int:
    if args.application_id:
        app_id = int(args.application_id)
    else:
        token = get_settings().discord_token
        if token is None:
            print("Set DISCORD_TOKEN or pass --application-id (Developer Portal → General Information).")
            return 1
        try:
            app_id = application_id_from_token(token.get_secret_value())
        except ValueError as error:
            print(error)
            return 1
    print(invite_url(app_id))
    return 0
