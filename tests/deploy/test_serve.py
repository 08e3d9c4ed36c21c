"""`python -m bot serve`, a container's Rasa: files composed from the environment, no HTTP API."""

import os
from pathlib import Path

import pytest

from bot.cli import main
from bot.deploy import cli as deploy_cli


def test_serve_composes_the_stores_from_the_environment_and_runs_rasa_without_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    became = []
    monkeypatch.setattr(deploy_cli, "VAR_DIR", tmp_path)
    monkeypatch.setattr(deploy_cli, "latest_model", lambda: Path("models/model.tar.gz"))
    monkeypatch.setattr(os, "execve", lambda path, args, env: became.append((path, args, env)))
    monkeypatch.setenv("SIGNPOST_PROFILE", "scale")
    monkeypatch.setenv("SIGNPOST_ACTION_ENDPOINT", "http://nginx:5055/webhook")
    main(["serve", "--interface", "0.0.0.0", "--port", "5005"])
    [(path, command, env)] = became
    assert path == command[0] and command[1:4] == ["-m", "bot.launch_rasa", "run"]
    assert "--enable-api" not in command
    assert command[command.index("--interface") + 1] == "0.0.0.0"
    assert command[command.index("--endpoints") + 1] == str(tmp_path / "endpoints.yml")
    assert "${SIGNPOST_LOCK_URL}" in (tmp_path / "endpoints.yml").read_text()
    assert env["SIGNPOST_LOCK_URL"] == "redis://127.0.0.1:6379/1"
    assert (tmp_path / "credentials.yml").exists()
