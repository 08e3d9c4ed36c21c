"""`python -m bot serve` (a container's Rasa) and `python -m bot shell` (the terminal chat): the
stores composed from the environment, as `make run` composes them, and no HTTP API."""

import os
from pathlib import Path

import pytest

from bot.cli import main
from bot.deploy import cli as deploy_cli


@pytest.fixture
def became(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """What the command replaced itself with, instead of running Rasa; files go to tmp_path."""
    calls: list[tuple] = []
    monkeypatch.setattr(deploy_cli, "VAR_DIR", tmp_path)
    monkeypatch.setattr(deploy_cli, "latest_model", lambda: Path("models/model.tar.gz"))
    monkeypatch.setattr(os, "execve", lambda path, args, env: calls.append((path, args, env)))
    return calls


def test_serve_composes_the_stores_from_the_environment_and_runs_rasa_without_the_api(
    became: list[tuple], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
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


@pytest.mark.parametrize(("logs", "store"), [("on", "ForgettingSQL"), ("off", "Memory")])
def test_the_terminal_chat_keeps_conversations_where_make_run_would(
    logs: str, store: str, became: list[tuple], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNPOST_CONVERSATION_LOGS", logs)
    main(["shell"])
    [(_, command, _)] = became
    assert command[1:4] == ["-m", "bot.launch_rasa", "shell"]
    assert command[command.index("--interface") + 1] == "127.0.0.1"
    assert "--enable-api" not in command
    endpoints = (tmp_path / "endpoints.yml").read_text()
    assert command[command.index("--endpoints") + 1] == str(tmp_path / "endpoints.yml")
    assert f"bot.privacy.tracker_stores.{store}TrackerStore" in endpoints
