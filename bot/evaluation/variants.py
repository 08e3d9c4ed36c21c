"""Pipeline variants compared in the report, derived from config.yml so there is one config.

Two choices: features (the spaCy pipeline's sparse featurizers, with or without frozen MiniLM
sentence embeddings) and intent classifier (our linear SVM; MiniLM fine-tuned on the intents;
the two blended, as config.yml has it; or Rasa's DIET as Signpost first used it). The report
shows config.yml's own pipeline first, then each classifier alone and DIET, with and without
MiniLM features (the fine-tuned classifier reads the text itself, so it is run once).

When config.yml averages several fine-tuned models (a seed ensemble), the compared variants
fine-tune one, as the ensemble's gain is shown once, against the same blend with one seed:
each model in an ensemble costs a full fine-tune.
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
ENSEMBLE_SIZE = "ensemble_size"
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
    "blend-one-seed": "linear SVM + fine-tuned MiniLM, one seed",
    "linear": "linear SVM",
    "fine-tuned": "fine-tuned MiniLM",
    "diet": "DIET",
}
COMPARED = [
    (False, "blend-one-seed"),
    (True, "blend-one-seed"),
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
    one_seed = {**fine_tuned, ENSEMBLE_SIZE: 1}
    steps = {
        "blend": [linear, fine_tuned],
        "blend-one-seed": [linear, one_seed],
        "linear": [linear],
        "fine-tuned": [{**one_seed, "previous_share": 0.0}],
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
    """config.yml's own pipeline first, then the others compared (a variant that comes out the
    same as config.yml's, such as the one-seed blend when config.yml has one seed, is left out)."""
    config = yaml.safe_load(config_path.read_text())
    if _step(config, LINEAR) is None:
        raise ValueError(f"{config_path} has no {LINEAR}: the variants swap that step.")
    own = _own(config)
    chosen: list[Variant] = []
    for minilm, classifier in [own] + [choice for choice in COMPARED if choice != own]:
        changed = _with_classifier(_with_features(config, minilm), classifier)
        if chosen and _same_model(changed, chosen[0].config):
            continue
        name = f"{FEATURES[minilm][0]}, {CLASSIFIERS[classifier]}{_seeds(changed)}"
        chosen.append(Variant(name, _slug(minilm, classifier), changed))
    return chosen


def _seeds(config: dict) -> str:
    """How many fine-tuned models a variant averages, when more than one."""
    size = (_step(config, FINE_TUNED) or {}).get(ENSEMBLE_SIZE, 1)
    return f" ({size} seeds averaged)" if size > 1 else ""


def _same_model(config: dict, other: dict) -> bool:
    """Whether two configs differ only in an ensemble size given as its default, 1."""

    def plain(c: dict) -> dict:
        steps = [
            {k: v for k, v in step.items() if (k, v) != (ENSEMBLE_SIZE, 1)}
            for step in c["pipeline"]
        ]
        return {**c, "pipeline": steps}

    return plain(config) == plain(other)


def default_slug(config_path: Path = CONFIG) -> str:
    """Which variant config.yml itself is."""
    return _slug(*_own(yaml.safe_load(config_path.read_text())))
