"""A REST message answered once, however often the client sends it.

A client whose connection drops mid-answer (a replica dying, a proxy timing out) cannot know
whether its turn was stored. It may send the message again with the same `message_id`. Under
the conversation's lock, which every replica shares through the lock store, a message id that is
already in the tracker gets the replies stored with it, and no second turn is taken.
"""

from collections.abc import Iterable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, Event, UserUttered


def replies_to(events: Iterable[Event], message_id: str) -> list[dict[str, Any]] | None:
    """The bot's replies to the user message with this id, or None if there is none."""
    found = False
    replies = []
    for event in events:
        if isinstance(event, UserUttered):
            if found:
                break
            found = event.message_id == message_id
        elif found and isinstance(event, BotUttered):
            replies.append(event.message())
    return replies if found else None


async def handle_once(agent: Agent, message: UserMessage) -> None:
    """Answer `message`, or send again the replies to an earlier message with its id."""
    async with agent.lock_store.lock(message.sender_id):
        tracker = await agent.tracker_store.retrieve(message.sender_id)
        earlier = replies_to(tracker.events, message.message_id) if tracker else None
        if earlier is None:
            await agent.processor.handle_message(message)
            return
        for reply in earlier:
            await message.output_channel.send_response(message.sender_id, reply)
