"""A server never starts on a port something already answers on: the other process's answers
would pass for its own, and `make run` would say Signpost is running when it is not."""

import os
import sys
from pathlib import Path

import pytest

from bot.servers import PortInUse, Server, free_port
from tests.conftest import run_cli


def test_a_server_is_not_launched_on_a_taken_port(taken_port: int, tmp_path: Path) -> None:
    server = Server(
        "action server", [sys.executable, "-c", "pass"], taken_port, "/", {}, tmp_path / "log"
    )
    with pytest.raises(PortInUse, match=f"Port {taken_port} .* already in use"):
        server.start()
    assert server.process is None


@pytest.mark.slow
def test_a_second_make_run_says_the_port_is_taken_and_exits(taken_port: int) -> None:
    env = os.environ | {
        "SIGNPOST_ACTION_PORT": str(taken_port),
        "SIGNPOST_RASA_PORT": str(free_port()),
    }
    result = run_cli("run", env=env)
    assert result.returncode == 1
    assert f"Port {taken_port}" in result.stderr and "SIGNPOST_ACTION_PORT" in result.stderr
    assert "Signpost is running" not in result.stdout
