"""Rasa's Redis lock store, configured by one URL like the databases are.

Rasa's own `type: redis` wants host, port, db and password as separate settings, each of which
would need its own variable; `redis://[[user]:password@]host[:port][/db]` (or `rediss://` for
TLS) keeps the password inside one secret.
"""

from urllib.parse import unquote, urlsplit

from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

DEFAULT_PORT = 6379
DEFAULT_DB = 1


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
