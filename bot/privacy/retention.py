"""Deleting conversations from Rasa's SQL tracker store, which has no retention of its own.

Rasa keeps every event of every conversation for ever, message text included. `purge` deletes
every event older than a cutoff (run it daily: README "Privacy and retention"); `forget` deletes
one person's whole conversation when they ask. Both work on whichever database the tracker store
is configured with (bot/deploy/profile.py), through Rasa's own table definition and engine
settings, so they see exactly the rows Rasa wrote.
"""

from datetime import datetime, timedelta, timezone

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from sqlalchemy import create_engine, delete, inspect
from sqlalchemy.engine import Engine

EVENTS = SQLTrackerStore.SQLEvent.__table__


def tracker_engine(url: str) -> Engine:
    """An engine on the tracker database, made as Rasa makes its own (schema, pool)."""
    return create_engine(url, future=True, **create_engine_kwargs(url))


def cutoff(older_than: timedelta, now: datetime | None = None) -> float:
    """The Unix time before which events are deleted; Rasa stores event times that way."""
    return ((now or datetime.now(timezone.utc)) - older_than).timestamp()


def purge(engine: Engine, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete every event older than `older_than`; return how many were deleted."""
    return _delete(engine, EVENTS.c.timestamp < cutoff(older_than, now))


def forget(engine: Engine, sender_id: str) -> int:
    """Delete every event of one conversation; return how many were deleted."""
    return _delete(engine, EVENTS.c.sender_id == sender_id)


def _delete(engine: Engine, condition) -> int:
    if not inspect(engine).has_table(EVENTS.name):  # no conversation has been stored yet
        return 0
    with engine.begin() as connection:
        return connection.execute(delete(EVENTS).where(condition)).rowcount
