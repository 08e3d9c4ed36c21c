"""The REST conversation helper; the real servers themselves come from tests/conftest.py."""

import json
import urllib.request
import uuid

import pytest

from bot.servers import Server

pytestmark = pytest.mark.slow


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
