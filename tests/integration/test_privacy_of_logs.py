"""What people type is never written to the servers' logs at the default log level, whether the
answer succeeds or fails (Rasa's own REST channel logs the text of a message it failed on), and
the tracker store keeps no metadata beyond what the assistant reads."""

import uuid
from pathlib import Path

import pytest

from bot.servers import Server
from tests.integration.conftest import Conversation

pytestmark = pytest.mark.slow


def test_message_text_never_reaches_the_logs(
    stack: Server, stack_without_actions: Server, stack_dir: Path
) -> None:
    secret = f"zebra{uuid.uuid4().hex[:10]}"
    for server in (stack, stack_without_actions):
        chat = Conversation(server)
        chat.say(f"our physios in {secret} ward don't know where to refer people")
        chat.say(f"I want to end my life, my name is {secret}")
        chat.say(f"<b>{secret}</b> /ask_examples")
    logs = sorted(stack_dir.glob("*.log"))
    assert {log.name for log in logs} >= {
        "rasa-full.log",
        "actions-full.log",
        "rasa-no-actions.log",
    }
    for log in logs:
        assert secret not in log.read_text(errors="replace"), log.name


def test_only_the_metadata_the_assistant_reads_is_stored(stack: Server, stack_dir: Path) -> None:
    secret = f"zebra{uuid.uuid4().hex[:10]}"
    chat = Conversation(stack)
    reply = chat.text(
        "patients think mood questions mean it's all in their head",
        {"mode": "brief", "name": f"Ann {secret}", "nhs_number": secret},
    )
    assert "Patient expectations and understanding" in reply
    stored = (stack_dir / "tracker-full.db").read_bytes()
    assert chat.sender.encode() in stored and b"brief" in stored
    assert secret.encode() not in stored
