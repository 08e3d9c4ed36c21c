"""Offline MiniLM sentence embeddings as a Rasa 3.6 dense featurizer.

Why: the sparse featurizers only see words and character n-grams that occur in our training
data, so a barrier phrased with other words ("we don't know which services to send patients to"
against "nobody knows where to refer people") gets little support. all-MiniLM-L6-v2 places
paraphrases close together, and the intent classifier (our linear SVM, or DIET in the compared
variants) can use that as an extra dense input.

Why this and not Rasa's LanguageModelFeaturizer: that one uses the [CLS] vector (MiniLM was
trained with mean pooling) and was about five times slower per message. Loading and pooling are
shared with the fine-tuned classifier (bot/nlp/minilm.py).

config.yml, after the CountVectorsFeaturizers and before the intent classifier:
    - name: bot.nlp.sentence_embeddings.MiniLMFeaturizer
      # alias: minilm            (as for other featurizers)
      # model_path: null         (null = the folder inside the installed package)
      # batch_size: 64           (messages per forward pass while featurizing training data)
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

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

# sentence-transformers' max_seq_length for all-MiniLM-L6-v2.
MAX_WORD_PIECES = 256

MODEL_PATH_KEY = "model_path"
BATCH_SIZE_KEY = "batch_size"


@dataclass(frozen=True)
class Embedding:
    """One text's MiniLM output.

    `sentence` is the L2-normalised mean of the word-piece states (what sentence-transformers
    returns); `pieces` are the word-piece states without [CLS]/[SEP], `offsets` their character
    spans in the text; `mean` is the un-normalised pooled vector, a fallback token vector on the
    same scale as `pieces`.
    """

    sentence: np.ndarray
    mean: np.ndarray
    pieces: np.ndarray
    offsets: list[tuple[int, int]]


class MiniLMEncoder:
    """Tokenizer and TF model, with the forward pass and pooling compiled into one tf.function."""

    def __init__(self, folder: Path) -> None:
        import tensorflow as tf

        self._tokenizer = load_tokenizer(folder / "tokenizer.json", MAX_WORD_PIECES)
        model = load_bert(folder)
        spec = tf.TensorSpec(shape=[None, None], dtype=tf.int32)

        @tf.function(input_signature=[spec, spec], reduce_retracing=True)
        def forward(input_ids: tf.Tensor, attention_mask: tf.Tensor) -> tuple[tf.Tensor, ...]:
            # Dynamic shapes: traced once, whatever the batch size and length.
            hidden = model(
                input_ids=input_ids, attention_mask=attention_mask, training=False
            ).last_hidden_state
            mean = mean_pool(hidden, attention_mask)
            return hidden, mean, tf.math.l2_normalize(mean, axis=1)

        self._forward: Callable[..., tuple[Any, ...]] = forward

    def encode(self, texts: Sequence[str]) -> list[Embedding]:
        """Embed texts in one forward pass (callers batch them)."""
        if not texts:
            return []
        encodings, ids, mask = padded_batch(self._tokenizer, texts)
        hidden, mean, sentence = (tensor.numpy() for tensor in self._forward(ids, mask))
        embeddings = []
        for row, encoding in enumerate(encodings):
            # Drop [CLS] and [SEP]; they have special_tokens_mask 1 and no text span.
            keep = [i for i, special in enumerate(encoding.special_tokens_mask) if not special]
            embeddings.append(
                Embedding(
                    sentence=sentence[row].astype(np.float32),
                    mean=mean[row].astype(np.float32),
                    pieces=hidden[row, keep].astype(np.float32),
                    offsets=[encoding.offsets[i] for i in keep],
                )
            )
        return embeddings


@functools.cache  # = lru_cache(maxsize=None)
def load_encoder(folder: str) -> MiniLMEncoder:
    """Load the model once per process, on first use (never at import: TF start-up is slow)."""
    logger.debug("Loading MiniLM from %s", folder)
    return MiniLMEncoder(Path(folder))


@functools.cache  # = lru_cache(maxsize=None)
def _weights_digest(folder: str) -> str:
    """sha256 of the weights: Rasa's graph cache must not reuse features from other weights."""
    digest = hashlib.sha256()
    with (Path(folder) / "model.safetensors").open("rb") as weights:
        for block in iter(lambda: weights.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def token_features(tokens: Sequence[Token], embedding: Embedding) -> np.ndarray:
    """One row per Rasa token: the mean of the word pieces whose character span overlaps it.

    The sequence rows are for DIET (the linear classifier reads only the sentence vector).
    Why not repeat the sentence vector on every row: DIET already receives that as the sentence
    feature, and every featurizer's sequence features must have exactly one row per token of the
    pipeline's tokenizer (DIET concatenates them per token). Mapping pieces to tokens by
    character offsets keeps contextual, token-specific information and does not depend on spaCy
    and WordPiece agreeing on word boundaries ("don't", "e-mail"). A token with no piece (text cut
    at 256 pieces, or characters the WordPiece normaliser drops) gets the un-normalised pooled
    vector, which is on the same scale as the piece vectors.
    """
    rows = np.empty((len(tokens), EMBEDDING_DIM), dtype=np.float32)
    starts = np.array([start for start, _ in embedding.offsets], dtype=np.int64)
    ends = np.array([end for _, end in embedding.offsets], dtype=np.int64)
    for row, token in enumerate(tokens):
        overlapping = (starts < token.end) & (ends > token.start)
        rows[row] = (
            embedding.pieces[overlapping].mean(axis=0) if overlapping.any() else embedding.mean
        )
    return rows


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds all-MiniLM-L6-v2 dense features for TEXT: a 1 x 384 sentence and a token sequence."""

    @classmethod
    def required_components(cls) -> list[type]:
        """A tokenizer must run first: sequence features need its tokens."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`alias` as for every featurizer; `model_path` None means the installed package."""
        return {
            **DenseFeaturizer.get_default_config(),
            MODEL_PATH_KEY: None,
            BATCH_SIZE_KEY: 64,
        }

    @staticmethod
    def required_packages() -> list[str]:
        """Checked by Rasa before training, so a missing dependency fails early."""
        return ["tensorflow", "transformers", "tokenizers"]

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._folder = _model_folder(config)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Fail at graph construction, not halfway through featurizing."""
        batch_size = config.get(BATCH_SIZE_KEY)
        if not isinstance(batch_size, int) or batch_size < 1:
            raise InvalidConfigException(f"{BATCH_SIZE_KEY} must be a positive integer.")
        check_folder(_model_folder(config))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MiniLMFeaturizer:
        """Cheap: the weights are loaded on first use (see `load` for serving)."""
        return cls(config, execution_context.node_name or cls.__name__)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> MiniLMFeaturizer:
        """Rasa calls this when a trained model is loaded for serving: warm up the model then.

        Otherwise the first user message would wait several seconds for TensorFlow to load the
        weights and trace the forward pass; here that cost moves to server start-up.
        """
        featurizer = cls.create(config, model_storage, resource, execution_context)
        load_encoder(str(featurizer._folder)).encode(["warm up"])
        return featurizer

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Changed weights must invalidate Rasa's cache, which only fingerprints the config."""
        return _weights_digest(str(_model_folder(config)))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize all training examples with text, `batch_size` at a time."""
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Featurize incoming messages (usually one)."""
        self._featurize(messages)
        return messages

    def _featurize(self, messages: Sequence[Message]) -> None:
        # Empty or missing text gets no features, as with Rasa's own featurizers.
        todo = [message for message in messages if (message.get(TEXT) or "").strip()]
        # Similar lengths together, so little padding is computed.
        todo.sort(key=lambda message: len(message.get(TEXT)))
        if not todo:
            return
        encoder = load_encoder(str(self._folder))
        batch_size = self._config[BATCH_SIZE_KEY]
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            for message, embedding in zip(
                batch, encoder.encode([message.get(TEXT) for message in batch]), strict=True
            ):
                tokens = message.get(TOKENS_NAMES[TEXT]) or []
                self.add_features_to_message(
                    sequence=token_features(tokens, embedding) if tokens else None,
                    sentence=embedding.sentence[np.newaxis, :],
                    attribute=TEXT,
                    message=message,
                )


def _model_folder(config: dict[str, Any]) -> Path:
    return configured_folder(config.get(MODEL_PATH_KEY))
