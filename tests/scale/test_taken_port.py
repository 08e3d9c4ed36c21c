"""`make run-scale` on a port something already answers on says so before starting replicas."""

import os
import socket
import subprocess
import sys
import time

from bot.paths import PROJECT_ROOT, VAR_DIR
from bot.servers import LOOPBACK
from tests.scale.conftest import REDIS_URL


def test_run_scale_on_a_taken_port_says_so_before_starting_replicas(scale_database: str) -> None:
    started = time.time()
    with socket.socket() as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen()
        port = listener.getsockname()[1]
        env = os.environ | {
            "SIGNPOST_TRACKER_URL": scale_database,
            "SIGNPOST_CONTENT_DB_URL": scale_database,
            "SIGNPOST_LOCK_URL": REDIS_URL,
        }
        result = subprocess.run(
            [sys.executable, "-m", "bot", "run-scale", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert f"Port {port} on {LOOPBACK} is already in use" in result.stderr
    assert "Signpost is running" not in result.stdout
    replica_logs = (VAR_DIR / "scale").glob("rasa-*.log")  # each replica's launch rewrites one
    assert all(log.stat().st_mtime < started for log in replica_logs)
