"""all-MiniLM-L6-v2 fine-tuned on our intent examples, as a Rasa 3.6 intent classifier.

Why: the linear SVM (bot/nlp/linear_intents.py) sees words, character n-grams and a frozen
sentence embedding; it reads "funding isn't the problem, we can't get the two services to work
together" as evidence for both areas. Fine-tuning the whole transformer on the labelled barriers
lets it learn which parts of a message decide the area. The two make different mistakes, so by
default this classifier blends its probabilities with the ranking of the classifier before it
(an equal share each, chosen before looking at any held-out result): on the held-out sets the
blend misplaces fewer barriers than either alone (docs/quality/report.md).

Training runs a few epochs of AdamW over length-bucketed batches: about 90 s an epoch on two
CPU cores for 3,600 examples. The trained weights live in the Rasa model, so serving needs only
the model archive; the package's weights are read only when training.

config.yml, after the classifier it blends with (or alone, with `previous_share: 0`):
    - name: bot.nlp.minilm_intents.MiniLMIntentClassifier
      # previous_share: 0.5      (weight of the previous classifier's ranking; 0 = ours only)
      # epochs: 4
      # learning_rate: 0.00005   (peak; decays linearly to zero)
      # batch_size: 16
      # weight_decay: 0.01
      # max_word_pieces: 128     (longer messages are cut when training and classifying)
      # random_seed: 42
      # ranking_length: 10
      # model_path: null         (null = the installed package's pre-trained weights)
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from tqdm import tqdm

from bot.nlp.intent_output import learnable_examples, set_ranking
from bot.nlp.minilm import (
    EMBEDDING_DIM,
    check_folder,
    configured_folder,
    load_bert,
    load_tokenizer,
    mean_pool,
    padded_batch,
)

logger = logging.getLogger(__name__)

BERT_FOLDER = "bert"
HEAD_FILE = "head.npz"
TOKENIZER_FILE = "tokenizer.json"
SETTINGS_FILE = "intents.json"
# Batches are drawn from windows of this many batches sorted by length, so a batch holds
# messages of similar length (little padding) while the order still varies every epoch.
LENGTH_WINDOW = 8
PREDICT_BATCH = 64


class FineTunedModel:
    """The transformer plus a linear layer over its mean-pooled output, trained end to end."""

    def __init__(self, bert: Any, intents: Sequence[str], max_word_pieces: int, tokenizer: Any):
        import tensorflow as tf

        self.bert = bert
        self.intents = list(intents)
        self.max_word_pieces = max_word_pieces
        self.tokenizer = tokenizer
        self.head = tf.keras.layers.Dense(len(self.intents))
        self.head.build((None, EMBEDDING_DIM))
        spec = tf.TensorSpec(shape=[None, None], dtype=tf.int32)

        @tf.function(input_signature=[spec, spec], reduce_retracing=True)
        def probabilities(input_ids: tf.Tensor, attention_mask: tf.Tensor) -> tf.Tensor:
            return tf.nn.softmax(self._logits(input_ids, attention_mask, training=False))

        self._probabilities = probabilities

    def _logits(self, input_ids: Any, attention_mask: Any, training: bool) -> Any:
        hidden = self.bert(
            input_ids=input_ids, attention_mask=attention_mask, training=training
        ).last_hidden_state
        return self.head(mean_pool(hidden, attention_mask))

    def fit(self, texts: list[str], labels: list[str], config: dict[str, Any]) -> None:
        """Fine-tune every weight on (text, intent) pairs; same data and seed, same model."""
        import tensorflow as tf

        shuffle = np.random.default_rng(config["random_seed"])
        targets = np.array([self.intents.index(label) for label in labels], dtype=np.int32)
        batch_size = config["batch_size"]
        steps = config["epochs"] * -(-len(texts) // batch_size)
        optimizer = tf.keras.optimizers.AdamW(
            learning_rate=tf.keras.optimizers.schedules.PolynomialDecay(
                config["learning_rate"], steps, end_learning_rate=0.0
            ),
            weight_decay=config["weight_decay"],
        )
        # BERT's pooler output is unused (we mean-pool), so it gets no gradient.
        weights = [
            w for w in self.bert.trainable_variables if "/pooler/" not in w.name
        ] + self.head.trainable_variables
        spec = tf.TensorSpec(shape=[None, None], dtype=tf.int32)

        @tf.function(
            input_signature=[spec, spec, tf.TensorSpec(shape=[None], dtype=tf.int32)],
            reduce_retracing=True,
        )
        def step(input_ids: tf.Tensor, attention_mask: tf.Tensor, target: tf.Tensor) -> tf.Tensor:
            with tf.GradientTape() as tape:
                logits = self._logits(input_ids, attention_mask, training=True)
                loss = tf.reduce_mean(
                    tf.keras.losses.sparse_categorical_crossentropy(
                        target, logits, from_logits=True
                    )
                )
            gradients = tape.gradient(loss, weights)
            optimizer.apply_gradients(zip(gradients, weights))  # noqa: B905 (autograph's zip has no strict)
            return loss

        progress = tqdm(range(config["epochs"]), desc="Fine-tuning MiniLM", unit="epoch")
        for _ in progress:
            losses = [
                float(
                    step(
                        *padded_batch(self.tokenizer, [texts[i] for i in batch])[1:], targets[batch]
                    )
                )
                for batch in length_bucketed_batches(texts, batch_size, shuffle)
            ]
            progress.set_postfix(loss=f"{np.mean(losses):.3f}")

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """One row of intent probabilities per text, in `intents` order."""
        rows = np.zeros((len(texts), len(self.intents)), dtype=np.float32)
        order = np.argsort([len(text) for text in texts], kind="stable")
        for start in range(0, len(texts), PREDICT_BATCH):
            chosen = order[start : start + PREDICT_BATCH]
            _, ids, mask = padded_batch(self.tokenizer, [texts[i] for i in chosen])
            rows[chosen] = self._probabilities(ids, mask).numpy()
        return rows

    def save(self, folder: Path, tokenizer_file: Path) -> None:
        self.bert.save_pretrained(str(folder / BERT_FOLDER))
        kernel, bias = self.head.get_weights()
        np.savez(folder / HEAD_FILE, kernel=kernel, bias=bias)
        shutil.copyfile(tokenizer_file, folder / TOKENIZER_FILE)
        settings = {"intents": self.intents, "max_word_pieces": self.max_word_pieces}
        (folder / SETTINGS_FILE).write_text(json.dumps(settings))

    @classmethod
    def read(cls, folder: Path) -> FineTunedModel:
        settings = json.loads((folder / SETTINGS_FILE).read_text())
        tokenizer = load_tokenizer(folder / TOKENIZER_FILE, settings["max_word_pieces"])
        model = cls(
            load_bert(folder / BERT_FOLDER),
            settings["intents"],
            settings["max_word_pieces"],
            tokenizer,
        )
        with np.load(folder / HEAD_FILE) as head:
            model.head.set_weights([head["kernel"], head["bias"]])
        return model


def length_bucketed_batches(
    texts: Sequence[str], batch_size: int, shuffle: np.random.Generator
) -> list[np.ndarray]:
    """Every index once, in batches of similar-length texts, in a shuffled order."""
    order = shuffle.permutation(len(texts))
    window = batch_size * LENGTH_WINDOW
    batches = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: len(texts[i]))
        batches += [np.array(chunk[i : i + batch_size]) for i in range(0, len(chunk), batch_size)]
    shuffle.shuffle(batches)
    return batches


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Same data and seed, same model: Keras draws the head's initial weights from TensorFlow's
    global seed and its dropout seeds from Python's `random`, so both are set (as Rasa's DIET
    does) and Python's and numpy's generators are given back their state afterwards."""
    import tensorflow as tf

    python_state, numpy_state = random.getstate(), np.random.get_state()
    tf.keras.utils.set_random_seed(seed)
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


def blend(
    own: dict[str, float], previous: list[dict[str, Any]], previous_share: float
) -> list[dict[str, Any]]:
    """Weighted mean of two intent rankings, best first; an intent one ranking lacks counts 0."""
    earlier = {item["name"]: float(item["confidence"]) for item in previous}
    names = list(own) + [name for name in earlier if name not in own]
    mixed = {
        name: previous_share * earlier.get(name, 0.0) + (1 - previous_share) * own.get(name, 0.0)
        for name in names
    }
    ranked = sorted(mixed.items(), key=lambda item: -item[1])
    return [{"name": name, "confidence": confidence} for name, confidence in ranked]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class MiniLMIntentClassifier(GraphComponent, IntentClassifier):
    """Fine-tuned MiniLM, blended with the previous classifier's ranking when there is one."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "previous_share": 0.5,
            "epochs": 4,
            "learning_rate": 5e-5,
            "batch_size": 16,
            "weight_decay": 0.01,
            "max_word_pieces": 128,
            "random_seed": 42,
            RANKING_LENGTH: LABEL_RANKING_LENGTH,
            "model_path": None,
        }

    @staticmethod
    def required_packages() -> list[str]:
        """Checked by Rasa before training, so a missing dependency fails early."""
        return ["tensorflow", "transformers", "tokenizers"]

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: FineTunedModel | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Fail at graph construction, not minutes into training."""
        settings = {**cls.get_default_config(), **config}
        if not 0 <= settings["previous_share"] < 1:
            raise InvalidConfigException("previous_share must be at least 0 and below 1.")
        for key in ("epochs", "batch_size", "max_word_pieces"):
            if not isinstance(settings[key], int) or settings[key] < 1:
                raise InvalidConfigException(f"{key} must be a positive integer.")
        if settings["learning_rate"] <= 0 or settings["weight_decay"] < 0:
            raise InvalidConfigException("learning_rate must be > 0 and weight_decay >= 0.")
        check_folder(configured_folder(settings["model_path"]))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MiniLMIntentClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = learnable_examples(training_data)
        if not examples:
            logger.debug("No intent examples: %s stays untrained.", type(self).__name__)
            return self._resource
        pretrained = configured_folder(self.config["model_path"])
        tokenizer_file = pretrained / TOKENIZER_FILE
        with seeded(self.config["random_seed"]):
            self.model = FineTunedModel(
                load_bert(pretrained),
                sorted({m.get(INTENT) for m in examples}),
                self.config["max_word_pieces"],
                load_tokenizer(tokenizer_file, self.config["max_word_pieces"]),
            )
            self.model.fit(
                [m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples], self.config
            )
        with self._model_storage.write_to(self._resource) as folder:
            self.model.save(folder, tokenizer_file)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        todo = [m for m in messages if (m.get(TEXT) or "").strip()]
        if self.model is None or not todo:
            return messages
        share = self.config["previous_share"]
        for message, row in zip(todo, self.model.predict([m.get(TEXT) for m in todo]), strict=True):
            own = dict(zip(self.model.intents, row.tolist(), strict=True))
            previous = message.get(INTENT_RANKING_KEY) or []
            ranking = blend(own, previous, share if previous else 0.0)
            set_ranking(message, ranking, self.config[RANKING_LENGTH])
        return messages

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> MiniLMIntentClassifier:
        """Load the fine-tuned weights and trace the forward pass now, not on the first message."""
        try:
            with model_storage.read_from(resource) as folder:
                model = FineTunedModel.read(folder)
        except ValueError:  # nothing was persisted: trained without intent examples
            return cls.create(config, model_storage, resource, execution_context)
        model.predict(["warm up"])
        return cls(config, model_storage, resource, model)
