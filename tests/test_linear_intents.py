"""LinearIntentClassifier: trained on real Rasa features, persisted, loaded, and deterministic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.linear_intents import LinearIntentClassifier

EXAMPLES = {
    "barrier_local_knowledge": [
        "nobody knows where to refer people",
        "we don't know what local services exist",
        "no list of community groups for pain",
        "where can I signpost someone with low mood",
        "our directory of services is out of date",
        "I have no idea what the voluntary sector offers here",
    ],
    "barrier_skills_training": [
        "physios aren't trained to ask about mood",
        "staff lack confidence talking about mental health",
        "we need training on pain and depression",
        "clinicians feel out of their depth with anxiety",
        "no teaching on psychologically informed practice",
        "our team never learned how to start that conversation",
    ],
}
CONTEXT = ExecutionContext(GraphSchema({}), model_id="test-model")


class RealFeatures:
    """A real tokenizer and two real count featurizers (words and pairs, characters)."""

    def __init__(self, folder: Path) -> None:
        self.tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        self.featurizers = [
            self._count_featurizer(folder, "words", max_ngram=2),
            self._count_featurizer(folder, "chars", analyzer="char_wb", max_ngram=4),
        ]

    @staticmethod
    def _count_featurizer(folder: Path, name: str, **config: object) -> CountVectorsFeaturizer:
        (folder / name).mkdir()
        return CountVectorsFeaturizer.create(
            {**CountVectorsFeaturizer.get_default_config(), "alias": name, **config},
            LocalModelStorage.create(folder / name),
            Resource(name),
            ExecutionContext(GraphSchema({}), node_name=name),
        )

    def fit(self, messages: list[Message]) -> TrainingData:
        self.tokenizer.process(messages)
        for featurizer in self.featurizers:
            featurizer.train(TrainingData(messages))
            featurizer.process(messages)
        return TrainingData(messages)

    def __call__(self, *texts: str) -> list[Message]:
        messages = self.tokenizer.process([Message(data={TEXT: text}) for text in texts])
        for featurizer in self.featurizers:
            featurizer.process(messages)
        return messages


@pytest.fixture(scope="module")
def features(tmp_path_factory: pytest.TempPathFactory) -> RealFeatures:
    return RealFeatures(tmp_path_factory.mktemp("featurizers"))


@pytest.fixture(scope="module")
def training_data(features: RealFeatures) -> TrainingData:
    return features.fit(
        [
            Message(data={TEXT: text, INTENT: intent})
            for intent, texts in EXAMPLES.items()
            for text in texts
        ]
    )


def trained(tmp_path: Path, data: TrainingData, **config: object) -> LinearIntentClassifier:
    (tmp_path / "model").mkdir(parents=True)
    storage = LocalModelStorage.create(tmp_path / "model")
    config = {"calibration_folds": 3, **config}
    classifier = LinearIntentClassifier.create(config, storage, Resource("linear"), CONTEXT)
    classifier.train(data)
    return classifier


def test_places_unseen_wording_and_ranks_every_intent(
    tmp_path: Path, training_data: TrainingData, features: RealFeatures
) -> None:
    classifier = trained(tmp_path, training_data)
    skills, local = classifier.process(
        features(
            "the physios have never been trained to talk about mood",
            "is there a list of local services I can refer to",
        )
    )
    assert skills.get(INTENT)["name"] == "barrier_skills_training"
    assert local.get(INTENT)["name"] == "barrier_local_knowledge"
    for message in (skills, local):
        ranking = message.get("intent_ranking")
        assert ranking[0]["name"] == message.get(INTENT)["name"]
        assert sorted(r["name"] for r in ranking) == sorted(EXAMPLES)
        assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
        assert ranking[0]["confidence"] >= ranking[1]["confidence"]


def test_a_loaded_model_answers_as_the_trained_one(
    tmp_path: Path, training_data: TrainingData, features: RealFeatures
) -> None:
    classifier = trained(tmp_path, training_data)
    storage = classifier._model_storage
    loaded = LinearIntentClassifier.load(
        {"calibration_folds": 3}, storage, Resource("linear"), CONTEXT
    )
    texts = ["no one knows the local offer", "we need training", "asdf qwerty"]
    before = [m.get("intent_ranking") for m in classifier.process(features(*texts))]
    after = [m.get("intent_ranking") for m in loaded.process(features(*texts))]
    assert after == before


def test_two_trainings_give_the_same_model(
    tmp_path: Path, training_data: TrainingData, features: RealFeatures
) -> None:
    first = trained(tmp_path / "first", training_data)
    second = trained(tmp_path / "second", training_data)
    text = "staff don't know which services are local and aren't trained either"
    assert [m.get("intent_ranking") for m in first.process(features(text))] == [
        m.get("intent_ranking") for m in second.process(features(text))
    ]


def test_ranking_length_cuts_the_ranking(
    tmp_path: Path, training_data: TrainingData, features: RealFeatures
) -> None:
    classifier = trained(tmp_path, training_data, ranking_length=1)
    [message] = classifier.process(features("nobody knows where to refer"))
    assert len(message.get("intent_ranking")) == 1


def test_dense_features_count_and_a_missing_block_is_zeros(
    tmp_path: Path, training_data: TrainingData, features: RealFeatures
) -> None:
    """A dense block (as MiniLM adds) is used; a message without it still gets an answer."""
    rng = np.random.default_rng(0)
    with_dense = []
    for message in training_data.intent_examples:
        copy = Message(data=dict(message.data), features=list(message.features))
        copy.add_features(Features(rng.normal(size=(1, 8)), "sentence", TEXT, origin="dense-test"))
        with_dense.append(copy)
    classifier = trained(tmp_path, TrainingData(with_dense))
    assert classifier.rows is not None and classifier.rows.dense == {"dense-test": 8}
    [message] = classifier.process(features("where can I signpost people"))
    assert message.get(INTENT)["name"] in EXAMPLES


def test_without_intent_examples_it_stays_untrained_and_leaves_messages_alone(
    tmp_path: Path,
) -> None:
    classifier = trained(tmp_path, TrainingData([]))
    [message] = classifier.process([Message(data={TEXT: "hello"})])
    assert message.get(INTENT) is None
    loaded = LinearIntentClassifier.load({}, classifier._model_storage, Resource("linear"), CONTEXT)
    assert loaded.classifier is None


@pytest.mark.parametrize("config", [{"C": 0}, {"dense_weight": -1}, {"calibration_folds": 1}])
def test_a_bad_config_is_refused_with_a_clear_error(tmp_path: Path, config: dict) -> None:
    with pytest.raises(InvalidConfigException, match="LinearIntentClassifier needs"):
        LinearIntentClassifier.create(
            config, LocalModelStorage.create(tmp_path), Resource("linear"), CONTEXT
        )
