"""Starts and stops the real Rasa and action servers on loopback, for `make run` and the tests."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.bundle import read_bundle
from bot.content.db import get_engine, session_scope
from bot.content.loader import load_bundle
from bot.content.migrate import upgrade
from bot.deploy.endpoints import compose_endpoints
from bot.deploy.profile import with_profile
from bot.paths import PROJECT_ROOT, VAR_DIR
from bot.quiet import QUIET

VENV_BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A port nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


class PortInUse(RuntimeError):
    """Something already answers on the port a server was to use, so its answers would pass
    for the new server's: most often Signpost itself, started earlier and still running."""


def port_in_use(port: int) -> bool:
    """Whether anything accepts connections on the loopback port."""
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((LOOPBACK, port)) == 0


def latest_model(models_dir: Path = PROJECT_ROOT / "models") -> Path:
    """The newest trained model, or a clear error saying how to make one."""
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise FileNotFoundError(f"No trained model in {models_dir}; run `make train`.")
    return models[-1]


def quiet_environment(**extra: str) -> dict[str, str]:
    """The environment every server gets: quiet (bot.quiet), on loopback, our variables."""
    return os.environ | QUIET | {"SANIC_HOST": LOOPBACK} | extra


def rasa_environment(**extra: str) -> dict[str, str]:
    """What a Rasa started by `make run`, `make shell` or a container runs with: the quiet
    environment, the store profile's defaults, and the SQLite tracker file unless one is set."""
    env = with_profile(quiet_environment(**extra))
    env.setdefault("SIGNPOST_TRACKER_DB", str(VAR_DIR / "tracker.db"))
    return env


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
    started_in: float | None = None  # seconds from launch to the first answer, for benchmarks

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def refuse_a_taken_port(self) -> None:
        """Raise PortInUse if something already answers on this server's port."""
        if port_in_use(self.port):
            raise PortInUse(
                f"Port {self.port} on {LOOPBACK} is already in use, so the {self.name} cannot "
                "start there. Is Signpost already running? Stop it, or choose other ports."
            )

    def start(self, timeout: float = 180) -> "Server":
        self.refuse_a_taken_port()
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command,
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        launched = time.monotonic()
        deadline = launched + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited early; see {self.log_path}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=2):
                    self.started_in = time.monotonic() - launched
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


def rasa_command(
    port: int,
    model: Path,
    auth_token: str | None = None,
    credentials: Path | None = None,
    endpoints: Path | None = None,
    interface: str = LOOPBACK,
    subcommand: str = "run",
) -> list[str]:
    """`rasa run` (or `rasa shell`) with our files and bot/rasa_fixes.py applied. The HTTP API
    is only ever enabled together with its token: without one it would let anyone read and
    rewrite every conversation."""
    command = [
        sys.executable,
        "-m",
        "bot.launch_rasa",
        subcommand,
        "--model",
        str(model),
        "--interface",
        interface,
        "--port",
        str(port),
        "--endpoints",
        str(endpoints or "endpoints.yml"),
        "--credentials",
        str(credentials or "credentials.yml"),
    ]
    if auth_token:
        command += ["--enable-api", "--auth-token", auth_token]
    return command


def rasa_server(
    port: int,
    model: Path,
    log_path: Path,
    env: dict[str, str],
    auth_token: str | None = None,
    credentials: Path | None = None,
    endpoints: Path | None = None,
) -> Server:
    command = rasa_command(port, model, auth_token, credentials, endpoints)
    return Server("Rasa server", command, port, "/", env, log_path)


def load_content(url: str) -> str:
    """Migrate the content database at `url` and load the content files into it."""
    engine = get_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        load_bundle(session, read_bundle())
    return url


def start_stack(
    stack_dir: Path,
    content_url: str,
    with_actions: bool,
    name: str | None = None,
    credentials: Path | None = None,
    extra_env: dict[str, str] | None = None,
    auth_token: str | None = None,
) -> tuple[Server, Server | None]:
    """Rasa (and its action server) on free loopback ports, with tracker and logs in `stack_dir`,
    and the stores composed from the environment as `make run` composes them."""
    name = name or ("full" if with_actions else "no-actions")
    action_port = free_port()
    env = quiet_environment(  # the stack's own stores and port win over any in extra_env
        **(extra_env or {})
        | {
            "SIGNPOST_CONTENT_DB_URL": content_url,
            "SIGNPOST_ACTION_ENDPOINT": f"http://127.0.0.1:{action_port}/webhook",
            "SIGNPOST_TRACKER_DB": str(stack_dir / f"tracker-{name}.db"),
        }
    )
    endpoints = stack_dir / f"endpoints-{name}.yml"
    compose_endpoints(endpoints, env)
    actions = (
        action_server(action_port, stack_dir / f"actions-{name}.log", env).start()
        if with_actions
        else None
    )
    try:
        rasa = rasa_server(
            free_port(),
            latest_model(),
            stack_dir / f"rasa-{name}.log",
            env,
            credentials=credentials,
            endpoints=endpoints,
            auth_token=auth_token,
        ).start()
    except Exception:
        if actions:
            actions.stop()
        raise
    return rasa, actions


def wait_until_stopped(running: Callable[[], bool]) -> None:
    """Block until Ctrl-C, SIGTERM or `running()` turning false, then return to stop things."""
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping and running():
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
