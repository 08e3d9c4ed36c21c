"""`python -m bot run-scale | serve | shell | load`: the replicated stack, a container's Rasa,
the terminal chat, a load run."""

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

from bot.channels.credentials import compose
from bot.deploy.endpoints import compose_endpoints
from bot.deploy.profile import CONTENT_URL, PROFILE, TRACKER_URL, describe, with_profile
from bot.paths import PROJECT_ROOT, VAR_DIR
from bot.servers import LOOPBACK, PortInUse, latest_model, rasa_command, rasa_environment

DEFAULT_SCALE_PORT = 8080
SHELL_PORT = 5006  # beside `make run`'s 5005


def add_commands(groups: argparse._SubParsersAction) -> None:
    """The deployment commands, for bot/cli.py."""
    scale = groups.add_parser(
        "run-scale", help="two Rasa replicas and two action servers behind nginx, on loopback"
    )
    scale.add_argument("--port", type=int, default=DEFAULT_SCALE_PORT, help="nginx's port")
    scale.add_argument("--replicas", type=int, default=2)
    serve = groups.add_parser("serve", help="Rasa alone with the composed files (containers)")
    serve.add_argument("--interface", default=LOOPBACK)
    serve.add_argument("--port", type=int, default=5005)
    groups.add_parser("shell", help="chat in the terminal, with the stores `make run` uses")
    load = groups.add_parser("load", help="simulated people talking to a running Signpost")
    load.add_argument("--url", default=f"http://{LOOPBACK}:{DEFAULT_SCALE_PORT}")
    load.add_argument("--users", type=int, default=50)
    load.add_argument("--seconds", type=float, default=60)
    load.add_argument("--out", type=Path, default=PROJECT_ROOT / "results" / "scale")


def run(args: argparse.Namespace) -> int:
    return {"run-scale": run_scale, "serve": serve, "shell": shell, "load": load}[args.group](args)


def run_scale(args: argparse.Namespace) -> int:
    """Everything on this machine's PostgreSQL and Redis, unless variables say otherwise."""
    from bot.deploy.cluster import start_cluster
    from bot.deploy.postgres import ensure_database
    from bot.servers import load_content, wait_until_stopped

    env = dict(os.environ)
    env[PROFILE] = env.get(PROFILE, "").strip() or "scale"
    env = with_profile(env)
    for line in describe(env):
        print(line, flush=True)
    for url in {env[TRACKER_URL], env[CONTENT_URL]}:
        ensure_database(url)
    load_content(env[CONTENT_URL])
    print(f"Starting {args.replicas} Rasa replicas, their action servers and nginx ...", flush=True)
    try:
        cluster = start_cluster(VAR_DIR / "scale", env, replicas=args.replicas, port=args.port)
    except PortInUse as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"\nSignpost is running behind nginx at {cluster.url}\n"
        f"  Web chat: {cluster.url}/webchat/\n"
        f"  REST:     curl -s -XPOST {cluster.url}/webhooks/rest/webhook "
        "-H 'Content-Type: application/json' -H 'X-Signpost-Sender: me' "
        '-d \'{"sender": "me", "message": "our physios do not know where to refer people"}\'\n'
        f"  Load run: .venv/bin/python -m bot load --url {cluster.url}\n"
        f"Logs in {VAR_DIR / 'scale'}. Press Ctrl-C to stop.",
        flush=True,
    )
    try:
        wait_until_stopped(lambda: cluster.proxy.process.poll() is None)
    finally:
        print("\nStopping Signpost ...", flush=True)
        cluster.stop()
    return 0


def serve(args: argparse.Namespace) -> int:
    """Compose credentials and endpoints from the environment, then become `rasa run`."""
    env = rasa_environment()
    credentials = VAR_DIR / "credentials.yml"
    for channel in compose(credentials, env):
        print(channel.status(), flush=True)
    return become_rasa("run", args.port, args.interface, env, credentials)


def shell(args: argparse.Namespace) -> int:
    """Become `rasa shell` on the stores `make run` uses, so a developer's terminal chat keeps
    conversations only where users' are kept (SIGNPOST_CONVERSATION_LOGS included)."""
    env = rasa_environment()
    return become_rasa("shell", SHELL_PORT, LOOPBACK, env, PROJECT_ROOT / "credentials.yml")


def become_rasa(
    subcommand: str, port: int, interface: str, env: dict[str, str], credentials: Path
) -> int:
    """Compose the endpoints from `env`, then replace this process with `rasa <subcommand>`."""
    endpoints = VAR_DIR / "endpoints.yml"
    compose_endpoints(endpoints, env)
    command = rasa_command(
        port,
        latest_model(),
        credentials=credentials,
        endpoints=endpoints,
        interface=interface,
        subcommand=subcommand,
    )
    os.execve(command[0], command, env)
    return 1  # not reached: execve replaces this process


def load(args: argparse.Namespace) -> int:
    """A bounded load run against `--url`; the report goes to `--out`/load.md and load.json."""
    from bot.deploy.load import load_run

    report = asyncio.run(load_run(args.url, args.users, args.seconds))
    path = report.write(args.out)
    summary = report.summary()
    print(json.dumps(summary, indent=2))
    print(f"Report: {path}")
    return 0 if summary["errors"] == 0 and summary["unexpected_replies"] == 0 else 1
