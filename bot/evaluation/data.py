"""The labelled examples an evaluation reads."""

from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

BARRIER_PREFIX = "barrier_"


def labelled(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs from a Rasa NLU file or folder."""
    return [(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples]


def lines(path: Path) -> list[str]:
    """Non-blank lines of a plain text file: one message each."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def annotations(path: Path) -> list[str]:
    """One label per line of a second annotator's file (lines starting with # are comments)."""
    return [line for line in lines(path) if not line.startswith("#")]
