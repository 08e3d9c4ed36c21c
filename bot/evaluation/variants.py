"""Pipeline variants compared in the report, derived from config.yml so there is one config.

Two choices, every combination: features (the spaCy pipeline's sparse featurizers, with or
without MiniLM sentence embeddings) and intent classifier (our linear SVM, or Rasa's DIET as
Signpost first used it).
"""

import copy
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.paths import PROJECT_ROOT

CONFIG = PROJECT_ROOT / "config.yml"
MINILM = "bot.nlp.sentence_embeddings.MiniLMFeaturizer"
LINEAR = "bot.nlp.linear_intents.LinearIntentClassifier"
# DIET as Signpost's first default config had it (two 128-wide transformer layers).
DIET = {
    "name": "DIETClassifier",
    "epochs": 50,
    "number_of_transformer_layers": 2,
    "transformer_size": 128,
    "entity_recognition": False,
    "constrain_similarities": True,
    "random_seed": 42,
}
FEATURES = {False: ("spaCy pipeline", "spacy"), True: ("spaCy pipeline + MiniLM", "spacy-minilm")}
CLASSIFIERS = {True: ("linear SVM", "linear"), False: ("DIET", "diet")}


@dataclass(frozen=True)
class Variant:
    name: str
    slug: str
    config: dict

    def write(self, folder: Path) -> Path:
        path = folder / f"config-{self.slug}.yml"
        path.write_text(yaml.safe_dump(self.config, sort_keys=False))
        return path


def _has(config: dict, component: str) -> bool:
    return any(step["name"] == component for step in config["pipeline"])


def _with_features(config: dict, minilm: bool) -> dict:
    """The config with or without the MiniLM featurizer (added after the last featurizer)."""
    changed = copy.deepcopy(config)
    pipeline = [step for step in changed["pipeline"] if step["name"] != MINILM]
    if minilm:
        last = max(i for i, step in enumerate(pipeline) if step["name"] == "CountVectorsFeaturizer")
        pipeline.insert(last + 1, {"name": MINILM})
    changed["pipeline"] = pipeline
    return changed


def _with_classifier(config: dict, linear: bool) -> dict:
    """The config with config.yml's linear classifier step, or DIET in its place (with the
    token-level LexicalSyntacticFeaturizer it had: DIET reads token sequences, the SVM does not)."""
    if linear:
        return copy.deepcopy(config)
    changed = copy.deepcopy(config)
    pipeline = []
    for step in changed["pipeline"]:
        pipeline.append(copy.deepcopy(DIET) if step["name"] == LINEAR else step)
        if step["name"] == "SpacyTokenizer":
            pipeline.append({"name": "LexicalSyntacticFeaturizer"})
    changed["pipeline"] = pipeline
    return changed


def _slug(minilm: bool, linear: bool) -> str:
    return f"{FEATURES[minilm][1]}-{CLASSIFIERS[linear][1]}"


def variants(config_path: Path = CONFIG) -> list[Variant]:
    """Every combination of features and classifier, config.yml's own first."""
    config = yaml.safe_load(config_path.read_text())
    if not _has(config, LINEAR):
        raise ValueError(f"{config_path} has no {LINEAR}: the variants swap that step.")
    own = (_has(config, MINILM), True)
    combinations = [own] + [
        (minilm, linear)
        for linear in (True, False)
        for minilm in (True, False)
        if (minilm, linear) != own
    ]
    return [
        Variant(
            f"{FEATURES[minilm][0]}, {CLASSIFIERS[linear][0]}",
            _slug(minilm, linear),
            _with_classifier(_with_features(config, minilm), linear),
        )
        for minilm, linear in combinations
    ]


def default_slug(config_path: Path = CONFIG) -> str:
    """Which variant config.yml itself is."""
    config = yaml.safe_load(config_path.read_text())
    return _slug(_has(config, MINILM), _has(config, LINEAR))
