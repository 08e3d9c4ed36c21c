"""MiniLMIntentClassifier: really fine-tuned, persisted, loaded, deterministic, and blended."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.minilm_intents import MiniLMIntentClassifier
from tests.test_linear_intents import EXAMPLES

CONTEXT = ExecutionContext(GraphSchema({}), model_id="test-model")
# Enough steps for twelve examples to be learnt in seconds.
QUICK = {"epochs": 6, "learning_rate": 1e-4, "batch_size": 4}
UNSEEN = [
    "the physios have never been trained to talk about mood",
    "is there a list of local services I can refer to",
]


def training_data() -> TrainingData:
    return TrainingData(
        [
            Message(data={TEXT: text, INTENT: intent})
            for intent, texts in EXAMPLES.items()
            for text in texts
        ]
    )


def trained(folder: Path, **config: object) -> MiniLMIntentClassifier:
    folder.mkdir(parents=True)
    storage = LocalModelStorage.create(folder)
    classifier = MiniLMIntentClassifier.create(
        {**QUICK, **config}, storage, Resource("minilm_intents"), CONTEXT
    )
    classifier.train(training_data())
    return classifier


def with_config(classifier: MiniLMIntentClassifier, **config: object) -> MiniLMIntentClassifier:
    """The same trained weights under other serving settings."""
    return MiniLMIntentClassifier(
        {**classifier.config, **config},
        classifier._model_storage,
        classifier._resource,
        classifier.model,
    )


def messages(*texts: str) -> list[Message]:
    return [Message(data={TEXT: text}) for text in texts]


def rankings(classifier: MiniLMIntentClassifier, *texts: str) -> list[list[dict]]:
    return [m.get(INTENT_RANKING_KEY) for m in classifier.process(messages(*texts))]


@pytest.fixture(scope="module")
def classifier(tmp_path_factory: pytest.TempPathFactory) -> MiniLMIntentClassifier:
    return trained(tmp_path_factory.mktemp("fine_tuned") / "model")


def test_places_unseen_wording_and_ranks_every_intent(
    classifier: MiniLMIntentClassifier,
) -> None:
    skills, local = classifier.process(messages(*UNSEEN))
    assert skills.get(INTENT)["name"] == "barrier_skills_training"
    assert local.get(INTENT)["name"] == "barrier_local_knowledge"
    for message in (skills, local):
        ranking = message.get(INTENT_RANKING_KEY)
        assert ranking[0] == message.get(INTENT)
        assert sorted(r["name"] for r in ranking) == sorted(EXAMPLES)
        assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


def test_a_loaded_model_answers_as_the_trained_one(classifier: MiniLMIntentClassifier) -> None:
    loaded = MiniLMIntentClassifier.load(
        classifier.config, classifier._model_storage, classifier._resource, CONTEXT
    )
    texts = [*UNSEEN, "asdf qwerty", "a much longer message " * 40]
    assert rankings(loaded, *texts) == rankings(classifier, *texts)


def test_two_trainings_give_the_same_model_and_leave_random_state_alone(
    tmp_path: Path, classifier: MiniLMIntentClassifier
) -> None:
    python_state, numpy_state = random.getstate(), np.random.get_state()
    again = trained(tmp_path / "again")
    assert random.getstate() == python_state
    assert all(
        np.array_equal(a, b) for a, b in zip(np.random.get_state(), numpy_state, strict=True)
    )
    assert rankings(again, *UNSEEN) == rankings(classifier, *UNSEEN)


def test_blends_its_probabilities_with_the_previous_classifiers_ranking(
    classifier: MiniLMIntentClassifier,
) -> None:
    [own] = rankings(with_config(classifier, previous_share=0.0), UNSEEN[0])
    message = Message(data={TEXT: UNSEEN[0]})
    previous = [
        {"name": "barrier_local_knowledge", "confidence": 0.8},
        {"name": "greet", "confidence": 0.2},  # an intent the fine-tuned model never saw
    ]
    message.set(INTENT_RANKING_KEY, previous)
    [blended] = with_config(classifier, previous_share=0.75).process([message])

    got = {r["name"]: r["confidence"] for r in blended.get(INTENT_RANKING_KEY)}
    mine = {r["name"]: r["confidence"] for r in own}
    assert got["barrier_local_knowledge"] == pytest.approx(
        0.75 * 0.8 + 0.25 * mine["barrier_local_knowledge"]
    )
    assert got["barrier_skills_training"] == pytest.approx(0.25 * mine["barrier_skills_training"])
    assert got["greet"] == pytest.approx(0.75 * 0.2)
    # with three quarters of the say, the previous classifier's choice wins here
    assert blended.get(INTENT)["name"] == "barrier_local_knowledge"
    assert list(got.values()) == sorted(got.values(), reverse=True)


def test_ranking_length_cuts_the_ranking(classifier: MiniLMIntentClassifier) -> None:
    [ranking] = rankings(with_config(classifier, ranking_length=1), UNSEEN[0])
    assert [r["name"] for r in ranking] == ["barrier_skills_training"]


def test_empty_text_and_an_untrained_model_leave_messages_alone(
    tmp_path: Path, classifier: MiniLMIntentClassifier
) -> None:
    [empty] = classifier.process(messages(""))
    assert empty.get(INTENT) is None
    (tmp_path / "model").mkdir()
    untrained = MiniLMIntentClassifier.create(
        {}, LocalModelStorage.create(tmp_path / "model"), Resource("untrained"), CONTEXT
    )
    untrained.train(TrainingData([Message(data={TEXT: "no intent here"})]))
    [message] = untrained.process(messages("we need training"))
    assert message.get(INTENT) is None


@pytest.mark.parametrize(
    "config",
    [
        {"previous_share": 1.0},
        {"previous_share": -0.1},
        {"epochs": 0},
        {"batch_size": 2.5},
        {"learning_rate": 0},
        {"model_path": "/nonexistent/minilm"},
    ],
)
def test_a_bad_config_is_refused_with_a_clear_error(config: dict) -> None:
    with pytest.raises(InvalidConfigException):
        MiniLMIntentClassifier.validate_config(config)
