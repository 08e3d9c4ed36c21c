"""Scores a trained model on held-out examples: what the quality gate and reports rely on."""

import asyncio
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data


@dataclass(frozen=True)
class Miss:
    text: str
    expected: str
    predicted: str
    confidence: float


@dataclass(frozen=True)
class HeldOutScore:
    """Per-intent recall on a held-out file, with every miss kept for the report."""

    totals: dict[str, int]
    correct: dict[str, int]
    misses: tuple[Miss, ...]

    def recall(self, intent: str) -> float:
        return self.correct.get(intent, 0) / self.totals[intent]

    @property
    def accuracy(self) -> float:
        return sum(self.correct.values()) / sum(self.totals.values())


def held_out_examples(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs from a Rasa NLU file."""
    return [(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples]


def score(model_path: Path, held_out: Path) -> HeldOutScore:
    """Parse every example of a held-out file with the model exactly as the server would."""
    return score_examples(model_path, held_out_examples(held_out))


def score_examples(model_path: Path, examples: list[tuple[str, str]]) -> HeldOutScore:
    """Parse (text, intent) pairs with the model exactly as the server would."""
    agent = Agent.load(str(model_path))

    async def parse_all() -> list[dict]:
        return [await agent.parse_message(text) for text, _ in examples]

    parsed = asyncio.run(parse_all())
    totals, correct, misses = Counter(), Counter(), []
    for (text, expected), result in zip(examples, parsed, strict=True):
        predicted = result["intent"]["name"]
        totals[expected] += 1
        if predicted == expected:
            correct[expected] += 1
        else:
            misses.append(Miss(text, expected, predicted, float(result["intent"]["confidence"])))
    return HeldOutScore(dict(totals), dict(correct), tuple(misses))
