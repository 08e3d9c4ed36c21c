"""Fixes to Rasa 3.6 itself, applied by bot/launch_rasa.py before Rasa's command line runs.

Kept to what a measurement or a failing test showed; each fix keeps Rasa's behaviour and only
removes the cost or the defect it names.
"""

import gc
from typing import Any

import rasa.core.run
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses


def validate_action_responses_with_one_validator() -> None:
    """Check each action server response against a validator built once.

    Rasa calls `jsonschema.validate(response, schema)` for every custom action it runs, and that
    first checks the schema itself against the JSON Schema meta-schema. py-spy on `make bench`'s
    8-conversation run put that self-check at over half the Rasa server's CPU time. The schema
    never changes, so it is checked once here; a valid response passes with the same validator
    class `jsonschema.validate` would pick, and an invalid one still goes to Rasa's own method,
    which raises its own error with its own message.
    """
    rasa_validate = RemoteAction._validate_action_result
    if getattr(rasa_validate, "checked_once", False):
        return
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        return validator.is_valid(result) or rasa_validate(self, result)

    validate.checked_once = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = validate  # type: ignore[method-assign]


def find_event_classes_in_a_table() -> None:
    """Find a stored event's class in a table instead of walking every subclass of Event.

    Rasa reads a conversation back from the tracker store event by event, and for each one
    walks the whole Event class tree (with `inspect.isabstract` on every class) to find the
    class with that event's name. py-spy put that walk at over a quarter of the Rasa server's
    CPU time in a 96-turn conversation, growing with the conversation's length. The table comes
    from the same walk in the same order (the first class with a name wins, as in Rasa's loop);
    a name it does not hold rebuilds it, in case a class was imported since, and a name still
    missing goes to Rasa's own method for its default or its error.
    """
    rasa_resolve = Event.resolve_by_type
    if getattr(rasa_resolve, "from_table", False):
        return
    table: dict[str, type[Event]] = {}

    def resolve(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
        if type_name not in table:
            table.clear()
            for event_class in all_subclasses(Event):
                table.setdefault(event_class.type_name, event_class)
        return table.get(type_name) or rasa_resolve(type_name, default)

    resolve.from_table = True  # type: ignore[attr-defined]
    Event.resolve_by_type = staticmethod(resolve)  # type: ignore[method-assign]


def freeze_the_loaded_model_out_of_the_collectors_way() -> None:
    """Once the model has loaded, keep the garbage collector from walking it on every full pass.

    A loaded model is millions of long-lived Python objects (TensorFlow, transformers, spaCy),
    and each full (generation 2) collection walks them all. gc callbacks on `make bench`'s
    8-conversation run timed those collections at 230 to 330 ms, a stall for every turn in
    flight, which set the p95 of a full turn. `gc.freeze()` right after loading moves what is
    alive then into a permanent generation that collections skip; later objects are collected
    as before. The price: cyclic garbage among the frozen objects is never freed, which matters
    only if the model were replaced at run time, and Signpost's Rasa has no API to do that.
    """
    rasa_load = rasa.core.run.load_agent_on_start
    if getattr(rasa_load, "freezes", False):
        return

    async def load_then_freeze(*args: Any, **kwargs: Any) -> Any:
        agent = await rasa_load(*args, **kwargs)
        gc.collect()
        gc.freeze()
        return agent

    load_then_freeze.freezes = True  # type: ignore[attr-defined]
    rasa.core.run.load_agent_on_start = load_then_freeze


def apply() -> None:
    """Every fix, in the process that is about to run Rasa."""
    validate_action_responses_with_one_validator()
    find_event_classes_in_a_table()
    freeze_the_loaded_model_out_of_the_collectors_way()
