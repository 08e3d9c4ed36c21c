"""Rasa's Redis lock store, configured by one URL, with every change to a lock made atomically.

Why the URL: Rasa's own `type: redis` wants host, port, db and password as separate settings,
each of which would need its own variable; `redis://[[user]:password@]host[:port][/db]` (or
`rediss://` for TLS) keeps the password inside one secret.

Why atomic: Rasa's RedisLockStore reads a conversation's lock, changes it in Python and writes it
back. Two replicas taking a ticket at the same moment both read the same queue, both get the same
ticket number, and both answer the conversation at once, which the lock exists to prevent; one
replica's clean-up can likewise delete a ticket another has just taken. Here each change is a
Redis transaction on the lock's key (WATCH, then MULTI/EXEC), retried if the key moved meanwhile.
"""

import json
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import unquote, urlsplit

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import WatchError

DEFAULT_PORT = 6379
DEFAULT_DB = 1

Result = TypeVar("Result")
# A change to a conversation's lock: given the stored lock (or None), the lock to store (None
# deletes it) and what the caller gets back.
Change = Callable[[TicketLock | None], tuple[TicketLock | None, Result]]


class RedisUrlLockStore(RedisLockStore):
    """`lock_store: {type: bot.deploy.redis_lock.RedisUrlLockStore, url: redis://...}`."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        parts = urlsplit(endpoint_config.url or "")
        if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
            raise ValueError("The lock store URL must look like redis://host:6379/1.")
        super().__init__(
            host=parts.hostname,
            port=parts.port or DEFAULT_PORT,
            db=int(parts.path.strip("/") or DEFAULT_DB),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_ssl=parts.scheme == "rediss",
            key_prefix=endpoint_config.kwargs.get("key_prefix"),
        )

    def atomically(self, conversation_id: str, change: Change) -> Result:
        """Apply `change` to the stored lock with no other change slipping in between."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    changed, result = change(lock)
                    new = changed.dumps() if changed is not None else None
                    if new == (stored.decode() if isinstance(stored, bytes) else stored):
                        pipe.unwatch()  # nothing to write: a waiting replica only reads
                        return result
                    pipe.multi()
                    if new is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new)
                    pipe.execute()
                    return result
                except WatchError:
                    continue  # another replica changed the lock first: read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        return self.atomically(conversation_id, take)

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self.atomically(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.atomically(conversation_id, lambda lock: (finished(lock, ticket_number), None))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Give the ticket back and delete the lock if nobody waits, in one step."""

        def give_back(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            lock = finished(lock, ticket_number)
            return (lock if lock and lock.is_someone_waiting() else None), None

        self.atomically(conversation_id, give_back)


def finished(lock: TicketLock | None, ticket_number: int) -> TicketLock | None:
    """`lock` without the ticket `ticket_number`."""
    if lock:
        lock.remove_ticket_for(ticket_number)
    return lock
