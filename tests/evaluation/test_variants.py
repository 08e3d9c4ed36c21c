"""The report's pipeline variants: config.yml's own first, the rest compared against it."""

from pathlib import Path

import yaml

from bot.evaluation.variants import CONFIG, FINE_TUNED, default_slug, variants


def _fine_tuned(config: dict) -> dict | None:
    return next((s for s in config["pipeline"] if s["name"] == FINE_TUNED), None)


def _config_with_ensemble(tmp_path: Path, size: int) -> Path:
    """config.yml with the fine-tuned classifier's ensemble size set."""
    config = yaml.safe_load(CONFIG.read_text())
    _fine_tuned(config)["ensemble_size"] = size
    path = tmp_path / f"config-{size}.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def test_the_default_comes_first_and_no_variant_repeats_another(tmp_path: Path) -> None:
    for path in (CONFIG, _config_with_ensemble(tmp_path, 1), _config_with_ensemble(tmp_path, 3)):
        found = variants(path)
        assert found[0].slug == default_slug(path)
        slugs = [v.slug for v in found]
        assert len(set(slugs)) == len(slugs)
        names = [v.name for v in found]
        assert len(set(names)) == len(names)


def test_an_ensemble_default_is_compared_with_the_same_blend_on_one_seed(tmp_path: Path) -> None:
    default, *compared = variants(_config_with_ensemble(tmp_path, 3))
    assert "3 seeds averaged" in default.name
    assert _fine_tuned(default.config)["ensemble_size"] == 3
    one_seed = next(v for v in compared if v.slug == "spacy-blend-one-seed")
    assert {**_fine_tuned(one_seed.config), "ensemble_size": 3} == _fine_tuned(default.config)
    # every compared variant that fine-tunes MiniLM trains one model, not three
    assert all(
        step is None or step["ensemble_size"] == 1
        for step in (_fine_tuned(v.config) for v in compared)
    )


def test_with_one_seed_configured_the_one_seed_blend_is_the_default_itself(
    tmp_path: Path,
) -> None:
    for path in (CONFIG, _config_with_ensemble(tmp_path, 1)):
        assert "spacy-blend-one-seed" not in [v.slug for v in variants(path)]
        assert "seeds averaged" not in variants(path)[0].name
