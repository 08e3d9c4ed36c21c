"""Rasa NLU component that forces the `crisis` intent when the deterministic matcher fires.

Why: the ML classifier can be unsure (nlu_fallback) or simply wrong on a risk disclosure. Placed
last in the pipeline, after FallbackClassifier, this guard overrides whatever came before, so the
crisis reply never depends on the model. Patterns are read when the model is loaded (not stored
in the model), so a reviewed change to the patterns file needs a restart, not a retrain.

config.yml:
    pipeline:
      - ...
      - name: FallbackClassifier
      - name: bot.nlp.crisis_guard.CrisisGuard
        # patterns_file: data/safety/crisis_patterns.yml   (relative to the project root)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.paths import PROJECT_ROOT
from bot.safety.crisis import PATTERNS_FILE, CrisisMatcher, load_matcher

CRISIS_INTENT = "crisis"
CRISIS_SIGNALS_KEY = "crisis_signals"
PATTERNS_FILE_KEY = "patterns_file"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisGuard(GraphComponent, IntentClassifier):
    """Sets intent `crisis` (confidence 1.0) on any message the crisis matcher flags."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`patterns_file`: None means the project's reviewed data/safety/crisis_patterns.yml."""
        return {PATTERNS_FILE_KEY: None}

    def __init__(self, matcher: CrisisMatcher) -> None:
        self._matcher = matcher

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisGuard:
        """Load (and validate) the patterns now, so a broken file stops the model loading."""
        return cls(load_matcher(_patterns_path(config.get(PATTERNS_FILE_KEY))))

    def process(self, messages: list[Message]) -> list[Message]:
        """Override the predicted intent of every flagged message; leave the rest untouched.

        The earlier ranking is kept after `crisis`, minus any lower `crisis` guess of the model's
        own, so the intent is listed once.
        """
        for message in messages:
            signals = self._matcher.find(message.get(TEXT) or "")
            if not signals:
                continue
            crisis = {INTENT_NAME_KEY: CRISIS_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            previous = [
                ranked
                for ranked in message.get(INTENT_RANKING_KEY) or []
                if ranked.get(INTENT_NAME_KEY) != CRISIS_INTENT
            ]
            message.set(INTENT, crisis, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [dict(crisis), *previous], add_to_output=True)
            pattern_ids = list(dict.fromkeys(signal.pattern_id for signal in signals))
            message.set(CRISIS_SIGNALS_KEY, pattern_ids, add_to_output=True)
        return messages


def _patterns_path(configured: str | None) -> Path:
    """A configured path is read relative to the project root, never the process's cwd."""
    if not configured:
        return PATTERNS_FILE
    path = Path(configured).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path
