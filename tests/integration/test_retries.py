"""A client that sends a message again with the same message_id (its connection dropped) gets the
same answer, and the conversation holds the turn once."""

import sqlite3
from pathlib import Path

import pytest

from bot.servers import Server
from tests.integration.conftest import Conversation, post_json

pytestmark = pytest.mark.slow
BARRIER = "our physios don't know where to send people with low mood"


def test_a_message_sent_again_with_its_id_is_answered_once(stack: Server, stack_dir: Path) -> None:
    chat = Conversation(stack)
    url = stack.url + "/webhooks/rest/webhook"
    body = {"sender": chat.sender, "message": BARRIER, "message_id": "turn-1"}
    first = post_json(url, body)
    assert first[0]["text"].startswith("This sounds like **Local knowledge**.")
    assert post_json(url, body) == first
    assert "Challenges to prepare for in **Local knowledge**" in chat.text("/ask_challenges")
    with sqlite3.connect(stack_dir / "tracker-full.db") as db:
        texts = [
            text
            for (text,) in db.execute(
                "SELECT json_extract(data, '$.text') FROM events "
                "WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
                (chat.sender,),
            )
        ]
    assert texts == [BARRIER, "/ask_challenges"]
