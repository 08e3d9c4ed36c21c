"""Rasa tracker stores that delete a conversation when its user asks, and one that keeps none.

Why in the store: Rasa saves a turn's events after every action has run, so an action that
deleted the conversation itself would see it written straight back. The store is the last to
touch the turn. When the turn told the user their conversation is deleted (the
`utter_conversation_forgotten` reply, which only the privacy reply's button leads to), the store
deletes it instead of saving, so the promise and the deletion cannot part.

endpoints.yml names `ForgettingSQLTrackerStore` (SQLite, or PostgreSQL at scale);
SIGNPOST_CONVERSATION_LOGS=off names `MemoryTrackerStore` (bot/deploy/endpoints.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.retention import forget

FORGOTTEN_REPLY = "utter_conversation_forgotten"
DEFAULT_IDLE_MINUTES = 60.0


def asked_to_be_forgotten(tracker: DialogueStateTracker) -> bool:
    """Whether the latest turn told the user that their conversation is deleted."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGOTTEN_REPLY:
            return True
    return False


class ForgettingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, which deletes every stored event of a conversation whose user
    asked for that, rather than saving the turn."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        if asked_to_be_forgotten(tracker):
            forget(self.engine, tracker.sender_id)
        else:
            await super().save(tracker)


class MemoryTrackerStore(InMemoryTrackerStore):
    """Conversation logs off: conversations live only in this process's memory, nothing reaches
    a disk, and each is dropped once idle for longer than a session lasts (the domain's
    `session_expiration_time`), so none outlives its use."""

    def __init__(
        self,
        domain: Domain,
        event_broker: Any = None,
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        minutes = domain.session_config.session_expiration_time if domain else 0
        self.idle_seconds = 60 * (minutes or DEFAULT_IDLE_MINUTES)
        self._clock = clock
        self._last_saved: dict[str, float] = {}

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._drop_idle()
        if asked_to_be_forgotten(tracker):
            self._drop(tracker.sender_id)
            return
        await super().save(tracker)
        self._last_saved.pop(tracker.sender_id, None)  # to the end: the dict stays oldest first
        self._last_saved[tracker.sender_id] = self._clock()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        self._drop_idle()
        return await super().retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        self._drop_idle()
        return await super().retrieve_full_tracker(sender_id)

    async def keys(self) -> Iterable[str]:
        self._drop_idle()
        return await super().keys()

    def _drop_idle(self) -> None:
        """Runs on every read and save, so it looks only at the idle conversations: they come
        first, as `_last_saved` is kept in order of the last save."""
        cutoff = self._clock() - self.idle_seconds
        while self._last_saved:
            sender_id, saved = next(iter(self._last_saved.items()))
            if saved >= cutoff:
                return
            self._drop(sender_id)

    def _drop(self, sender_id: str) -> None:
        self.store.pop(sender_id, None)
        self._last_saved.pop(sender_id, None)
