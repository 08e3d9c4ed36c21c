"""A user can have Signpost forget their conversation, and an operator can keep none: against the
real servers on loopback, looking in the real tracker database."""

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain

from bot.paths import PROJECT_ROOT
from bot.servers import Server
from tests.conftest import stored_conversations
from tests.integration.conftest import Conversation

pytestmark = pytest.mark.slow
RESPONSES = Domain.load(str(PROJECT_ROOT / "domain")).responses


def reply(name: str) -> str:
    return RESPONSES[name][0]["text"]


def test_the_privacy_reply_button_deletes_this_conversation_and_no_other(
    stack: Server, stack_dir: Path
) -> None:
    asker, other = Conversation(stack), Conversation(stack)
    assert "**Local knowledge**" in asker.text("our physios don't know where to send low mood")
    other.text("hello")
    [privacy] = asker.say("please delete my chat history")
    [button] = [b for b in privacy["buttons"] if b["title"] == "Delete this conversation"]
    assert {asker.sender, other.sender} <= stored_conversations(stack_dir)

    assert asker.text(button["payload"]) == reply("utter_conversation_forgotten")
    senders = stored_conversations(stack_dir)
    assert asker.sender not in senders and other.sender in senders
    # The area went with it: a follow-up now needs a barrier first.
    assert asker.text("more actions please").startswith(reply("utter_need_area"))


def test_with_conversation_logs_off_a_conversation_keeps_its_thread_but_nothing_is_written(
    stack_without_actions: Server, stack_dir: Path
) -> None:
    chat = Conversation(stack_without_actions)
    assert chat.text("thanks") == reply("utter_thank")
    assert chat.text("no") == reply("utter_goodbye")  # the answer to the thanks: memory works
    assert not (stack_dir / "tracker-no-actions.db").exists()
