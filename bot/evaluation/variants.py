"""Pipeline variants compared in the report, derived from config.yml so there is one config.

Two choices: features (the spaCy pipeline's sparse featurizers, with or without frozen MiniLM
sentence embeddings) and intent classifier (our linear SVM; MiniLM fine-tuned on the intents;
the two blended, as config.yml has it; or Rasa's DIET as Signpost first used it). The report
shows config.yml's own pipeline first, then each classifier alone and DIET, with and without
MiniLM features (the fine-tuned classifier reads the text itself, so it is run once).
"""

import copy
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.paths import PROJECT_ROOT

CONFIG = PROJECT_ROOT / "config.yml"
MINILM = "bot.nlp.sentence_embeddings.MiniLMFeaturizer"
LINEAR = "bot.nlp.linear_intents.LinearIntentClassifier"
FINE_TUNED = "bot.nlp.minilm_intents.MiniLMIntentClassifier"
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
CLASSIFIERS = {
    "blend": "linear SVM + fine-tuned MiniLM",
    "linear": "linear SVM",
    "fine-tuned": "fine-tuned MiniLM",
    "diet": "DIET",
}
COMPARED = [
    (True, "blend"),
    (True, "linear"),
    (False, "linear"),
    (False, "fine-tuned"),
    (True, "diet"),
    (False, "diet"),
]


@dataclass(frozen=True)
class Variant:
    name: str
    slug: str
    config: dict

    def write(self, folder: Path) -> Path:
        path = folder / f"config-{self.slug}.yml"
        path.write_text(yaml.safe_dump(self.config, sort_keys=False))
        return path


def _step(config: dict, component: str) -> dict | None:
    return next((step for step in config["pipeline"] if step["name"] == component), None)


def _with_features(config: dict, minilm: bool) -> dict:
    """The config with or without the MiniLM featurizer (added after the last featurizer)."""
    changed = copy.deepcopy(config)
    pipeline = [step for step in changed["pipeline"] if step["name"] != MINILM]
    if minilm:
        last = max(i for i, step in enumerate(pipeline) if step["name"] == "CountVectorsFeaturizer")
        pipeline.insert(last + 1, {"name": MINILM})
    changed["pipeline"] = pipeline
    return changed


def _with_classifier(config: dict, classifier: str) -> dict:
    """The config with the chosen classifier steps where config.yml's classifiers are.

    The SVM and the fine-tuned model keep config.yml's settings; alone, the fine-tuned model
    blends with nothing. DIET gets the token-level LexicalSyntacticFeaturizer it had (DIET reads
    token sequences, the other classifiers do not).
    """
    linear = copy.deepcopy(_step(config, LINEAR))
    fine_tuned = copy.deepcopy(_step(config, FINE_TUNED) or {"name": FINE_TUNED})
    steps = {
        "blend": [linear, fine_tuned],
        "linear": [linear],
        "fine-tuned": [{**fine_tuned, "previous_share": 0.0}],
        "diet": [copy.deepcopy(DIET)],
    }[classifier]
    changed = copy.deepcopy(config)
    pipeline = []
    for step in changed["pipeline"]:
        if step["name"] == LINEAR:
            pipeline.extend(steps)
        elif step["name"] != FINE_TUNED:
            pipeline.append(step)
        if step["name"] == "SpacyTokenizer" and classifier == "diet":
            pipeline.append({"name": "LexicalSyntacticFeaturizer"})
    changed["pipeline"] = pipeline
    return changed


def _own(config: dict) -> tuple[bool, str]:
    classifier = "blend" if _step(config, FINE_TUNED) else "linear"
    return _step(config, MINILM) is not None, classifier


def _slug(minilm: bool, classifier: str) -> str:
    return f"{FEATURES[minilm][1]}-{classifier}"


def variants(config_path: Path = CONFIG) -> list[Variant]:
    """config.yml's own pipeline first, then the others compared."""
    config = yaml.safe_load(config_path.read_text())
    if _step(config, LINEAR) is None:
        raise ValueError(f"{config_path} has no {LINEAR}: the variants swap that step.")
    own = _own(config)
    combinations = [own] + [choice for choice in COMPARED if choice != own]
    return [
        Variant(
            f"{FEATURES[minilm][0]}, {CLASSIFIERS[classifier]}",
            _slug(minilm, classifier),
            _with_classifier(_with_features(config, minilm), classifier),
        )
        for minilm, classifier in combinations
    ]


def default_slug(config_path: Path = CONFIG) -> str:
    """Which variant config.yml itself is."""
    return _slug(*_own(yaml.safe_load(config_path.read_text())))
