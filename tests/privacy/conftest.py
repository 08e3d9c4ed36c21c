"""A real tracker database of each kind for the privacy tests: SQLite always, and PostgreSQL in a
throwaway schema when SIGNPOST_TEST_POSTGRES_URL is set."""

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import DATABASES, POSTGRES_URL


@pytest.fixture(params=DATABASES)
def tracker_url(
    request: pytest.FixtureRequest, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A tracker database URL; PostgreSQL's lives in its own schema, dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    schema = f"signpost_tracker_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, future=True)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    monkeypatch.setenv("POSTGRESQL_SCHEMA", schema)  # Rasa's own setting, read by both sides
    try:
        yield POSTGRES_URL
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
