"""The entity vocabulary in data/nlp/entities.yml: ruler patterns, and phrase-to-setting lookup."""

from functools import lru_cache
from pathlib import Path

import yaml

from bot.paths import DATA_DIR

ENTITIES_FILE = DATA_DIR / "nlp" / "entities.yml"


@lru_cache(maxsize=4)
def _groups(path: Path = ENTITIES_FILE) -> dict[str, list[dict]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["entities"]


def ruler_patterns(path: Path = ENTITIES_FILE) -> list[dict]:
    """spaCy EntityRuler phrase patterns, one per phrase, labelled with the entity type."""
    return [
        {"label": label, "pattern": phrase}
        for label, groups in _groups(path).items()
        for group in groups
        for phrase in group["phrases"]
    ]


@lru_cache(maxsize=4)
def _setting_by_phrase(path: Path = ENTITIES_FILE) -> dict[str, str]:
    return {
        phrase.lower(): group["setting"]
        for groups in _groups(path).values()
        for group in groups
        if "setting" in group
        for phrase in group["phrases"]
    }


def settings_for(phrases: list[str], path: Path = ENTITIES_FILE) -> frozenset[str]:
    """The settings (as used on examples) that the user's tagged words point to."""
    lookup = _setting_by_phrase(path)
    return frozenset(lookup[p.lower()] for p in phrases if p.lower() in lookup)
