"""Signed Slack events, clicks and slash commands to the running server; replies to a fake Slack."""

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.content.bundle import read_bundle
from tests.channels.conftest import SLACK_SECRET, SLACK_TOKEN, ChannelStack
from tests.channels.fakes import FakeService, Received, post, slack_signature_headers
from tests.conftest import wait_until

pytestmark = pytest.mark.slow
BOT_USER = "UBOT"
CRISIS = read_bundle().crisis


class Workspace:
    """One person in one Slack channel, sending what Slack would send on their behalf."""

    def __init__(self, stack: ChannelStack, slack: FakeService, direct: bool = False) -> None:
        self.url = stack.rasa.url
        self.slack = slack
        self.user = f"U{uuid.uuid4().hex[:10].upper()}"
        self.channel = f"{'D' if direct else 'C'}{uuid.uuid4().hex[:10].upper()}"
        self.direct = direct
        self._clock = time.time()

    def conversation(self, thread_ts: str) -> str:
        """The sender id Signpost stores a thread's conversation under."""
        return f"{self.user}:{self.channel}:{thread_ts}"

    def next_ts(self) -> str:
        self._clock += 1
        return f"{self._clock:.6f}"

    def send(
        self,
        path: str,
        body: bytes,
        content_type: str,
        secret: str = SLACK_SECRET,
        age: float = 0,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        signed = slack_signature_headers(body, secret, age)
        return post(
            f"{self.url}/webhooks/slack/{path}",
            body,
            {"Content-Type": content_type, **signed, **(headers or {})},
        )

    def event(self, event: dict[str, Any], event_id: str | None = None, **options: Any) -> int:
        body = {
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10]}",
            "authorizations": [{"user_id": BOT_USER, "is_bot": True}],
            "event": event,
        }
        status, _, _ = self.send(
            "webhook", json.dumps(body).encode(), "application/json", **options
        )
        return status

    def message(
        self, text: str, ts: str, thread_ts: str | None = None, mention: bool = False
    ) -> dict[str, Any]:
        event = {
            "type": "app_mention" if mention else "message",
            "user": self.user,
            "channel": self.channel,
            "text": f"<@{BOT_USER}> {text}" if mention else text,
            "ts": ts,
        }
        if not mention:
            event["channel_type"] = "im" if self.direct else "channel"
        return event | ({"thread_ts": thread_ts} if thread_ts else {})

    def click(self, value: str, thread_ts: str | None, **options: Any) -> int:
        payload = {
            "type": "block_actions",
            "user": {"id": self.user},
            "channel": {"id": self.channel},
            "container": {"type": "message", "channel_id": self.channel, "is_ephemeral": False},
            "message": {"ts": self.next_ts(), "thread_ts": thread_ts},
            "actions": [{"type": "button", "action_id": "signpost-button-0", "value": value}],
            "response_url": f"{self.slack.url}/hooks/actions/{uuid.uuid4().hex}",
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        status, _, _ = self.send("webhook", body, "application/x-www-form-urlencoded", **options)
        return status

    def command(self, text: str, **options: Any) -> tuple[int, bytes, str]:
        """`/signpost <text>`: the status, the immediate body and the response_url's path."""
        hook = f"/hooks/commands/{uuid.uuid4().hex}"
        fields = {
            "command": "/signpost",
            "text": text,
            "user_id": self.user,
            "channel_id": self.channel,
            "response_url": self.slack.url + hook,
        }
        status, _, body = self.send(
            "commands", urlencode(fields).encode(), "application/x-www-form-urlencoded", **options
        )
        return status, body, hook

    def posts(self, count: int, thread_ts: str | None = None) -> list[dict[str, Any]]:
        """The first `count` chat.postMessage calls to this channel (and thread), waited for."""
        found = self.slack.wait_for(lambda r: self._in_thread(r, thread_ts), count)
        return [r.json() for r in found]

    def _in_thread(self, request: Received, thread_ts: str | None) -> bool:
        if request.path != "/api/chat.postMessage":
            return False
        message = request.json()
        return message["channel"] == self.channel and message.get("thread_ts") == thread_ts

    def all_posts(self) -> list[dict[str, Any]]:
        return [
            r.json()
            for r in self.slack.requests("/api/chat.postMessage")
            if r.json()["channel"] == self.channel
        ]


def sections(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


def button_values(message: dict[str, Any]) -> list[str]:
    return [e["value"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def assert_full_crisis_answer(text: str) -> None:
    for route in CRISIS.routes:
        assert route.contact in text
    assert "*If a patient is at risk, follow your local safeguarding procedure.*" in text


@pytest.fixture
def channel(channel_stack: ChannelStack, fake_slack: FakeService) -> Workspace:
    return Workspace(channel_stack, fake_slack)


def test_a_mention_is_answered_in_its_thread_with_blocks_and_buttons(channel: Workspace) -> None:
    ts = channel.next_ts()
    text = "our physios don't know where to send people with low mood"
    assert channel.event(channel.message(text, ts, mention=True)) == 200
    answer, feedback = channel.posts(2, thread_ts=ts)
    assert sections(answer)[0].startswith("This sounds like *Local knowledge*.")
    assert "**" not in answer["text"] and "](" not in answer["text"]
    assert button_values(answer) == [
        "/ask_challenges",
        "/ask_examples",
        "/ask_more_actions",
        "/show_areas",
    ]
    assert sections(feedback) == ["Was this helpful?"]
    assert button_values(feedback) == ["/feedback_helpful", "/feedback_unhelpful"]
    sent = channel.slack.requests("/api/chat.postMessage")[-1]
    assert sent.headers["authorization"] == f"Bearer {SLACK_TOKEN}"


def test_doubles_and_retries_get_one_answer_and_the_thread_carries_on(
    channel: Workspace,
) -> None:
    ts = channel.next_ts()
    text = "the ICB wants a business case before funding the pilot"
    assert channel.event(channel.message(text, ts, mention=True), event_id="EvMention") == 200
    assert channel.event(channel.message(text, ts), event_id="EvMessage") == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
    assert channel.event(channel.message(text, ts, mention=True), "EvMention", headers=retry) == 200
    # A follow-up in the thread, without a mention, is the same conversation; Rasa answers a
    # conversation's messages in order, so any second answer to the first would come before it.
    assert channel.event(channel.message("any examples?", channel.next_ts(), ts)) == 200
    posts = channel.posts(3, thread_ts=ts)
    assert sections(posts[0])[0].startswith("This sounds like *Evidence base and business case*")
    assert sections(posts[1]) == ["Was this helpful?"]
    assert "Practical examples for *Evidence base and business case*" in sections(posts[2])[0]
    time.sleep(1)
    assert len(channel.all_posts()) == 3


def test_a_button_click_continues_the_threads_conversation(channel: Workspace) -> None:
    ts = channel.next_ts()
    channel.event(
        channel.message("nobody knows what community groups exist here", ts, mention=True)
    )
    channel.posts(2, thread_ts=ts)
    assert channel.click("/ask_challenges", thread_ts=ts) == 200
    challenges = channel.posts(3, thread_ts=ts)[2]
    assert sections(challenges)[0].startswith("Challenges to prepare for in *Local knowledge*")


def test_the_delete_button_deletes_that_threads_conversation_and_no_other(
    channel: Workspace, channel_stack: ChannelStack
) -> None:
    kept, asked = channel.next_ts(), channel.next_ts()
    for text, ts in [
        ("nobody knows what community groups exist here", kept),
        ("do you keep my messages?", asked),
    ]:
        channel.event(channel.message(text, ts, mention=True))
    channel.posts(2, thread_ts=kept)
    [privacy] = channel.posts(1, thread_ts=asked)
    assert "/forget_conversation" in button_values(privacy)
    asked_thread = channel.conversation(asked)
    assert channel_stack.events_for(asked_thread) > 0

    assert channel.click("/forget_conversation", thread_ts=asked) == 200
    done = channel.posts(2, thread_ts=asked)[1]
    assert sections(done)[0].startswith("Done: Signpost has deleted its record")
    wait_until(lambda: channel_stack.events_for(asked_thread) == 0, timeout=15)
    assert channel_stack.events_for(asked_thread) == 0
    assert channel_stack.events_for(channel.conversation(kept)) > 0


def test_a_direct_message_is_answered_in_place_and_crisis_help_is_whole(
    channel_stack: ChannelStack, fake_slack: FakeService
) -> None:
    dm = Workspace(channel_stack, fake_slack, direct=True)
    started = time.monotonic()
    dm.event(dm.message("I want to kill myself", dm.next_ts()))
    [answer] = dm.posts(1)
    assert time.monotonic() - started < 30
    assert_full_crisis_answer("\n\n".join(sections(answer)))
    assert_full_crisis_answer(answer["text"])
    time.sleep(1)
    assert len(dm.all_posts()) == 1


def test_the_slash_command_answers_briefly_and_only_to_the_asker(channel: Workspace) -> None:
    status, body, hook = channel.command("patients bounce between physio and the pain team")
    assert (status, body) == (200, b"")
    [reply] = channel.slack.wait_for(lambda r: r.path == hook)
    answer = reply.json()
    assert answer["response_type"] == "ephemeral"
    lines = answer["text"].splitlines()
    assert lines[0] == "*Coordination, access and collaboration*" and len(lines) == 4
    assert button_values(answer) == []
    assert channel.all_posts() == []


def test_the_slash_command_gives_crisis_help_in_full(channel: Workspace) -> None:
    _, _, hook = channel.command("my patient says he has been saving up his tablets")
    [reply] = channel.slack.wait_for(lambda r: r.path == hook)
    assert reply.json()["response_type"] == "ephemeral"
    assert_full_crisis_answer(reply.json()["text"])


def test_the_slash_command_without_a_barrier_explains_itself(channel: Workspace) -> None:
    status, body, _ = channel.command("  ")
    assert status == 200
    assert (
        json.loads(body)["response_type"] == "ephemeral" and "/signpost" in json.loads(body)["text"]
    )


def test_url_verification_echoes_the_challenge(channel: Workspace) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c-123"}).encode()
    status, _, reply = channel.send("webhook", body, "application/json")
    assert (status, json.loads(reply)) == (200, {"challenge": "c-123"})


@pytest.mark.parametrize(
    "forgery",
    [
        {"secret": "not-the-secret"},
        {"age": 6 * 60},
        {"age": -6 * 60},
        {"headers": {"X-Slack-Signature": "v0=" + "0" * 64}},
    ],
    ids=["wrong-secret", "stale", "future", "tampered"],
)
def test_a_bad_or_stale_signature_gets_401_and_nothing_is_processed(
    channel: Workspace, channel_stack: ChannelStack, forgery: dict[str, Any]
) -> None:
    ts = channel.next_ts()
    text = "our physios don't know where to send people with low mood"
    assert channel.event(channel.message(text, ts, mention=True), **forgery) == 401
    assert channel.click("/ask_examples", thread_ts=ts, **forgery) == 401
    status, _, hook = channel.command(text, **forgery)
    assert status == 401
    # A genuine message afterwards is answered, and it is the only thing answered.
    hello = channel.next_ts()
    channel.event(channel.message("hello", hello, mention=True))
    channel.posts(1, thread_ts=hello)
    time.sleep(1)
    assert [post["thread_ts"] for post in channel.all_posts()] == [hello]
    assert not channel.slack.requests(hook)
    assert channel_stack.events_for(channel.conversation(ts)) == 0


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("webhook", "application/json", b"{not json"),
        ("webhook", "application/json", b"[1, 2]"),
        ("webhook", "application/x-www-form-urlencoded", b"payload=%7Bnot+json"),
        ("webhook", "application/x-www-form-urlencoded", b"\xff\xfe"),
        ("webhook", "text/plain", b"hello"),
        ("commands", "application/x-www-form-urlencoded", b"text=hi&user_id=U1"),
        (
            "commands",
            "application/x-www-form-urlencoded",
            b"text=hi&user_id=U1&channel_id=C1&response_url=https%3A%2F%2Fevil.example%2F",
        ),
    ],
    ids=[
        "bad-json",
        "json-array",
        "bad-payload",
        "not-utf8",
        "plain-text",
        "no-url",
        "foreign-url",
    ],
)
def test_a_signed_but_malformed_request_gets_400(
    channel: Workspace, path: str, content_type: str, body: bytes
) -> None:
    status, _, _ = channel.send(path, body, content_type)
    assert status == 400
