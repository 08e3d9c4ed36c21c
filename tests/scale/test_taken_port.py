"""`make run-scale` on a port something already answers on says so before starting replicas."""

import os
import time

from bot.paths import VAR_DIR
from bot.servers import LOOPBACK
from tests.conftest import run_cli
from tests.scale.conftest import REDIS_URL


def test_run_scale_on_a_taken_port_says_so_before_starting_replicas(
    scale_database: str, taken_port: int
) -> None:
    started = time.time()
    env = os.environ | {
        "SIGNPOST_TRACKER_URL": scale_database,
        "SIGNPOST_CONTENT_DB_URL": scale_database,
        "SIGNPOST_LOCK_URL": REDIS_URL,
        "SIGNPOST_ACTION_ENDPOINT": "http://127.0.0.1:5055/webhook",  # as the Makefile exports
    }
    result = run_cli("run-scale", "--port", str(taken_port), env=env)
    assert result.returncode == 1
    assert f"Port {taken_port} on {LOOPBACK} is already in use" in result.stderr
    assert "Signpost is running" not in result.stdout
    replica_logs = (VAR_DIR / "scale").glob("rasa-*.log")  # each replica's launch rewrites one
    assert all(log.stat().st_mtime < started for log in replica_logs)
