"""`python -m bot run`: starts the action server and Rasa on loopback and says where to chat.

Ctrl-C stops both. Ports and databases come from the environment, with local defaults.
"""

import os
import sys

from bot.channels.credentials import compose
from bot.deploy.endpoints import compose_endpoints
from bot.deploy.profile import describe
from bot.paths import VAR_DIR
from bot.servers import (
    PortInUse,
    Server,
    action_server,
    latest_model,
    rasa_environment,
    rasa_server,
    wait_until_stopped,
)

PORT_HINT = "To run a second Signpost beside it, set SIGNPOST_RASA_PORT and SIGNPOST_ACTION_PORT."


def run() -> int:
    """Start both servers, say where to chat, and stop both on Ctrl-C or when either exits."""
    try:
        rasa, actions = start()
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    except PortInUse as error:
        print(f"{error}\n{PORT_HINT}", file=sys.stderr)
        return 1
    print(
        "\nSignpost is running. Ways to chat:\n"
        f"  Web chat: {rasa.url}/webchat/   (open it in a browser)\n"
        f"  REST:     curl -s -XPOST {rasa.url}/webhooks/rest/webhook "
        "-H 'Content-Type: application/json' "
        '-d \'{"sender": "me", "message": "our physios do not know where to refer people"}\'\n'
        "  Terminal: make shell   (in another terminal)\n"
        f"Logs: {VAR_DIR / 'rasa.log'}, {VAR_DIR / 'actions.log'}. Press Ctrl-C to stop.",
        flush=True,
    )
    try:
        wait_until_stopped(lambda: rasa.process.poll() is None and actions.process.poll() is None)
    finally:
        print("\nStopping Signpost ...", flush=True)
        rasa.stop()
        actions.stop()
    return 0


def start() -> tuple[Server, Server]:
    """The action server, then Rasa with the newest model, each answering on its port."""
    VAR_DIR.mkdir(exist_ok=True)
    rasa_port = int(os.environ.get("SIGNPOST_RASA_PORT", "5005"))
    action_port = int(os.environ.get("SIGNPOST_ACTION_PORT", "5055"))
    env = rasa_environment(SIGNPOST_ACTION_ENDPOINT=f"http://127.0.0.1:{action_port}/webhook")
    credentials = VAR_DIR / "credentials.yml"
    endpoints = VAR_DIR / "endpoints.yml"
    compose_endpoints(endpoints, env)
    model = latest_model()
    for line in [channel.status() for channel in compose(credentials)] + describe(env):
        print(line, flush=True)
    print(f"Starting the action server on 127.0.0.1:{action_port} ...", flush=True)
    actions = action_server(action_port, VAR_DIR / "actions.log", env).start()
    print(
        f"Starting Rasa with {model.name} on 127.0.0.1:{rasa_port} (about 30 seconds) ...",
        flush=True,
    )
    try:
        rasa = rasa_server(
            rasa_port,
            model,
            VAR_DIR / "rasa.log",
            env,
            credentials=credentials,
            endpoints=endpoints,
        ).start()
    except Exception:
        actions.stop()
        raise
    return rasa, actions
