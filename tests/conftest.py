"""Shared fixtures: real content databases (SQLite always, PostgreSQL when a URL is given), and
the real Rasa and action servers on loopback with the trained model (session-wide, started once
for tests/integration and tests/web alike)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import Engine

from bot.content.db import _enable_sqlite_foreign_keys
from bot.content.migrate import upgrade
from bot.paths import CONTENT_DIR, PROJECT_ROOT
from bot.servers import LOOPBACK, Server, load_content, start_stack

POSTGRES_URL = os.environ.get("SIGNPOST_TEST_POSTGRES_URL", "").strip()
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(params=DATABASES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated content database of each kind; PostgreSQL gets a throwaway schema."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'content.db'}", future=True)
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    schema = f"signpost_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, future=True)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(
        POSTGRES_URL, future=True, connect_args={"options": f"-csearch_path={schema}"}
    )
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A private copy of the real content files, safe to edit in a test."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


@pytest.fixture(scope="session")
def stack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(scope="session")
def content_url(stack_dir: Path) -> str:
    return load_content(f"sqlite:///{stack_dir / 'content.db'}")


@pytest.fixture(scope="session")
def stack(stack_dir: Path, content_url: str) -> Iterator[Server]:
    """Rasa with its action server, as `make run` starts them."""
    rasa, actions = start_stack(stack_dir, content_url, with_actions=True)
    yield rasa
    rasa.stop()
    actions.stop()


@pytest.fixture(scope="session")
def stack_without_actions(stack_dir: Path, content_url: str) -> Iterator[Server]:
    """Rasa whose action server is down, with conversation logs off: crisis help must still
    work in full, and nothing may reach a disk. One server for both saves a start-up."""
    rasa, _ = start_stack(
        stack_dir,
        content_url,
        with_actions=False,
        extra_env={"SIGNPOST_CONVERSATION_LOGS": "off"},
    )
    yield rasa
    rasa.stop()


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port with a listener on it, as a Signpost already running would have."""
    with socket.socket() as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen()
        yield listener.getsockname()[1]


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python -m bot ...` from the project root, as a user would type it, with its output."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def wait_until(done: Callable[[], bool], timeout: float) -> None:
    """Return once `done()` holds or `timeout` seconds have passed; the caller asserts. Rasa
    sends a turn's reply before it saves the turn, so a deletion shows a moment later."""
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        time.sleep(0.2)


def event_senders(tracker_url: str) -> list[str]:
    """The sender id of every event in a tracker database, one entry per event."""
    from bot.privacy.retention import EVENTS, tracker_engine  # imports Rasa: only when needed

    engine = tracker_engine(tracker_url)
    with engine.connect() as connection:
        senders = list(connection.execute(select(EVENTS.c.sender_id)).scalars())
    engine.dispose()
    return senders


def stored_conversations(stack_dir: Path, name: str = "full") -> set[str]:
    """The sender ids that have events in a test stack's tracker database."""
    return set(event_senders(f"sqlite:///{stack_dir / f'tracker-{name}.db'}"))
