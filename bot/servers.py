"""Starts and stops the real Rasa and action servers on loopback, for `make run` and the tests."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bot.paths import PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A port nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def latest_model(models_dir: Path = PROJECT_ROOT / "models") -> Path:
    """The newest trained model, or a clear error saying how to make one."""
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise FileNotFoundError(f"No trained model in {models_dir}; run `make train`.")
    return models[-1]


def quiet_environment(**extra: str) -> dict[str, str]:
    """The environment every server gets: telemetry off, quiet logs, our variables."""
    return (
        os.environ
        | {
            "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SANIC_HOST": LOOPBACK,
        }
        | extra
    )


@dataclass
class Server:
    """A child process serving HTTP on loopback, with its log kept for when a test fails."""

    name: str
    command: list[str]
    port: int
    ready_path: str
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, timeout: float = 180) -> "Server":
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command,
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited early; see {self.log_path}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=2):
                    return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"{self.name} did not answer within {timeout:.0f}s; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def action_server(port: int, log_path: Path, env: dict[str, str]) -> Server:
    command = [
        str(VENV_BIN / "rasa"),
        "run",
        "actions",
        "--actions",
        "actions",
        "--port",
        str(port),
    ]
    return Server("action server", command, port, "/health", env, log_path)


def rasa_server(
    port: int, model: Path, log_path: Path, env: dict[str, str], auth_token: str | None = None
) -> Server:
    command = [
        str(VENV_BIN / "rasa"),
        "run",
        "--model",
        str(model),
        "--interface",
        LOOPBACK,
        "--port",
        str(port),
        "--endpoints",
        "endpoints.yml",
        "--credentials",
        "credentials.yml",
    ]
    if auth_token:
        command += ["--enable-api", "--auth-token", auth_token]
    return Server("Rasa server", command, port, "/", env, log_path)
