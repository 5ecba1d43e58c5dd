"""Slack's published limits, checked on what the bot really sent: slack-sdk's own block models for each
block and element, plus the limits that span a whole message or view, which those models leave out."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import Block, BlockElement
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MARKDOWN_TOTAL = 12_000  # all markdown blocks of one payload together
MESSAGE_TEXT = 40_000
INPUT_MAX = 3_000
METADATA = 3_000


def _blocks(blocks: list[dict]) -> None:
    for block in blocks:
        Block.parse(block).validate_json()
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            BlockElement.parse(element).validate_json()
        if block["type"] == "input":
            element = block["element"]
            BlockElement.parse(element).validate_json()
            assert element.get("max_length", 0) <= INPUT_MAX
            assert len(element.get("initial_value", "")) <= INPUT_MAX
    markdown = sum(len(b["text"]) for b in blocks if b["type"] == "markdown")
    assert markdown <= MARKDOWN_TOTAL, f"markdown blocks hold {markdown} characters"


def check_message(params: dict) -> list[dict]:
    """A chat.postMessage / postEphemeral / update call's parameters, or a response_url body."""
    blocks = params.get("blocks") or []
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    assert len(blocks) <= MESSAGE_BLOCKS, f"{len(blocks)} blocks"
    assert len(params.get("text") or "") <= MESSAGE_TEXT
    _blocks(blocks)
    return blocks


def check_view(view: dict) -> dict:
    View(**view).validate_json()
    assert len(view["blocks"]) <= VIEW_BLOCKS
    assert len(view.get("private_metadata", "")) <= METADATA
    assert all(b["type"] != "markdown" for b in view["blocks"]), "markdown blocks are for messages"
    _blocks(view["blocks"])
    return view


def shown_text(blocks: list[dict]) -> str:
    """Every text a member reads in these blocks, in order."""
    texts = []
    for block in blocks:
        if block["type"] == "markdown":
            texts.append(block["text"])
        elif "text" in block and isinstance(block["text"], dict):
            texts.append(block["text"]["text"])
        for element in block.get("elements", []):
            if isinstance(element.get("text"), dict):
                texts.append(element["text"]["text"])
            elif "text" in element:
                texts.append(element["text"])
    return "\n".join(texts)
