"""Runs a trained Rasa model over many messages, as the server would parse them."""

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from rasa.core.agent import Agent
from rasa.utils.log_utils import configure_structlog
from tqdm import tqdm


@dataclass(frozen=True)
class Parsed:
    intent: str
    confidence: float
    crisis_signals: tuple[str, ...]
    top_intent: str  # the classifier's own first choice, before any fallback decision


def parse_all(model_path: Path, texts: list[str], label: str = "parsing") -> list[Parsed]:
    """Every text through the model's NLU, with a progress bar on the terminal."""
    configure_structlog(logging.WARNING)  # Rasa logs every parse at debug level otherwise
    agent = Agent.load(str(model_path))

    async def parse() -> list[dict]:
        return [await agent.parse_message(text) for text in tqdm(texts, desc=label, leave=False)]

    return [
        Parsed(
            intent=result["intent"]["name"],
            confidence=float(result["intent"]["confidence"]),
            crisis_signals=tuple(result.get("crisis_signals") or ()),
            top_intent=next(
                (
                    r["name"]
                    for r in result.get("intent_ranking", [])
                    if r["name"] != "nlu_fallback"
                ),
                result["intent"]["name"],
            ),
        )
        for result in asyncio.run(parse())
    ]
