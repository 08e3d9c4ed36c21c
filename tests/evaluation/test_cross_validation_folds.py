"""The report's cross-validation is only worth comparing across runs if its folds are the same."""

from rasa.nlu.test import generate_folds
from rasa.shared.nlu.training_data.loading import load_data

from bot.evaluation.seeded_rasa import seed_global_state
from bot.paths import DATA_DIR


def first_test_fold(seed: int) -> list[str]:
    seed_global_state(seed)
    _, test = next(generate_folds(3, load_data(str(DATA_DIR / "nlu"))))
    return [example.get("text") for example in test.intent_examples]


def test_rasa_draws_the_same_folds_after_the_same_seed_and_other_folds_after_another() -> None:
    assert first_test_fold(42) == first_test_fold(42)
    assert first_test_fold(42) != first_test_fold(7)
