"""Pipeline variants compared in the report, derived from config.yml so there is one config."""

import copy
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.paths import PROJECT_ROOT

CONFIG = PROJECT_ROOT / "config.yml"
MINILM = "bot.nlp.sentence_embeddings.MiniLMFeaturizer"


@dataclass(frozen=True)
class Variant:
    name: str
    slug: str
    config: dict

    def write(self, folder: Path) -> Path:
        path = folder / f"config-{self.slug}.yml"
        path.write_text(yaml.safe_dump(self.config, sort_keys=False))
        return path


def _without(config: dict, component: str) -> dict:
    trimmed = copy.deepcopy(config)
    trimmed["pipeline"] = [step for step in trimmed["pipeline"] if step["name"] != component]
    return trimmed


def _with_after(config: dict, component: str, after: str) -> dict:
    if any(step["name"] == component for step in config["pipeline"]):
        return copy.deepcopy(config)
    extended = copy.deepcopy(config)
    last = max(i for i, step in enumerate(extended["pipeline"]) if step["name"] == after)
    extended["pipeline"].insert(last + 1, {"name": component})
    return extended


def variants(config_path: Path = CONFIG) -> list[Variant]:
    """(a) the spaCy pipeline alone, (b) the same plus MiniLM sentence embeddings."""
    config = yaml.safe_load(config_path.read_text())
    return [
        Variant("spaCy pipeline", "spacy", _without(config, MINILM)),
        Variant(
            "spaCy pipeline + MiniLM sentence embeddings",
            "spacy-minilm",
            _with_after(config, MINILM, "CountVectorsFeaturizer"),
        ),
    ]


def default_slug(config_path: Path = CONFIG) -> str:
    """Which variant config.yml itself is."""
    config = yaml.safe_load(config_path.read_text())
    return "spacy-minilm" if any(step["name"] == MINILM for step in config["pipeline"]) else "spacy"
