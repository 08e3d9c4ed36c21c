"""Retention and deletion delete exactly what they say, in the events Rasa itself wrote, on
SQLite and (when SIGNPOST_TEST_POSTGRES_URL is set) PostgreSQL in a throwaway schema."""

import os
from datetime import datetime, timedelta, timezone

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from bot.cli import main
from bot.privacy.retention import EVENTS, forget, purge, tracker_engine
from bot.quiet import QUIET
from tests.conftest import run_cli

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
DAY = 24 * 60 * 60


async def store_conversation(
    url: str, sender: str, days_ago: list[float], now: datetime = NOW
) -> None:
    """A conversation written by Rasa's SQL tracker store, one message per age given."""
    store = SQLTrackerStore(Domain.empty(), host=url)
    events = []
    for age in days_ago:
        moment = now.timestamp() - age * DAY
        events += [
            UserUttered(f"message {age}", timestamp=moment),
            ActionExecuted("action_listen", timestamp=moment),
        ]
    await store.save(DialogueStateTracker.from_events(sender, events))
    store.engine.dispose()


def stored(url: str) -> list[tuple[str, float]]:
    engine = tracker_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(EVENTS.c.sender_id, EVENTS.c.timestamp)).all()
    engine.dispose()
    return sorted((sender, round((NOW.timestamp() - moment) / DAY, 3)) for sender, moment in rows)


async def test_purge_deletes_exactly_the_events_older_than_the_cutoff(tracker_url: str) -> None:
    await store_conversation(tracker_url, "old", [45, 31])
    await store_conversation(tracker_url, "straddling", [30.001, 30, 29.999])
    await store_conversation(tracker_url, "recent", [2, 0])
    engine = tracker_engine(tracker_url)
    assert purge(engine, timedelta(days=30), now=NOW) == 2 * 3
    engine.dispose()
    assert stored(tracker_url) == sorted(
        [("straddling", 30.0)] * 2
        + [("straddling", 29.999)] * 2
        + [("recent", 2.0)] * 2
        + [("recent", 0.0)] * 2
    )


async def test_forget_deletes_one_conversation_and_nothing_else(tracker_url: str) -> None:
    await store_conversation(tracker_url, "asked-to-be-forgotten", [3, 1])
    await store_conversation(tracker_url, "someone-else", [1])
    engine = tracker_engine(tracker_url)
    assert forget(engine, "asked-to-be-forgotten") == 4
    assert forget(engine, "never-here") == 0
    engine.dispose()
    assert {sender for sender, _ in stored(tracker_url)} == {"someone-else"}


def test_with_no_conversations_yet_there_is_nothing_to_delete(tmp_path) -> None:
    engine = tracker_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert purge(engine, timedelta(days=30)) == 0
    assert forget(engine, "anyone") == 0


async def test_the_commands_work_on_the_configured_tracker_store(
    tracker_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    today = datetime.now(timezone.utc)
    await store_conversation(tracker_url, "kept", [1], now=today)
    await store_conversation(tracker_url, "expired", [40], now=today)
    monkeypatch.setenv("SIGNPOST_TRACKER_URL", tracker_url)
    monkeypatch.setenv("SIGNPOST_RETENTION_DAYS", "30")
    assert main(["privacy", "purge"]) == 0
    assert "Deleted 2 events older than 30 days" in capsys.readouterr().out
    assert main(["privacy", "forget", "kept"]) == 0
    assert "Deleted 2 events of that conversation" in capsys.readouterr().out
    assert stored(tracker_url) == []


def test_a_retention_period_under_a_day_is_refused() -> None:
    with pytest.raises(SystemExit):
        main(["privacy", "purge", "--older-than-days", "0"])


def test_the_command_line_prints_only_its_answer(tmp_path) -> None:
    """Run straight from a shell, without make's environment: no library banners around it."""
    env = {name: value for name, value in os.environ.items() if name not in QUIET}
    env["SIGNPOST_TRACKER_URL"] = f"sqlite:///{tmp_path / 'tracker.db'}"
    result = run_cli("privacy", "forget", "someone", env=env)
    assert result.returncode == 0
    assert result.stdout.startswith("Deleted 0 events of that conversation")
    assert result.stderr == ""
