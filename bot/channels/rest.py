"""Rasa's REST channel, with each request checked before Rasa sees it.

The stock channel answers a JSON array or a non-string message with a server error, lets the
caller pick any `input_channel`, and passes text of any length to the NLU pipeline. Here a bad
request gets a 400 that says what is wrong, the channel is always "rest", and very long text
is cut to its start and end (where people tend to say what matters, and where the crisis
matcher looks) so one message cannot tie up the classifier.
"""

from typing import Any

from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

MAX_SENDER_CHARS = 128
MAX_TEXT_CHARS = 10_000
HEAD_CHARS = 8_000
TAIL_CHARS = 2_000


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
    return None


def bounded(text: str) -> str:
    """Very long text cut to its start and end."""
    if len(text) <= MAX_TEXT_CHARS:
        return text
    return f"{text[:HEAD_CHARS]} … {text[-TAIL_CHARS:]}"


class CheckedRestInput(RestInput):
    """POST /webhooks/rest/webhook, as Rasa's, refusing malformed requests with a 400."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_message(self, req: Request) -> str:
        return bounded(req.json["message"])

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def blueprint(self, on_new_message) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.middleware("request")
        async def refuse_malformed(request: Request) -> response.HTTPResponse | None:
            if request.method != "POST":
                return None
            try:
                payload = request.json
            except Exception:  # sanic raises its own error for a body that is not JSON
                payload = None
            problem = check_payload(payload)
            return response.json({"error": problem}, status=400) if problem else None

        return webhook
