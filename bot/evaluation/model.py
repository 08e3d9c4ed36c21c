"""Runs a trained Rasa model over many messages, as the server would parse them."""

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from rasa.core.agent import Agent
from rasa.utils.log_utils import configure_structlog
from tqdm import tqdm

from bot.safety import POSSIBLE_RISK_ENTITY


@dataclass(frozen=True)
class Parsed:
    intent: str  # what the reply answers; after the short crisis check, the intent beneath it
    confidence: float
    crisis_signals: tuple[str, ...]
    top_intent: str  # the classifier's own first choice, before any fallback decision
    crisis_check: bool  # the short crisis check came first (the model's crisis score was high)


def load_model(model_path: Path) -> Agent:
    """A trained model, loaded once for all the sets it parses (a load takes seconds)."""
    configure_structlog(logging.WARNING)  # Rasa logs every parse at debug level otherwise
    return Agent.load(str(model_path))


def parse_all(agent: Agent, texts: list[str], label: str = "parsing") -> list[Parsed]:
    """Every text through the model's NLU, with a progress bar on the terminal."""

    async def parse() -> list[dict]:
        return [await agent.parse_message(text) for text in tqdm(texts, desc=label, leave=False)]

    return [as_parsed(result) for result in asyncio.run(parse())]


def as_parsed(result: dict) -> Parsed:
    """One parse result, read the way the rules read it."""
    check = any(e.get("entity") == POSSIBLE_RISK_ENTITY for e in result.get("entities") or [])
    ranking = result.get("intent_ranking") or [result["intent"]]
    if check:  # the guard put `crisis` in front of the model's own ranking
        ranking = ranking[1:]
    answered = ranking[0] if check else result["intent"]
    return Parsed(
        intent=answered["name"],
        confidence=float(answered["confidence"]),
        crisis_signals=tuple(result.get("crisis_signals") or ()),
        top_intent=next(
            (r["name"] for r in ranking if r["name"] != "nlu_fallback"), answered["name"]
        ),
        crisis_check=check,
    )
