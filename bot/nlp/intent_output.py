"""What Signpost's intent classifiers share: which examples they learn from, how they answer."""

from typing import Any

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def learnable_examples(training_data: TrainingData) -> list[Message]:
    """Intent examples with both an intent and a text (Rasa can hand over either without)."""
    return [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]


def set_ranking(message: Message, ranking: list[dict[str, Any]], ranking_length: int) -> None:
    """Write a best-first ranking as Rasa's own classifiers do, cut to `ranking_length` (0: all)."""
    if ranking_length > 0:
        ranking = ranking[:ranking_length]
    message.set(INTENT, ranking[0], add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
