"""A REST message sent again with the same message_id is answered once, from the tracker."""

import asyncio

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.once import handle_once, replies_to

BUTTONS = [{"title": "Yes", "payload": "/affirm"}]


def test_replies_to_finds_the_replies_between_a_message_and_the_next() -> None:
    events = [
        UserUttered("first", message_id="a"),
        ActionExecuted("utter_greet"),
        BotUttered("Hello", data={"buttons": BUTTONS}),
        BotUttered("Was this helpful?"),
        UserUttered("second", message_id="b"),
        BotUttered("Again"),
    ]
    first = replies_to(events, "a")
    assert [(r["text"], r.get("buttons")) for r in first] == [
        ("Hello", BUTTONS),
        ("Was this helpful?", None),
    ]
    assert [r["text"] for r in replies_to(events, "b")] == ["Again"]
    assert replies_to(events, "c") is None


class SlowProcessor:
    """Stands in for Rasa's: takes a turn slowly, replies once, stores the turn."""

    def __init__(self, tracker_store: InMemoryTrackerStore) -> None:
        self.tracker_store = tracker_store
        self.turns = 0

    async def handle_message(self, message: UserMessage) -> None:
        self.turns += 1
        await asyncio.sleep(0.05)
        reply = BotUttered(f"answer {self.turns}")
        await message.output_channel.send_response(message.sender_id, reply.message())
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, message_id=message.message_id))
        tracker.update(reply)
        await self.tracker_store.save(tracker)


class FakeAgent:
    def __init__(self) -> None:
        self.lock_store = InMemoryLockStore()
        self.tracker_store = InMemoryTrackerStore(Domain.empty())
        self.processor = SlowProcessor(self.tracker_store)


async def send(agent: FakeAgent, message_id: str) -> list[str]:
    output = CollectingOutputChannel()
    message = UserMessage("hello", output, "someone", message_id=message_id)
    await handle_once(agent, message)
    return [m["text"] for m in output.messages]


async def test_a_retried_message_gets_the_stored_replies_and_takes_no_second_turn() -> None:
    agent = FakeAgent()
    assert await send(agent, "m-1") == ["answer 1"]
    assert await send(agent, "m-1") == ["answer 1"]
    assert await send(agent, "m-2") == ["answer 2"]
    tracker: DialogueStateTracker = await agent.tracker_store.retrieve("someone")
    assert [e.message_id for e in tracker.events if isinstance(e, UserUttered)] == ["m-1", "m-2"]


async def test_a_retry_that_arrives_while_the_first_send_is_being_answered_waits_for_it() -> None:
    agent = FakeAgent()
    first, retry = await asyncio.gather(send(agent, "m-1"), send(agent, "m-1"))
    assert first == retry == ["answer 1"]
    assert agent.processor.turns == 1
