"""`make train` with nothing changed keeps one model: `make run` trains every time it starts, and
each model is over 80 MB, so a new file per start would slowly fill the disk."""

import subprocess

import pytest

from bot.paths import PROJECT_ROOT

MODEL = PROJECT_ROOT / "models" / "signpost.tar.gz"


def make_train() -> None:
    subprocess.run(["make", "-s", "train"], cwd=PROJECT_ROOT, check=True, capture_output=True)


@pytest.mark.slow
def test_training_again_replaces_the_model_instead_of_adding_one() -> None:
    if not MODEL.exists():  # `make test` has trained already; pytest alone may not have
        make_train()
    before = sorted(MODEL.parent.glob("*.tar.gz"))
    make_train()
    after = sorted(MODEL.parent.glob("*.tar.gz"))
    assert after == before
    assert MODEL in after
