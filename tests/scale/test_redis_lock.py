"""Conversation locks shared by replicas through Redis: one turn at a time, whatever the timing.

Each thread stands for a replica, with a lock store and a Redis connection of its own.
"""

import asyncio
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from rasa.utils.endpoints import EndpointConfig

from bot.deploy.redis_lock import RedisUrlLockStore
from tests.scale.conftest import REDIS_URL

REPLICAS = 8


def replica_store(prefix: str) -> RedisUrlLockStore:
    return RedisUrlLockStore(EndpointConfig(url=REDIS_URL, key_prefix=prefix))


def test_replicas_taking_tickets_at_once_never_get_the_same_number() -> None:
    prefix, conversation = f"test-{uuid.uuid4().hex}", "someone"
    stores = [replica_store(prefix) for _ in range(REPLICAS)]
    start = threading.Barrier(REPLICAS)

    def take_tickets(store: RedisUrlLockStore) -> list[int]:
        start.wait()
        return [store.issue_ticket(conversation) for _ in range(25)]

    with ThreadPoolExecutor(REPLICAS) as pool:
        tickets = [t for taken in pool.map(take_tickets, stores) for t in taken]
    assert sorted(tickets) == list(range(REPLICAS * 25))
    for ticket in tickets:
        stores[0].cleanup(conversation, ticket)
    assert stores[0].get_lock(conversation) is None


def test_only_one_replica_at_a_time_answers_a_conversation() -> None:
    prefix, conversation = f"test-{uuid.uuid4().hex}", "someone"
    inside, most_inside, turns = [0], [0], []
    count = threading.Lock()
    start = threading.Barrier(REPLICAS)

    async def take_turns(store: RedisUrlLockStore, replica: int) -> None:
        for turn in range(5):
            async with store.lock(conversation, wait_time_in_seconds=0.002):
                with count:
                    inside[0] += 1
                    most_inside[0] = max(most_inside[0], inside[0])
                await asyncio.sleep(0.003)
                with count:
                    inside[0] -= 1
                    turns.append((replica, turn))

    def replica(number: int) -> None:
        store = replica_store(prefix)
        start.wait()
        asyncio.run(take_turns(store, number))

    with ThreadPoolExecutor(REPLICAS) as pool:
        list(pool.map(replica, range(REPLICAS)))
    assert most_inside[0] == 1
    assert len(turns) == REPLICAS * 5
    assert replica_store(prefix).get_lock(conversation) is None


def test_a_replica_waiting_for_its_turn_only_reads_the_lock() -> None:
    prefix, conversation = f"test-{uuid.uuid4().hex}", "someone"
    store = replica_store(prefix)
    ticket = store.issue_ticket(conversation)
    key = store.key_prefix + conversation
    observer = replica_store(prefix).red.pipeline()
    observer.watch(key)  # any write to the key, even of the same value, breaks the watch

    for _ in range(10):
        store.update_lock(conversation)  # what a waiting replica calls on every poll
    observer.multi()
    observer.get(key)
    assert observer.execute() != [None]  # the watch held and the lock is there: only reads
    store.cleanup(conversation, ticket)
    assert store.get_lock(conversation) is None
