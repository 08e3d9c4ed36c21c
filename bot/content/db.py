"""Engines and sessions for the content database, made on first use and never at import.

The URL comes from SIGNPOST_CONTENT_DB_URL (or SIGNPOST_PROFILE=scale, see bot/deploy/profile.py);
the default is an SQLite file under var/.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.deploy.profile import CONTENT_URL, with_profile
from bot.paths import VAR_DIR

URL_VARIABLE = CONTENT_URL


def database_url() -> str:
    """The configured content database URL, or the project's SQLite file."""
    configured = with_profile().get(URL_VARIABLE, "").strip()
    if configured:
        return configured
    VAR_DIR.mkdir(exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'content.db'}"


def get_engine(url: str | None = None) -> Engine:
    """The engine for a URL (default: the configured one), made once per process and URL."""
    return _engine_for(url or database_url())


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    """SQLite ignores ON DELETE CASCADE unless each connection asks for it."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A short-lived session that commits on success and rolls back on any error."""
    session = Session(engine or get_engine(), future=True, expire_on_commit=False)
    with session, session.begin():
        yield session
