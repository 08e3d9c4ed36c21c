"""Rasa with Slack and Teams switched on, talking to fake Slack and Microsoft services on loopback.

The fakes start first, so their addresses can go into Rasa's environment; Rasa then runs with a
credentials file composed exactly as `make run` composes it.
"""

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from bot.channels.credentials import compose
from bot.servers import Server
from tests.channels.fakes import FakeService, new_rsa_key, post, public_jwk
from tests.conftest import start_stack

SLACK_TOKEN = "xoxb-test-token"
SLACK_SECRET = "test-signing-secret"
APP_ID = "11111111-2222-3333-4444-555555555555"
TENANT_ID = "66666666-7777-8888-9999-000000000000"
KID = "test-key"
ISSUER = "https://api.botframework.com"
REPLY_TOKEN = "reply-token-from-the-tenant"


@pytest.fixture(scope="session")
def signing_key() -> RSAPrivateKey:
    return new_rsa_key()


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeService]:
    answers = {
        "/api/chat.postMessage": lambda _: {"ok": True, "ts": "1700000999.000001"},
        "/hooks/": lambda _: "ok",
    }
    with FakeService(answers) as service:
        yield service


@pytest.fixture(scope="session")
def fake_microsoft(signing_key: RSAPrivateKey) -> Iterator[FakeService]:
    """OpenID metadata, JWKS, the tenant's token endpoint and a Bot Connector service URL."""
    answers = {}
    with FakeService(answers) as service:
        answers |= {
            "/openid": lambda _: {"issuer": ISSUER, "jwks_uri": f"{service.url}/keys"},
            "/keys": lambda _: {"keys": [public_jwk(signing_key, KID, ["msteams"])]},
            f"/{TENANT_ID}/token": lambda _: {
                "token_type": "Bearer",
                "expires_in": 3600,
                "access_token": REPLY_TOKEN,
            },
            "/teams/": lambda _: {"id": "reply-id"},
        }
        yield service


@dataclass
class ChannelStack:
    """The running Rasa, where it keeps conversations, and what Microsoft saw before any test."""

    rasa: Server
    tracker_db: Path
    microsoft_requests_at_start: int

    def events_for(self, sender_prefix: str) -> int:
        """How many events Rasa stored for conversations whose id starts with the prefix."""
        with sqlite3.connect(self.tracker_db) as db:
            (count,) = db.execute(
                "SELECT count(*) FROM events WHERE sender_id LIKE ?", (f"{sender_prefix}%",)
            ).fetchone()
        return count


def answers_hello(rasa: Server) -> bool:
    """Whether Rasa really answers (it serves requests even when its model failed to load)."""
    body = json.dumps({"sender": "start-up-probe", "message": "hello"}).encode()
    status, _, reply = post(
        f"{rasa.url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
    )
    return status == 200 and json.loads(reply) != []


@pytest.fixture(scope="session")
def channel_stack(
    stack_dir: Path, content_url: str, fake_slack: FakeService, fake_microsoft: FakeService
) -> Iterator[ChannelStack]:
    env = {
        "SIGNPOST_SLACK_BOT_TOKEN": SLACK_TOKEN,
        "SIGNPOST_SLACK_SIGNING_SECRET": SLACK_SECRET,
        "SIGNPOST_SLACK_API_URL": f"{fake_slack.url}/api/",
        "SIGNPOST_SLACK_HOOKS_URL": f"{fake_slack.url}/hooks/",
        "SIGNPOST_TEAMS_APP_ID": APP_ID,
        "SIGNPOST_TEAMS_APP_PASSWORD": "test-app-password",
        "SIGNPOST_TEAMS_TENANT_ID": TENANT_ID,
        "SIGNPOST_TEAMS_OPENID_URL": f"{fake_microsoft.url}/openid",
        "SIGNPOST_TEAMS_TOKEN_URL": f"{fake_microsoft.url}/{TENANT_ID}/token",
        "SIGNPOST_TEAMS_SERVICE_URLS": "http://127.0.0.1:*",
    }
    credentials = stack_dir / "credentials-channels.yml"
    assert all(channel.on for channel in compose(credentials, env))
    rasa, actions = start_stack(
        stack_dir,
        content_url,
        with_actions=True,
        name="channels",
        credentials=credentials,
        extra_env=env,
    )
    if not answers_hello(rasa):
        rasa.stop()
        actions.stop()
        raise RuntimeError(f"Rasa started without a working model:\n{rasa.log_tail()}")
    yield ChannelStack(rasa, stack_dir / "tracker-channels.db", len(fake_microsoft.received))
    rasa.stop()
    actions.stop()
