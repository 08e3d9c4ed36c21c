"""Real servers on loopback: the trained model, the action server and a real content store."""

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.content.bundle import read_bundle
from bot.content.db import get_engine, session_scope
from bot.content.loader import load_bundle
from bot.content.migrate import upgrade
from bot.servers import (
    Server,
    action_server,
    free_port,
    latest_model,
    quiet_environment,
    rasa_server,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def stack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(scope="session")
def content_url(stack_dir: Path) -> str:
    url = f"sqlite:///{stack_dir / 'content.db'}"
    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        load_bundle(session, read_bundle())
    return url


def start_stack(
    stack_dir: Path, content_url: str, with_actions: bool
) -> tuple[Server, Server | None]:
    name = "full" if with_actions else "no-actions"
    action_port = free_port()
    env = quiet_environment(
        SIGNPOST_CONTENT_DB_URL=content_url,
        SIGNPOST_ACTION_ENDPOINT=f"http://127.0.0.1:{action_port}/webhook",
        SIGNPOST_TRACKER_DB=str(stack_dir / f"tracker-{name}.db"),
    )
    actions = (
        action_server(action_port, stack_dir / f"actions-{name}.log", env).start()
        if with_actions
        else None
    )
    try:
        rasa = rasa_server(free_port(), latest_model(), stack_dir / f"rasa-{name}.log", env).start()
    except Exception:
        if actions:
            actions.stop()
        raise
    return rasa, actions


@pytest.fixture(scope="session")
def stack(stack_dir: Path, content_url: str) -> Iterator[Server]:
    """Rasa with its action server, as `make run` starts them."""
    rasa, actions = start_stack(stack_dir, content_url, with_actions=True)
    yield rasa
    rasa.stop()
    actions.stop()


@pytest.fixture(scope="session")
def stack_without_actions(stack_dir: Path, content_url: str) -> Iterator[Server]:
    """Rasa whose action server is down: crisis help must still work in full."""
    rasa, _ = start_stack(stack_dir, content_url, with_actions=False)
    yield rasa
    rasa.stop()


class Conversation:
    """One user talking to the REST channel, as a widget or script would."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.sender = f"test-{uuid.uuid4().hex}"

    def say(self, text: str, metadata: dict | None = None) -> list[dict]:
        body = {"sender": self.sender, "message": text}
        if metadata is not None:
            body["metadata"] = metadata
        return post_json(self.server.url + "/webhooks/rest/webhook", body)

    def text(self, message: str, metadata: dict | None = None) -> str:
        return "\n\n".join(reply.get("text", "") for reply in self.say(message, metadata))


def post_json(url: str, body: object, timeout: float = 60) -> list[dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


@pytest.fixture
def chat(stack: Server) -> Conversation:
    return Conversation(stack)
