"""Rasa NLU component that forces the `crisis` intent when the deterministic matcher fires.

Why: the ML classifier can be unsure (nlu_fallback) or simply wrong on a risk disclosure. Placed
last in the pipeline, after FallbackClassifier, this guard overrides whatever came before, so the
crisis reply never depends on the model. Patterns are read when the model is loaded (not stored
in the model), so a reviewed change to the patterns file needs a restart, not a retrain.

New wording still slips past any list of patterns, so the guard also listens to the model: when
the matcher is silent but the model gives `crisis` at least `check_threshold` anywhere in its
ranking, the intent becomes `crisis` with a `possible_risk` entity. The rules answer that with a
short crisis check and then the usual answer, so a false alarm costs one paragraph, not the
answer. The threshold was fixed before the set that validates it was scored (see the README).

config.yml:
    pipeline:
      - ...
      - name: FallbackClassifier
      - name: bot.nlp.crisis_guard.CrisisGuard
        # patterns_file: data/safety/crisis_patterns.yml   (relative to the project root)
        check_threshold: 0.05   # null turns the check off
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
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.paths import PROJECT_ROOT
from bot.safety import CRISIS_INTENT, POSSIBLE_RISK_ENTITY
from bot.safety.crisis import PATTERNS_FILE, CrisisMatcher, load_matcher

CRISIS_SIGNALS_KEY = "crisis_signals"
PATTERNS_FILE_KEY = "patterns_file"
CHECK_THRESHOLD_KEY = "check_threshold"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisGuard(GraphComponent, IntentClassifier):
    """Sets intent `crisis` (confidence 1.0) on any message the crisis matcher flags, and marks
    the ones the model alone finds worrying enough for the short check."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`patterns_file`: None means the project's reviewed data/safety/crisis_patterns.yml.
        `check_threshold`: None means the model alone never triggers the short check."""
        return {PATTERNS_FILE_KEY: None, CHECK_THRESHOLD_KEY: None}

    def __init__(self, matcher: CrisisMatcher, check_threshold: float | None = None) -> None:
        self._matcher = matcher
        self._check_threshold = check_threshold

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisGuard:
        """Load (and validate) the patterns now, so a broken file stops the model loading."""
        threshold = config.get(CHECK_THRESHOLD_KEY)
        if threshold is not None and not 0 < threshold <= 1:
            raise ValueError(f"{CHECK_THRESHOLD_KEY} must be in (0, 1], or null; got {threshold}")
        return cls(load_matcher(_patterns_path(config.get(PATTERNS_FILE_KEY))), threshold)

    def process(self, messages: list[Message]) -> list[Message]:
        """Override the predicted intent of every flagged message; leave the rest untouched.

        The earlier ranking is kept after `crisis`, minus any lower `crisis` guess of the model's
        own, so the intent is listed once and what the message was otherwise about stays second.
        """
        for message in messages:
            signals = self._matcher.find(message.get(TEXT) or "")
            if signals:
                _make_crisis(message, 1.0)
                pattern_ids = list(dict.fromkeys(signal.pattern_id for signal in signals))
                message.set(CRISIS_SIGNALS_KEY, pattern_ids, add_to_output=True)
            elif (score := self._check_score(message)) is not None:
                _make_crisis(message, score)
                _add_possible_risk(message)
        return messages

    def _check_score(self, message: Message) -> float | None:
        """The model's own crisis score, when it earns the short check: it passed the threshold,
        though crisis is not the model's answer."""
        if self._check_threshold is None:
            return None
        if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == CRISIS_INTENT:
            return None
        score = _model_crisis_confidence(message)
        return score if score >= self._check_threshold else None


def _model_crisis_confidence(message: Message) -> float:
    return next(
        (
            float(ranked.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            for ranked in message.get(INTENT_RANKING_KEY) or []
            if ranked.get(INTENT_NAME_KEY) == CRISIS_INTENT
        ),
        0.0,
    )


def _make_crisis(message: Message, confidence: float) -> None:
    crisis = {INTENT_NAME_KEY: CRISIS_INTENT, PREDICTED_CONFIDENCE_KEY: confidence}
    previous = [
        ranked
        for ranked in message.get(INTENT_RANKING_KEY) or []
        if ranked.get(INTENT_NAME_KEY) != CRISIS_INTENT
    ]
    message.set(INTENT, crisis, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(crisis), *previous], add_to_output=True)


def _add_possible_risk(message: Message) -> None:
    """An entity, so that a rule can tell the check from the full reply (rules see entities)."""
    text = message.get(TEXT) or ""
    entity = {
        ENTITY_ATTRIBUTE_TYPE: POSSIBLE_RISK_ENTITY,
        ENTITY_ATTRIBUTE_VALUE: "possible",
        ENTITY_ATTRIBUTE_START: 0,
        ENTITY_ATTRIBUTE_END: len(text),
        EXTRACTOR: CrisisGuard.__name__,
    }
    message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)


def _patterns_path(configured: str | None) -> Path:
    """A configured path is read relative to the project root, never the process's cwd."""
    if not configured:
        return PATTERNS_FILE
    path = Path(configured).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path
