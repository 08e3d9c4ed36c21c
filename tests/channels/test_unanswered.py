"""Every message gets a reply: the wording of data/replies.yml when the assistant sent none."""

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.unanswered import always_answering
from bot.replies import reply

UNAVAILABLE = reply("content_unavailable")


def message() -> tuple[UserMessage, CollectingOutputChannel]:
    output = CollectingOutputChannel()
    return UserMessage("our physios need training", output, "someone", input_channel="rest"), output


async def test_a_message_that_got_no_reply_gets_the_unavailable_wording() -> None:
    async def says_nothing(_: UserMessage) -> None:
        return None

    user_message, output = message()
    await always_answering(says_nothing)(user_message)
    assert [m["text"] for m in output.messages] == [UNAVAILABLE]


async def test_a_failure_while_answering_gets_the_unavailable_wording_not_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def fails(_: UserMessage) -> None:
        raise ConnectionError("the tracker store is down")

    user_message, output = message()
    await always_answering(fails)(user_message)
    assert [m["text"] for m in output.messages] == [UNAVAILABLE]
    assert "our physios" not in caplog.text  # the failure is logged without the message


async def test_a_message_that_was_answered_gets_nothing_more() -> None:
    async def answers(user_message: UserMessage) -> None:
        assert user_message.output_channel.name() == "collector"
        await user_message.output_channel.send_response("someone", {"text": "Hello"})

    user_message, output = message()
    await always_answering(answers)(user_message)
    assert [m["text"] for m in output.messages] == ["Hello"]


async def test_after_a_control_payload_the_silence_rasa_means_gets_a_plain_done() -> None:
    async def says_nothing(_: UserMessage) -> None:
        return None

    for payload in ("/restart", "/session_start", "/back"):
        output = CollectingOutputChannel()
        await always_answering(says_nothing)(UserMessage(payload, output, "someone"))
        assert [m["text"] for m in output.messages] == [reply("control_done")]
