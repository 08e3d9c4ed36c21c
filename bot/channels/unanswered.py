"""Every message gets a reply, even when the assistant could not produce one.

When the action server or the content store is down, Rasa logs the failed custom action and
sends nothing, and the person is left waiting. Wrapped around a channel's `on_new_message`, this
sends data/replies.yml's `content_unavailable` wording when handling a message sent no reply at
all. Crisis help is a static response, so it is answered in full without this. The silences
Rasa means, after its own "/restart", "/session_start" and "/back", get `control_done` instead.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.replies import reply

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
CONTROL_PAYLOADS = {"/restart", "/session_start", "/back"}


class WatchedOutput(OutputChannel):
    """Passes every reply on to the channel's own output, noting that one was sent.

    Rasa sends each reply through `send_response`, so that is the one method to watch.
    """

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.replied = False

    def name(self) -> str:  # type: ignore[override]  # Rasa calls it on the instance
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.replied = True
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)


def always_answering(on_new_message: OnNewMessage) -> OnNewMessage:
    """`on_new_message`, followed by the unavailable wording if it sent no reply or failed."""

    async def handle(message: UserMessage) -> None:
        output = WatchedOutput(message.output_channel)
        message.output_channel = output
        try:
            await on_new_message(message)
        except Exception:  # a store or the model failing must not leave the person unanswered
            logger.exception("Handling a message on the %s channel failed.", output.name())
        if not output.replied:
            await output.inner.send_response(message.sender_id, {"text": fallback(message.text)})

    return handle


def fallback(text: str | None) -> str:
    """What to say when nothing was said: "done" after a control payload, else unavailable."""
    payload = (text or "").split("{", 1)[0].strip()
    return reply("control_done" if payload in CONTROL_PAYLOADS else "content_unavailable")
