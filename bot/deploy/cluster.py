"""Signpost replicated on one machine: `make run-scale`, and the scale tests.

Rasa replicas and action servers on loopback, with nginx in front of the replicas (sticky by
sender id for REST and by client address for socket.io) and between the replicas and the action
servers, so any replica can use any action server. The replicas share one tracker store and one
lock store (PostgreSQL and Redis), so a conversation carries on, history and all, on another
replica when its own one dies. deploy/compose.yml and deploy/helm/ describe the same topology.
"""

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bot.channels.credentials import compose
from bot.deploy.endpoints import compose_endpoints
from bot.deploy.nginx import nginx_server
from bot.deploy.profile import LOCK_URL, TRACKER_URL, with_profile
from bot.servers import (
    LOOPBACK,
    Server,
    action_server,
    free_port,
    latest_model,
    quiet_environment,
    rasa_server,
)

START_TIMEOUT = 300  # two Rasa replicas loading side by side on a small machine


@dataclass
class Cluster:
    """The running processes; `url` is where clients talk to Signpost (nginx)."""

    proxy: Server
    rasa: list[Server]
    actions: list[Server]

    @property
    def url(self) -> str:
        return self.proxy.url

    @property
    def servers(self) -> list[Server]:
        return [self.proxy, *self.rasa, *self.actions]

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def start_cluster(
    directory: Path, env: Mapping[str, str], replicas: int = 2, port: int | None = None
) -> Cluster:
    """Start `replicas` Rasa servers and as many action servers, then nginx; logs in `directory`.

    `env` must name a shared tracker store and lock store (SIGNPOST_TRACKER_URL and
    SIGNPOST_LOCK_URL, or SIGNPOST_PROFILE=scale): replicas with a store each would each hold
    half of every conversation.
    """
    settings = with_profile(env)
    if not (settings.get(TRACKER_URL, "").strip() and settings.get(LOCK_URL, "").strip()):
        raise ValueError(f"Replicas need a shared {TRACKER_URL} and {LOCK_URL}.")
    directory.mkdir(parents=True, exist_ok=True)
    actions_port = free_port()
    # Always nginx's own action port, whatever SIGNPOST_ACTION_ENDPOINT the caller had (make
    # exports one for `make run`).
    server_env = quiet_environment(
        **settings | {"SIGNPOST_ACTION_ENDPOINT": f"http://{LOOPBACK}:{actions_port}/webhook"}
    )
    credentials, endpoints = directory / "credentials.yml", directory / "endpoints.yml"
    compose(credentials, server_env)
    compose_endpoints(endpoints, server_env)
    model = latest_model()
    action_ports = [free_port() for _ in range(replicas)]
    rasa_ports = [free_port() for _ in range(replicas)]
    actions = [
        action_server(p, directory / f"actions-{n}.log", server_env)
        for n, p in enumerate(action_ports, 1)
    ]
    rasa = [
        rasa_server(
            p,
            model,
            directory / f"rasa-{n}.log",
            server_env,
            credentials=credentials,
            endpoints=endpoints,
        )
        for n, p in enumerate(rasa_ports, 1)
    ]
    proxy = nginx_server(directory, port or free_port(), actions_port, rasa_ports, action_ports)
    proxy.refuse_a_taken_port()  # before a minute of starting replicas, not after
    cluster = Cluster(proxy, rasa, actions)
    try:
        with ThreadPoolExecutor(max_workers=2 * replicas) as pool:
            list(pool.map(lambda server: server.start(START_TIMEOUT), actions + rasa))
        proxy.start()
    except Exception:
        cluster.stop()
        raise
    return cluster
