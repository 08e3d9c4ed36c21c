"""A user's "Delete this conversation" deletes it from whichever store keeps it, and with
conversation logs off a conversation lives only as long as it is in use."""

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.paths import PROJECT_ROOT
from bot.privacy.tracker_stores import (
    FORGOTTEN_REPLY,
    ForgettingSQLTrackerStore,
    MemoryTrackerStore,
    asked_to_be_forgotten,
)
from tests.conftest import event_senders

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain"))


def turn(text: str, *actions: str) -> list[Event]:
    """One user message and the actions that answered it, ending by listening."""
    events: list[Event] = [UserUttered(text)]
    for action in actions:
        events += [ActionExecuted(action), BotUttered(f"reply of {action}")]
    return [*events, ActionExecuted("action_listen")]


HELLO = turn("hello", "utter_greet")
FORGET = turn("/forget_conversation", FORGOTTEN_REPLY)


def tracker(sender: str, *turns: list[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [event for t in turns for event in t])


async def two_talk_then_one_asks_to_be_forgotten(store: TrackerStore) -> None:
    await store.save(tracker("asker", HELLO))
    await store.save(tracker("someone-else", HELLO))
    assert len((await store.retrieve("asker")).events) == len(HELLO)
    await store.save(tracker("asker", HELLO, FORGET))
    assert await store.retrieve("asker") is None
    assert await store.retrieve("someone-else") is not None


def test_only_the_turn_that_says_so_asks_for_deletion() -> None:
    assert asked_to_be_forgotten(tracker("a", HELLO, FORGET))
    assert not asked_to_be_forgotten(tracker("a", HELLO))
    assert not asked_to_be_forgotten(tracker("a", FORGET, HELLO))  # an earlier turn's request
    assert not asked_to_be_forgotten(tracker("a"))


async def test_the_sql_store_deletes_the_conversation_that_asked_and_keeps_the_rest(
    tracker_url: str,
) -> None:
    store = ForgettingSQLTrackerStore(DOMAIN, host=tracker_url)
    await two_talk_then_one_asks_to_be_forgotten(store)
    assert set(event_senders(tracker_url)) == {"someone-else"}

    await store.save(tracker("asker", HELLO))  # coming back starts afresh, and is kept again
    assert event_senders(tracker_url).count("asker") == len(HELLO)
    store.engine.dispose()


class Clock:
    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def test_with_logs_off_a_conversation_is_kept_while_in_use_and_deleted_on_request(
    clock: Clock,
) -> None:
    store = MemoryTrackerStore(DOMAIN, clock=clock)
    await two_talk_then_one_asks_to_be_forgotten(store)
    assert set(await store.keys()) == {"someone-else"}


async def test_with_logs_off_a_conversation_idle_for_a_session_is_dropped(clock: Clock) -> None:
    session_seconds = 60 * DOMAIN.session_config.session_expiration_time
    assert session_seconds > 0
    store = MemoryTrackerStore(DOMAIN, clock=clock)
    await store.save(tracker("still-talking", HELLO))  # first to start, and talks again below
    await store.save(tracker("left", HELLO))
    clock.seconds = session_seconds / 2
    await store.save(tracker("still-talking", HELLO, HELLO))

    clock.seconds = session_seconds + 1
    assert await store.retrieve("left") is None
    assert await store.retrieve_full_tracker("left") is None
    assert await store.retrieve("still-talking") is not None
    assert set(await store.keys()) == {"still-talking"}
