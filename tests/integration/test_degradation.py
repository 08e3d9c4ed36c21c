"""With the action server or the content database down, crisis help still comes in full and
everything else is answered with a plain "recommendations are unavailable", never silence."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.replies import reply
from bot.servers import Server, free_port, start_stack
from tests.integration.conftest import Conversation
from tests.integration.test_rest_conversations import assert_full_crisis_answer

pytestmark = pytest.mark.slow
UNAVAILABLE = reply("content_unavailable")


@pytest.fixture(scope="module")
def stack_without_content(stack_dir: Path) -> Iterator[Server]:
    """Actions whose content database cannot be reached: a PostgreSQL URL nobody answers."""
    unreachable = f"postgresql://postgres@127.0.0.1:{free_port()}/signpost"
    rasa, actions = start_stack(stack_dir, unreachable, with_actions=True, name="no-content")
    yield rasa
    rasa.stop()
    actions.stop()


@pytest.mark.parametrize("down", ["stack_without_actions", "stack_without_content"])
def test_crisis_help_is_full_and_recommendations_say_they_are_unavailable(
    down: str, request: pytest.FixtureRequest
) -> None:
    chat = Conversation(request.getfixturevalue(down))
    assert chat.text("our physios don't know where to send people with low mood") == UNAVAILABLE
    assert chat.text("/ask_examples") == UNAVAILABLE
    assert_full_crisis_answer(chat.text("I want to end my life"))
    assert "Hello, I'm Signpost" in chat.text("hello")
