"""Trains one NLU model per variant, reusing it while its config and data are unchanged."""

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from bot.evaluation.variants import Variant
from bot.paths import DATA_DIR, PROJECT_ROOT

RASA = Path(sys.executable).parent / "rasa"


def fingerprint(config_file: Path) -> str:
    """A hash of everything that shapes an NLU model: its config and the training data."""
    digest = hashlib.sha256(config_file.read_bytes())
    for path in sorted((DATA_DIR / "nlu").glob("*.yml")) + sorted((DATA_DIR / "nlp").glob("*.yml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def trained_model(variant: Variant, folder: Path) -> tuple[Path, float | None]:
    """The variant's model and its training time in seconds (None when reused)."""
    folder.mkdir(parents=True, exist_ok=True)
    config_file = variant.write(folder)
    model = folder / f"{variant.slug}.tar.gz"
    stamp = folder / f"{variant.slug}.fingerprint"
    wanted = fingerprint(config_file)
    if model.exists() and stamp.exists() and stamp.read_text() == wanted:
        print(f"Reusing the trained model for {variant.name}.", flush=True)
        return model, None
    print(f"Training {variant.name} ...", flush=True)
    started = time.monotonic()
    subprocess.run(
        [
            str(RASA),
            "train",
            "nlu",
            "--config",
            str(config_file),
            "--domain",
            "domain",
            "--nlu",
            "data/nlu",
            "--out",
            str(folder),
            "--fixed-model-name",
            variant.slug,
        ],
        cwd=PROJECT_ROOT,
        check=True,
        # Rasa's training cache would restore components trained before under the same settings,
        # and the report's training time would then be a few seconds instead of a real training.
        env={**os.environ, "RASA_MAX_CACHE_SIZE": "0"},
    )
    stamp.write_text(wanted)
    return model, time.monotonic() - started
