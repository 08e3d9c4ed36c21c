"""Action tests run the real actions on hand-built trackers against a real SQLite content store."""

from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.content.db import URL_VARIABLE
from bot.domain import load_domain
from bot.servers import load_content


@pytest.fixture
def content_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A loaded content database the actions find through the environment, as in production."""
    url = load_content(f"sqlite:///{tmp_path / 'content.db'}")
    monkeypatch.setenv(URL_VARIABLE, url)
    return url


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return load_domain()


def make_tracker(
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "barrier_local_knowledge",
    metadata: dict | None = None,
    entities: list[dict] | None = None,
    ranking: list[dict] | None = None,
    channel: str = "rest",
) -> Tracker:
    """A tracker as the action server receives it after one user message."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
        "entities": entities or [],
        "metadata": metadata or {},
    }
    events = [{"event": "user", "text": text, "parse_data": latest, "input_channel": channel}]
    return Tracker("tester", slots or {}, latest, events, False, None, None, "action_listen")


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()
