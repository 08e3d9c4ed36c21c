"""Rasa's REST channel, with each request checked before Rasa sees it and every message answered.

The stock channel answers a JSON array or a non-string message with a server error, lets the
caller pick any `input_channel`, passes any text to the NLU pipeline, logs the text of
a message it failed on, and answers nothing when a custom action fails. Here a bad request gets
a 400 that says what is wrong, the channel is always "rest", the text is read as every channel
reads it (untrusted.user_text: no hidden characters, very long text cut to its ends), a message
that got no reply gets the unavailable wording (unanswered.py), a message sent again with the
same `message_id` after a dropped connection is answered once (once.py), and of the metadata only
what the assistant reads is kept (untrusted.kept_metadata).
"""

from functools import partial
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot.channels.once import handle_once
from bot.channels.unanswered import OnNewMessage, always_answering
from bot.channels.untrusted import json_object, kept_metadata, user_text

MAX_SENDER_CHARS = 128
MAX_MESSAGE_ID_CHARS = 128


def check_payload(payload: Any) -> str | None:
    """What is wrong with a REST request body, in words, or None if it is usable."""
    if not isinstance(payload, dict):
        return "The body must be a JSON object with 'sender' and 'message'."
    sender, message = payload.get("sender"), payload.get("message")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        return f"'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} characters."
    if not isinstance(message, str):
        return "'message' must be a string."
    if payload.get("metadata") is not None and not isinstance(payload["metadata"], dict):
        return "'metadata' must be a JSON object."
    message_id = payload.get("message_id")
    if message_id is not None and (
        not isinstance(message_id, str)
        or not message_id.strip()
        or len(message_id) > MAX_MESSAGE_ID_CHARS
    ):
        return (
            f"'message_id' must be a non-empty string of at most {MAX_MESSAGE_ID_CHARS} characters."
        )
    return None


class CheckedRestInput(RestInput):
    """POST /webhooks/rest/webhook {"sender", "message", "metadata"?, "message_id"?}."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("signpost_rest", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            payload = json_object(request.body)
            problem = check_payload(payload)
            if problem:
                return response.json({"error": problem}, status=400)
            collector = CollectingOutputChannel()
            message = UserMessage(
                user_text(payload["message"]),
                collector,
                payload["sender"],
                input_channel=self.name(),
                metadata=kept_metadata(payload.get("metadata")),
                message_id=payload.get("message_id"),
            )
            handle = (
                partial(handle_once, request.app.ctx.agent)
                if payload.get("message_id")
                else on_new_message
            )
            await always_answering(handle)(message)
            return response.json(collector.messages)

        return webhook
