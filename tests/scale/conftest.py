"""The replicated stack (bot/deploy/cluster.py) on this machine's PostgreSQL and Redis, with a
PostgreSQL database made for the run and dropped after it. They need PostgreSQL, Redis and nginx,
so they run only with SIGNPOST_SCALE_TESTS=1: `make test-scale` sets it, and `.ci/run` sets it
for `make test` when PostgreSQL and Redis answer; elsewhere they are skipped."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.content.db import get_engine
from bot.deploy.cluster import Cluster, start_cluster
from bot.deploy.postgres import MAINTENANCE_DATABASE, ensure_database
from bot.servers import load_content

RUN_VARIABLE = "SIGNPOST_SCALE_TESTS"
POSTGRES_URL = os.environ.get("SIGNPOST_TEST_POSTGRES_URL", "").strip() or (
    "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("SIGNPOST_TEST_REDIS_URL", "").strip() or "redis://127.0.0.1:6379/1"
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get(RUN_VARIABLE) == "1":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL, Redis and nginx: run `make test-scale`")
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def scale_database() -> Iterator[str]:
    """A PostgreSQL database of its own for conversations and content, dropped afterwards."""
    url = make_url(POSTGRES_URL).set(database=f"signpost_scale_{uuid.uuid4().hex[:10]}")
    rendered = url.render_as_string(hide_password=False)
    ensure_database(rendered)
    try:
        yield rendered
    finally:
        get_engine(rendered).dispose()
        admin = create_engine(
            url.set(database=MAINTENANCE_DATABASE), isolation_level="AUTOCOMMIT", future=True
        )
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory, scale_database: str) -> Iterator[Cluster]:
    """Two Rasa replicas and two action servers behind nginx, as `make run-scale` starts them."""
    load_content(scale_database)
    running = start_cluster(
        tmp_path_factory.mktemp("cluster"),
        {
            "SIGNPOST_TRACKER_URL": scale_database,
            "SIGNPOST_CONTENT_DB_URL": scale_database,
            "SIGNPOST_LOCK_URL": REDIS_URL,
        },
    )
    yield running
    running.stop()
