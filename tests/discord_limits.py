"""Discord's published limits, checked on the JSON the bot really sent (discord.py checks few of them):
embeds, fields, message content, components, and modals with their text displays and labels."""

from __future__ import annotations

EMBEDS, EMBED_TOTAL = 10, 6000
TITLE, DESCRIPTION, FIELDS, FIELD_NAME, FIELD_VALUE, FOOTER, AUTHOR = 256, 4096, 25, 256, 1024, 2048, 256
CONTENT = 2000
ROWS, BUTTONS_PER_ROW, BUTTON_LABEL, CUSTOM_ID = 5, 5, 80, 100
MODAL_TITLE, MODAL_COMPONENTS, TEXT_DISPLAY = 45, 5, 4000
LABEL, LABEL_DESCRIPTION, INPUT_MAX, PLACEHOLDER = 45, 100, 4000, 100


def _embed_chars(embed: dict) -> int:
    fields = sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return (
        len(embed.get("title", ""))
        + len(embed.get("description", ""))
        + fields
        + len(embed.get("footer", {}).get("text", ""))
        + len(embed.get("author", {}).get("name", ""))
    )


def check_message(body: dict) -> dict:
    """A message, follow-up or interaction response body (`data` of the latter)."""
    body = body.get("data", body)
    embeds = body.get("embeds", [])
    assert len(embeds) <= EMBEDS
    for embed in embeds:
        assert len(embed.get("title", "")) <= TITLE
        assert len(embed.get("description", "")) <= DESCRIPTION
        assert len(embed.get("fields", [])) <= FIELDS
        for field in embed.get("fields", []):
            assert 0 < len(field["name"]) <= FIELD_NAME and 0 < len(field["value"]) <= FIELD_VALUE
        assert len(embed.get("footer", {}).get("text", "")) <= FOOTER
    total = sum(_embed_chars(e) for e in embeds)
    assert total <= EMBED_TOTAL, f"embeds hold {total} characters"
    assert len(body.get("content") or "") <= CONTENT
    rows = body.get("components", [])
    assert len(rows) <= ROWS
    for row in rows:
        assert row["type"] == 1 and len(row["components"]) <= BUTTONS_PER_ROW
        for button in row["components"]:
            assert len(button.get("label", "")) <= BUTTON_LABEL
            assert ("url" in button) != ("custom_id" in button)
            assert len(button.get("custom_id", "")) <= CUSTOM_ID
    return body


def check_modal(data: dict) -> dict:
    assert 0 < len(data["title"]) <= MODAL_TITLE and len(data["custom_id"]) <= CUSTOM_ID
    assert 0 < len(data["components"]) <= MODAL_COMPONENTS
    for component in data["components"]:
        if component["type"] == 10:  # text display
            assert 0 < len(component["content"]) <= TEXT_DISPLAY
        elif component["type"] == 18:  # label around an input
            assert 0 < len(component["label"]) <= LABEL
            assert len(component.get("description", "")) <= LABEL_DESCRIPTION
            field = component["component"]
            assert field["type"] == 4 and len(field["custom_id"]) <= CUSTOM_ID
            assert field.get("max_length", 0) <= INPUT_MAX
            assert len(field.get("placeholder", "")) <= PLACEHOLDER
        else:
            raise AssertionError(f"unexpected modal component {component['type']}")
    return data


def shown_text(body: dict) -> str:
    """Every text a member reads in a message body or a modal, in order."""
    body = body.get("data", body)
    texts = [body.get("content") or ""]
    for embed in body.get("embeds", []):
        texts += [embed.get("title", ""), embed.get("description", "")]
        texts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
        texts.append(embed.get("footer", {}).get("text", ""))
    for component in body.get("components", []):
        texts.append(component.get("content", ""))
        texts += [c.get("label", "") for c in component.get("components", [])]
    return "\n".join(t for t in texts if t)
