"""Bot Framework activities, signed with a test key served by a fake JWKS, to the running server."""

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from bot.channels.teams import sender_id
from bot.content.bundle import read_bundle
from tests.channels.conftest import APP_ID, ISSUER, KID, REPLY_TOKEN, TENANT_ID, ChannelStack
from tests.channels.fakes import FakeService, bot_connector_token, new_rsa_key, post
from tests.conftest import wait_until

pytestmark = pytest.mark.slow
CRISIS = read_bundle().crisis


class TeamsChat:
    """One person's Teams conversation with the bot, as the Bot Connector delivers it."""

    def __init__(
        self,
        stack: ChannelStack,
        microsoft: FakeService,
        key: RSAPrivateKey,
        tenant: str = TENANT_ID,
    ) -> None:
        self.url = f"{stack.rasa.url}/webhooks/teams/webhook"
        self.microsoft = microsoft
        self.key = key
        self.service_url = f"{microsoft.url}/teams/"
        self.conversation = {"id": f"a:conv-{uuid.uuid4().hex}", "tenantId": tenant}
        self.user = {"id": f"29:user-{uuid.uuid4().hex}", "name": "Pat"}

    def activity(self, text: str = "", **extra: Any) -> dict[str, Any]:
        return {
            "type": "message",
            "id": f"act-{uuid.uuid4().hex[:12]}",
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "from": self.user,
            "recipient": {"id": f"28:{APP_ID}", "name": "Signpost"},
            "conversation": self.conversation,
            "channelData": {"tenant": {"id": self.conversation["tenantId"]}},
            "text": text,
        } | extra

    def token(self, **claims: Any) -> str:
        return bot_connector_token(
            self.key,
            KID,
            **({"iss": ISSUER, "aud": APP_ID, "serviceurl": self.service_url} | claims),
        )

    def send(self, activity: dict[str, Any] | bytes, token: str | None = None) -> int:
        body = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        status, _, _ = post(self.url, body, headers)
        return status

    def say(self, text: str, **extra: Any) -> tuple[int, str]:
        activity = self.activity(text, **extra)
        return self.send(activity, self.token()), activity["id"]

    def replies(self, count: int, activity_id: str) -> list[dict[str, Any]]:
        path = f"/teams/v3/conversations/{self.conversation['id']}/activities/{activity_id}"
        return [r.json() for r in self.microsoft.wait_for(lambda r: r.path == path, count)]

    def all_replies(self) -> list[Any]:
        return self.microsoft.requests(f"/teams/v3/conversations/{self.conversation['id']}/")


def card_text(reply: dict[str, Any]) -> str:
    [attachment] = reply["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    return "\n".join(block["text"] for block in attachment["content"]["body"])


def card_actions(reply: dict[str, Any]) -> list[dict[str, Any]]:
    return reply["attachments"][0]["content"].get("actions", [])


@pytest.fixture
def chat(
    channel_stack: ChannelStack, fake_microsoft: FakeService, signing_key: RSAPrivateKey
) -> TeamsChat:
    return TeamsChat(channel_stack, fake_microsoft, signing_key)


def test_nothing_is_fetched_from_microsoft_at_start_up(channel_stack: ChannelStack) -> None:
    assert channel_stack.microsoft_requests_at_start == 0


def test_a_message_gets_a_card_whose_buttons_work_in_teams(chat: TeamsChat) -> None:
    status, activity_id = chat.say("<at>Signpost</at> our physios don't know where to refer people")
    assert status == 200
    answer, feedback = chat.replies(2, activity_id)
    assert card_text(answer).startswith("This sounds like **Local knowledge**.")
    assert answer["recipient"] == chat.user and answer["replyToId"] == activity_id
    assert answer["conversation"]["id"] == chat.conversation["id"]
    actions = card_actions(answer)
    assert [a["type"] for a in actions] == ["Action.Submit"] * 4
    assert actions[1]["data"]["msteams"] == {
        "type": "messageBack",
        "displayText": "Practical examples",
        "text": "/ask_examples",
    }
    assert card_text(feedback) == "Was this helpful?"
    sent = chat.microsoft.requests("/teams/")[-1]
    assert sent.headers["authorization"] == f"Bearer {REPLY_TOKEN}"

    # Clicking "Practical examples": Teams sends the messageBack text as the message.
    _, click_id = chat.say("/ask_examples", value={"payload": "/ask_examples"})
    [examples] = chat.replies(1, click_id)
    assert card_text(examples).startswith("Practical examples for **Local knowledge**")
    # A client that sends only the card's data still works.
    _, click_id = chat.say("", value={"payload": "/ask_challenges"})
    [challenges] = chat.replies(1, click_id)
    assert card_text(challenges).startswith("Challenges to prepare for in **Local knowledge**")


def test_the_delete_button_deletes_this_conversation(
    chat: TeamsChat, channel_stack: ChannelStack
) -> None:
    _, activity_id = chat.say("do you keep my messages?")
    [privacy] = chat.replies(1, activity_id)
    [delete] = [a for a in card_actions(privacy) if a["title"] == "Delete this conversation"]
    payload = delete["data"]["msteams"]["text"]
    conversation = sender_id(chat.activity())
    assert channel_stack.events_for(conversation) > 0

    _, click_id = chat.say(payload, value={"payload": payload})
    [done] = chat.replies(1, click_id)
    assert card_text(done).startswith("Done: Signpost has deleted its record")
    wait_until(lambda: channel_stack.events_for(conversation) == 0, timeout=15)
    assert channel_stack.events_for(conversation) == 0


def test_reply_tokens_and_signing_keys_are_fetched_once_and_reused(
    chat: TeamsChat, fake_microsoft: FakeService
) -> None:
    for _ in range(2):
        _, activity_id = chat.say("hello")
        chat.replies(1, activity_id)
    assert len(fake_microsoft.requests(f"/{TENANT_ID}/token")) == 1
    assert len(fake_microsoft.requests("/keys")) == 1


def test_crisis_help_is_whole_in_one_card(chat: TeamsChat) -> None:
    _, activity_id = chat.say("I want to kill myself")
    [reply] = chat.replies(1, activity_id)
    text = card_text(reply)
    for route in CRISIS.routes:
        assert route.contact in text
    assert "**If a patient is at risk, follow your local safeguarding procedure.**" in text
    time.sleep(1)
    assert len(chat.all_replies()) == 1


def other_key_token(chat: TeamsChat, kid: str) -> str:
    return bot_connector_token(
        new_rsa_key(), kid, iss=ISSUER, aud=APP_ID, serviceurl=chat.service_url
    )


FORGERIES: dict[str, Callable[[TeamsChat], tuple[dict[str, Any], str | None]]] = {
    "wrong-issuer": lambda c: (c.activity("hi"), c.token(iss="https://evil.example")),
    "wrong-audience": lambda c: (c.activity("hi"), c.token(aud="another-app")),
    "expired": lambda c: (c.activity("hi"), c.token(exp=int(time.time()) - 3600)),
    "not-yet-valid": lambda c: (c.activity("hi"), c.token(nbf=int(time.time()) + 3600)),
    "wrong-algorithm": lambda c: (
        c.activity("hi"),
        bot_connector_token(c.key, KID, "RS512", iss=ISSUER, aud=APP_ID, serviceurl=c.service_url),
    ),
    "hmac-algorithm": lambda c: (
        c.activity("hi"),
        bot_connector_token(
            "a-shared-secret-of-32-bytes-long!", KID, "HS256", iss=ISSUER, aud=APP_ID
        ),
    ),
    "unknown-key": lambda c: (c.activity("hi"), other_key_token(c, "some-other-key")),
    "known-key-id-wrong-key": lambda c: (c.activity("hi"), other_key_token(c, KID)),
    "service-url-not-the-token's": lambda c: (
        c.activity("hi", serviceUrl="http://127.0.0.1:9/teams/"),
        c.token(),
    ),
    "service-url-not-allowed": lambda c: (
        c.activity("hi", serviceUrl="https://evil.example/"),
        c.token(serviceurl="https://evil.example/"),
    ),
    "another-tenant": lambda c: (
        c.activity("hi", channelData={"tenant": {"id": "someone-else"}}),
        c.token(),
    ),
    "no-token": lambda c: (c.activity("hi"), None),
    "not-a-token": lambda c: (c.activity("hi"), "not.a.token"),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_request_without_a_valid_token_gets_401_and_nothing_is_processed(
    chat: TeamsChat, channel_stack: ChannelStack, forgery: str
) -> None:
    activity, token = FORGERIES[forgery](chat)
    assert chat.send(activity, token) == 401
    # A genuine message in another conversation is answered; the refused one never is.
    genuine = TeamsChat(channel_stack, chat.microsoft, chat.key)
    _, activity_id = genuine.say("hello")
    genuine.replies(1, activity_id)
    time.sleep(0.5)
    assert chat.all_replies() == []
    assert channel_stack.events_for(sender_id(activity)) == 0


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"type": "message", "channelId": "msteams", "serviceUrl": "%s"}'],
    ids=["not-json", "array", "no-conversation"],
)
def test_a_malformed_activity_with_a_valid_token_gets_400(chat: TeamsChat, body: bytes) -> None:
    assert chat.send(body.replace(b"%s", chat.service_url.encode()), chat.token()) == 400
