"""Quality gate: the trained model must place held-out barriers in the right area."""

import pytest

from bot.nlp.evaluation import held_out_examples, score
from bot.paths import PROJECT_ROOT
from bot.servers import latest_model

pytestmark = pytest.mark.slow
HELD_OUT = PROJECT_ROOT / "tests" / "nlu" / "heldout_a.yml"
MIN_RECALL = 0.85


@pytest.fixture(scope="module")
def held_out_score():
    return score(latest_model(), HELD_OUT)


def test_held_out_file_is_never_trained_on() -> None:
    training = {text.lower() for text, _ in held_out_examples(PROJECT_ROOT / "data" / "nlu")}
    held_out = [text for text, _ in held_out_examples(HELD_OUT)]
    assert len(held_out) >= 120
    assert [text for text in held_out if text.lower() in training] == []


@pytest.mark.parametrize(
    "intent",
    [
        "barrier_local_knowledge",
        "barrier_skills_training",
        "barrier_environment_processes",
        "barrier_patient_expectations",
        "barrier_coordination_access",
        "barrier_evidence_business_case",
    ],
)
def test_each_area_is_recalled_on_held_out_messages(held_out_score, intent: str) -> None:
    assert held_out_score.totals[intent] >= 20
    misses = [m.text for m in held_out_score.misses if m.expected == intent]
    assert held_out_score.recall(intent) >= MIN_RECALL, misses
