"""The content commands as an editor runs them."""

import os
import subprocess
from pathlib import Path

import yaml

from tests.conftest import run_cli


def run(*args: str, database: Path) -> subprocess.CompletedProcess:
    return run_cli(*args, env=os.environ | {"SIGNPOST_CONTENT_DB_URL": f"sqlite:///{database}"})


def test_check_passes_on_the_real_content(tmp_path: Path) -> None:
    result = run("content", "check", database=tmp_path / "c.db")
    assert result.returncode == 0, result.stderr
    assert "6 areas" in result.stdout


def test_check_fails_on_an_expired_review_date(tmp_path: Path, content_dir: Path) -> None:
    path = content_dir / "coordination-and-access.yml"
    data = yaml.safe_load(path.read_text())
    data["reviewed"], data["review_by"] = "2020-01-01", "2020-06-01"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = run("content", "--content-dir", str(content_dir), "check", database=tmp_path / "c.db")
    assert result.returncode == 1
    assert "coordination-and-access.yml: review_by 2020-06-01 has passed" in result.stderr


def test_check_fails_clearly_on_a_broken_file(tmp_path: Path, content_dir: Path) -> None:
    (content_dir / "local-knowledge.yml").write_text("slug: local-knowledge\n")
    result = run("content", "--content-dir", str(content_dir), "check", database=tmp_path / "c.db")
    assert result.returncode == 1
    assert "local-knowledge.yml: field title: field required" in result.stderr


def test_load_then_show_prints_the_area_with_sources(tmp_path: Path) -> None:
    database = tmp_path / "c.db"
    assert run("content", "load", database=database).returncode == 0
    result = run("content", "show", "local-knowledge", database=database)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# 1. Local knowledge")
    for heading in ("Suggested actions", "Challenges to prepare for", "Practical examples"):
        assert f"## {heading}" in result.stdout
    assert "https://" in result.stdout


def test_show_names_the_known_areas_for_an_unknown_one(tmp_path: Path) -> None:
    database = tmp_path / "c.db"
    run("content", "load", database=database)
    result = run("content", "show", "no-such-area", database=database)
    assert result.returncode == 2
    assert "local-knowledge" in result.stderr
