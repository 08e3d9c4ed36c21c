"""Editors get errors that name the file, the item and the field."""

from pathlib import Path

import pytest
import yaml

from bot.content.bundle import read_bundle
from bot.content.schema import ContentError


def rewrite(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def problems(folder: Path) -> str:
    with pytest.raises(ContentError) as error:
        read_bundle(folder)
    return str(error.value)


def test_a_missing_field_names_file_item_and_field(content_dir: Path) -> None:
    path = content_dir / "skills-and-training.yml"
    action_id = yaml.safe_load(path.read_text())["suggested_actions"][2]["id"]
    rewrite(path, lambda d: d["suggested_actions"][2].pop("provenance"))
    message = problems(content_dir)
    assert "skills-and-training.yml" in message
    assert f"item 3 (id '{action_id}')" in message
    assert "provenance" in message


def test_an_unknown_provenance_is_refused(content_dir: Path) -> None:
    rewrite(
        content_dir / "local-knowledge.yml", lambda d: d["challenges"][0].update(provenance="guide")
    )
    assert "challenges > item 1" in problems(content_dir)


def test_an_uncited_source_key_is_named(content_dir: Path) -> None:
    rewrite(
        content_dir / "local-knowledge.yml",
        lambda d: d["examples"][0].update(sources=["no-such-source"]),
    )
    message = problems(content_dir)
    assert "local-knowledge.yml" in message and "'no-such-source' is not in sources.yml" in message


def test_too_few_actions_are_refused(content_dir: Path) -> None:
    rewrite(
        content_dir / "local-knowledge.yml",
        lambda d: d.update(suggested_actions=d["suggested_actions"][:5]),
    )
    assert "suggested_actions" in problems(content_dir)


def test_broken_yaml_names_the_file(content_dir: Path) -> None:
    (content_dir / "crisis.yml").write_text("routes: [unclosed\n")
    assert "crisis.yml: not valid YAML" in problems(content_dir)


def test_a_crisis_number_with_letters_is_refused(content_dir: Path) -> None:
    rewrite(content_dir / "crisis.yml", lambda d: d["routes"][2].update(contact="116 l23"))
    assert "crisis.yml: field routes > item 3 (id 'samaritans') > contact" in problems(content_dir)


def test_a_crisis_check_naming_an_unknown_route_is_refused(content_dir: Path) -> None:
    rewrite(content_dir / "crisis.yml", lambda d: d["check"]["routes"].append("samaratins"))
    message = problems(content_dir)
    assert "crisis.yml: field check: routes not in the crisis routes: samaratins" in message


def test_every_problem_is_reported_at_once(content_dir: Path) -> None:
    rewrite(content_dir / "local-knowledge.yml", lambda d: d.pop("summary"))
    rewrite(content_dir / "patient-expectations.yml", lambda d: d.pop("problem"))
    message = problems(content_dir)
    assert "local-knowledge.yml" in message and "patient-expectations.yml" in message
