"""`make train` with nothing changed keeps one model: `make run` trains every time it starts, and
each model is over 80 MB, so a new file per start would slowly fill the disk."""

import subprocess

import pytest

from bot.paths import PROJECT_ROOT

MODELS = PROJECT_ROOT / "models"


@pytest.mark.slow
def test_training_again_replaces_the_model_instead_of_adding_one() -> None:
    subprocess.run(["make", "-s", "train"], cwd=PROJECT_ROOT, check=True, capture_output=True)
    before = sorted(MODELS.glob("*.tar.gz"))
    subprocess.run(["make", "-s", "train"], cwd=PROJECT_ROOT, check=True, capture_output=True)
    after = sorted(MODELS.glob("*.tar.gz"))
    assert after == before
    assert MODELS / "signpost.tar.gz" in after
