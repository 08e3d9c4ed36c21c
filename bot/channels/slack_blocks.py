"""Signpost's Markdown answers as Slack Block Kit: the words the web shows, in Slack's dialect.

Slack's mrkdwn is not Markdown: bold is *one star*, a link is <url|text>, and &, < and > must be
escaped or Slack reads them as markup. Each paragraph becomes a section (Slack takes at most
3000 characters in one) and buttons an actions block (at most 25 buttons in one), so a long
answer such as the crisis routes arrives whole, in one message.
"""

import re
from collections.abc import Mapping, Sequence
from typing import Any

SECTION_LIMIT = 3000
BUTTONS_PER_BLOCK = 25
BUTTON_TITLE_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")
BOLD = re.compile(r"\*\*(.+?)\*\*")
BULLET = re.compile(r"^- ", re.MULTILINE)


def mrkdwn(markdown: str) -> str:
    """Slack mrkdwn for the Markdown subset Signpost writes: bold, links, lists."""
    text = markdown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = LINK.sub(lambda link: f"<{link[2]}|{link[1].replace('|', '/')}>", text)
    text = BOLD.sub(r"*\1*", text)
    return BULLET.sub("• ", text)


def sections(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """The paragraphs of `text`, each cut between lines (a huge line inside itself) to fit."""
    pieces = []
    for paragraph in filter(None, (part.strip() for part in text.split("\n\n"))):
        piece = ""
        for line in paragraph.split("\n"):
            for part in (line[start : start + limit] for start in range(0, len(line) or 1, limit)):
                if piece and len(piece) + 1 + len(part) > limit:
                    pieces.append(piece)
                    piece = part
                else:
                    piece = f"{piece}\n{part}" if piece else part
        pieces.append(piece)
    return pieces


def button(spec: Mapping[str, str], index: int) -> dict[str, Any]:
    """A Rasa button ({title, payload}) as a Block Kit button whose value is the payload."""
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": spec["title"][:BUTTON_TITLE_LIMIT], "emoji": True},
        "value": spec["payload"][:BUTTON_VALUE_LIMIT],
        "action_id": f"signpost-button-{index}",
    }


def message_blocks(
    markdown: str, buttons: Sequence[Mapping[str, str]] = ()
) -> list[dict[str, Any]]:
    """Section blocks for the text, then actions blocks for the buttons."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": piece}}
        for piece in sections(mrkdwn(markdown))
    ]
    for start in range(0, len(buttons), BUTTONS_PER_BLOCK):
        chunk = buttons[start : start + BUTTONS_PER_BLOCK]
        blocks.append(
            {
                "type": "actions",
                "elements": [button(spec, start + i) for i, spec in enumerate(chunk)],
            }
        )
    return blocks
