"""A bounded memory of recently seen keys, to answer each chat message once.

Slack retries an event it thinks was lost and sends a mention in a followed thread twice (as a
mention and as a message). The memory lives in the process: with several Rasa replicas, send
each workspace's events to one replica.
"""

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class RecentKeys:
    """Keys added in the last `ttl` seconds, at most `limit` of them (the oldest go first)."""

    def __init__(
        self, ttl: float, limit: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.limit = limit
        self.clock = clock
        self._expiry: OrderedDict[Hashable, float] = OrderedDict()

    def _forget_old(self) -> None:
        now = self.clock()
        while self._expiry and (
            len(self._expiry) > self.limit or next(iter(self._expiry.values())) <= now
        ):
            self._expiry.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        self._forget_old()
        return key in self._expiry

    def add(self, key: Hashable) -> None:
        self._expiry[key] = self.clock() + self.ttl
        self._expiry.move_to_end(key)
        self._forget_old()
