"""Slack: Rasa's Slack channel with the checks and the shape of conversation Signpost needs.

Kept from Rasa's connector: the request signature check (HMAC-SHA256 with the signing secret,
five-minute window, constant-time compare). Added here:
- a bad or stale signature gets 401, and a malformed body 400, before anything is processed;
- each message is answered once: Slack's retries repeat an event id, and a mention arrives
  twice (as a mention and as a channel message) with one channel and ts;
- threads are conversations (see slack_events.py) and answers are Block Kit (slack_bot.py),
  whose buttons come back here as interactive payloads;
- POST /webhooks/slack/commands: `/signpost <barrier>` gives the brief answer, seen by the asker
  alone; Rasa's connector has no slash commands.
The answer is worked out after the webhook has replied: Slack waits three seconds at most.
"""

import logging
import os
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.slack import SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.recent import RecentKeys
from bot.channels.slack_bot import BlockKitBot
from bot.channels.slack_events import (
    SlackMessage,
    click_message,
    command_message,
    event_message,
)
from bot.channels.tasks import BackgroundTasks
from bot.channels.unanswered import always_answering
from bot.channels.untrusted import form_fields, json_object, media_type, text_at, user_text

logger = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
SLACK_HOOKS_URL = "https://hooks.slack.com/"
ANSWERED_FOR = 60 * 60  # Slack's last retry comes about five minutes after the first try
THREADS_FOLLOWED_FOR = 7 * 24 * 60 * 60
USAGE = (
    "Describe the barrier after the command, e.g. "
    "`/signpost our physios don't know where to refer people with low mood`."
)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def with_slash(url: str) -> str:
    return url if url.endswith("/") else f"{url}/"


class SignpostSlackInput(SlackInput):
    """POST /webhooks/slack/webhook (events, button clicks) and /webhooks/slack/commands."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "SignpostSlackInput":
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("slack_token", ""),
            credentials.get("slack_signing_secret", ""),
            api_url=os.environ.get("SIGNPOST_SLACK_API_URL", SLACK_API_URL),
            hooks_url=os.environ.get("SIGNPOST_SLACK_HOOKS_URL", SLACK_HOOKS_URL),
        )

    def __init__(
        self,
        slack_token: str,
        slack_signing_secret: str,
        api_url: str = SLACK_API_URL,
        hooks_url: str = SLACK_HOOKS_URL,
    ) -> None:
        super().__init__(slack_token, slack_signing_secret=slack_signing_secret)
        self.api_url = with_slash(api_url)
        self.hooks_url = with_slash(hooks_url)
        self.answered = RecentKeys(ANSWERED_FOR)
        self.followed_threads = RecentKeys(THREADS_FOLLOWED_FOR)
        self.tasks = BackgroundTasks()

    def answer(self, message: SlackMessage, on_new_message: OnNewMessage) -> None:
        """Follow the message's thread and start working out the answer, posted when ready."""
        if message.thread_ts:
            self.followed_threads.add((message.channel, message.thread_ts))
        output = BlockKitBot(
            self.slack_token,
            message.channel,
            message.thread_ts,
            self.api_url,
            message.response_url,
        )
        user_message = UserMessage(
            user_text(message.text),
            output,
            message.sender_id,
            input_channel=self.name(),
            metadata={"mode": "brief"} if message.brief else None,
        )
        self.tasks.start(on_new_message(user_message))

    def on_event(self, body: dict[str, Any], on_new_message: OnNewMessage) -> HTTPResponse:
        """An Events API callback: answered once if it is a message for Signpost."""
        if body.get("type") == "url_verification":
            challenge = text_at(body, "challenge")
            return response.json({"challenge": challenge}) if challenge else bad_request()
        message = event_message(body, self.followed_threads)
        if message is None:
            return response.text("")
        keys = [
            key
            for key in (
                ("event", text_at(body, "event_id")),
                ("message", message.channel, text_at(body, "event", "ts")),
            )
            if key[-1]
        ]
        if any(key in self.answered for key in keys):
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        for key in keys:
            self.answered.add(key)
        self.answer(message, on_new_message)
        return response.text("")

    def on_click(self, fields: dict[str, str], on_new_message: OnNewMessage) -> HTTPResponse:
        """An interactive payload: a button's payload, as if the person had typed it."""
        payload = json_object(fields.get("payload"))
        if payload is None:
            return bad_request()
        message = click_message(payload, self.hooks_url)
        if message is not None:
            self.answer(message, on_new_message)
        return response.text("")

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        on_new_message = always_answering(on_new_message)
        hooks = Blueprint("signpost_slack", __name__)

        @hooks.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hooks.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                return unsigned()
            if media_type(request) == "application/json":
                body = json_object(request.body)
                return bad_request() if body is None else self.on_event(body, on_new_message)
            if media_type(request) != "application/x-www-form-urlencoded":
                return bad_request()
            fields = form_fields(request.body)
            return bad_request() if fields is None else self.on_click(fields, on_new_message)

        @hooks.route("/commands", methods=["POST"])
        async def command(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                return unsigned()
            fields = form_fields(request.body)
            if fields is not None and fields.get("ssl_check") == "1":  # Slack checking our TLS
                return response.text("")
            message = command_message(fields, self.hooks_url) if fields is not None else None
            if message is None:
                return bad_request()
            if not message.text:
                return response.json({"response_type": "ephemeral", "text": USAGE})
            self.answer(message, on_new_message)
            return response.text("")

        return hooks


def unsigned() -> HTTPResponse:
    return response.text(
        "The request is not signed with this app's signing secret, or the signature is stale.",
        status=HTTPStatus.UNAUTHORIZED,
    )


def bad_request() -> HTTPResponse:
    return response.text("The request body is not what Slack sends.", status=HTTPStatus.BAD_REQUEST)
