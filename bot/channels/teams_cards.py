"""Signpost's Markdown answers as Adaptive Cards, with buttons that work in Teams.

Teams ignores the hero-card buttons Rasa 3.6 sends, so clicks are lost (RasaHQ/rasa#11411,
#8164). Here each button is an Action.Submit carrying Teams' messageBack: the person sees the
button's title as their message and Signpost receives the button's payload as the text.
Adaptive Cards speak the Markdown Signpost writes (bold, lists, links), but a list only renders
as a list in a text block of its own, so each paragraph is split into text and list blocks.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from itertools import groupby
from typing import Any

from bot.channels.untrusted import text_at

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.4"  # what Teams renders on desktop, web and mobile
LIST_LINE = re.compile(r"(\d+\.|-) ")
MENTION = re.compile(r"<at>.*?</at>", re.DOTALL)


def text_runs(markdown: str) -> Iterator[str]:
    """Each plain line on its own, consecutive list lines together."""
    for paragraph in filter(None, (part.strip() for part in markdown.split("\n\n"))):
        lines = paragraph.split("\n")
        for is_list, run in groupby(lines, key=lambda line: bool(LIST_LINE.match(line))):
            found = list(run)
            yield from ["\n".join(found)] if is_list else found


def submit(button: Mapping[str, str]) -> dict[str, Any]:
    """A Rasa button as an Action.Submit whose click says the payload in the title's words."""
    return {
        "type": "Action.Submit",
        "title": button["title"],
        "data": {
            "msteams": {
                "type": "messageBack",
                "displayText": button["title"],
                "text": button["payload"],
            },
            "payload": button["payload"],
        },
    }


def card(markdown: str, buttons: Sequence[Mapping[str, str]] = ()) -> dict[str, Any]:
    """An answer as one Adaptive Card attachment: its text, then its buttons."""
    content: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": [{"type": "TextBlock", "text": run, "wrap": True} for run in text_runs(markdown)],
    }
    if buttons:
        content["actions"] = [submit(button) for button in buttons]
    return {"contentType": ADAPTIVE_CARD, "content": content}


def activity_text(activity: Mapping[str, Any]) -> str:
    """What the person said, without @mentions, or the payload of a clicked button."""
    said = MENTION.sub("", text_at(activity, "text") or "").strip()
    return said or text_at(activity, "value", "payload") or ""
