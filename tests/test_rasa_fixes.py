"""bot/rasa_fixes.py makes three of Rasa's per-turn costs small and keeps Rasa's answers."""

import asyncio
import gc
from types import SimpleNamespace

import pytest
import rasa.core.run
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_fixes import apply
from bot.servers import latest_model

VALID = {
    "events": [{"event": "slot", "name": "area", "value": "local-knowledge"}],
    "responses": [{"text": "Local knowledge"}],
}


@pytest.fixture(scope="module")
def action() -> RemoteAction:
    apply()
    apply()  # applying twice must not wrap the check twice
    return RemoteAction("action_recommend", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_a_valid_action_server_response_passes(action: RemoteAction) -> None:
    assert action._validate_action_result(VALID) is True


@pytest.mark.parametrize(
    "response",
    [
        {"events": "not a list"},
        {"events": [{"event": "slot"}], "responses": "not a list"},
        {"events": [{"no_event_key": True}]},
        {"responses": [["not", "an", "object"]]},
    ],
)
def test_an_invalid_response_is_still_refused_with_rasas_own_message(
    action: RemoteAction, response: dict
) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(response)


def test_every_event_read_back_from_a_store_gets_the_class_rasa_would_give_it() -> None:
    apply()
    classes = all_subclasses(Event)
    for name in {event_class.type_name for event_class in classes}:
        # Rasa's rule: the first class with that name in the walk (subclasses share names).
        rasa_choice = next(c for c in classes if c.type_name == name)
        assert Event.resolve_by_type(name) is rasa_choice
    stored = [
        UserUttered("our physios don't know where to refer", {"name": "barrier_local_knowledge"}),
        SlotSet("area", "local-knowledge"),
        BotUttered("Local knowledge"),
        ActionExecuted("action_listen"),
    ]
    assert [Event.from_parameters(event.as_dict()) for event in stored] == stored


def test_unknown_event_names_keep_rasas_answers() -> None:
    apply()
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no-such-event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no-such-event")


@pytest.mark.slow
async def test_the_loaded_model_is_kept_out_of_full_garbage_collections() -> None:
    apply()
    app = SimpleNamespace(ctx=SimpleNamespace())
    try:
        agent = await rasa.core.run.load_agent_on_start(
            str(latest_model()), AvailableEndpoints(), None, app, asyncio.get_running_loop()
        )
        assert agent.is_ready() and app.ctx.agent is agent
        assert gc.get_freeze_count() > 100_000  # the model's objects, skipped from now on
    finally:
        gc.unfreeze()
