"""The wording custom actions fill in, kept in data/replies.yml so it can be edited without code."""

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.paths import DATA_DIR

REPLIES_FILE = DATA_DIR / "replies.yml"


@lru_cache(maxsize=2)
def _replies(path: Path = REPLIES_FILE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def reply(name: str, **values: str) -> str:
    """A reply with its {placeholders} filled; content values are inserted, never parsed."""
    return _replies()[name].format(**values)


def buttons(name: str) -> list[dict[str, str]]:
    """A fresh copy of a named button set, safe to extend."""
    found = _replies()["buttons"][name]
    return [dict(b) for b in found] if isinstance(found, list) else [dict(found)]


def meanings() -> dict[str, str]:
    """Intent to the words on its button, for the intents a clarifying question may offer."""
    return dict(_replies()["meanings"])
