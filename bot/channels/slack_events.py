"""What a Slack request asks Signpost to answer, read from untrusted events, clicks and commands.

In a channel every conversation is a thread: a mention starts one, the answer goes into it, and
later messages in that thread (mention or not) carry on the same conversation. In a direct
message the answer goes straight back, unless the person wrote in a thread.
"""

from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.slack import SlackInput

from bot.channels.untrusted import text_at

SLACK_ESCAPES = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}


@dataclass(frozen=True)
class SlackMessage:
    """Something to answer: who asked, where the answer goes, and the text."""

    user: str
    channel: str
    thread_ts: str | None
    text: str
    brief: bool = False
    response_url: str | None = None  # when set, the answer goes here, seen by the asker alone

    @property
    def sender_id(self) -> str:
        """One conversation per person per thread, so follow-ups in a thread keep their context."""
        return ":".join(part for part in (self.user, self.channel, self.thread_ts) if part)


def plain_text(text: str, bot_user_ids: list[str]) -> str:
    """The words as typed: the bot's @mention dropped, Slack's link markup and escapes undone."""
    text = SlackInput._sanitize_user_message(text, bot_user_ids)
    for escaped, character in SLACK_ESCAPES.items():
        text = text.replace(escaped, character)
    return text


def bot_user_ids(body: Mapping[str, Any]) -> list[str]:
    """The bot's user ids in this workspace, from the event's authorizations."""
    authorizations = body.get("authorizations")
    if not isinstance(authorizations, list):
        return []
    return [found for found in (text_at(a, "user_id") for a in authorizations) if found]


def event_message(
    body: Mapping[str, Any], followed_threads: Container[tuple[str, str]]
) -> SlackMessage | None:
    """The person's message in an Events API callback, or None when it is not for Signpost."""
    event = body.get("event")
    if not isinstance(event, dict) or event.get("type") not in {"message", "app_mention"}:
        return None
    if event.get("subtype") or event.get("bot_id"):  # edits, joins, bots (including ours)
        return None
    user, channel, ts = (text_at(event, key) for key in ("user", "channel", "ts"))
    text = text_at(event, "text")
    if not (user and channel and ts and text):
        return None
    thread_ts = text_at(event, "thread_ts")
    if event.get("channel_type") != "im":
        thread_ts = thread_ts or ts
        if event["type"] != "app_mention" and (channel, thread_ts) not in followed_threads:
            return None
    return SlackMessage(user, channel, thread_ts, plain_text(text, bot_user_ids(body)))


def click_message(payload: Mapping[str, Any], hooks_url: str) -> SlackMessage | None:
    """A button click (block_actions) as the button's payload said by the person who clicked."""
    actions = payload.get("actions")
    if payload.get("type") != "block_actions" or not isinstance(actions, list) or not actions:
        return None
    value = text_at(actions[0], "value")
    user = text_at(payload, "user", "id")
    channel = text_at(payload, "channel", "id") or text_at(payload, "container", "channel_id")
    if not (value and user and channel) or text_at(actions[0], "type") != "button":
        return None
    thread_ts = text_at(payload, "message", "thread_ts") or text_at(
        payload, "container", "thread_ts"
    )
    container = payload.get("container")
    ephemeral = isinstance(container, dict) and container.get("is_ephemeral") is True
    response_url = allowed_response_url(text_at(payload, "response_url"), hooks_url)
    if ephemeral and not response_url:
        return None
    return SlackMessage(
        user, channel, thread_ts, value, response_url=response_url if ephemeral else None
    )


def command_message(fields: Mapping[str, str], hooks_url: str) -> SlackMessage | None:
    """`/signpost <barrier>` as a brief question whose answer only the asker sees."""
    user, channel = fields.get("user_id"), fields.get("channel_id")
    response_url = allowed_response_url(fields.get("response_url"), hooks_url)
    if not (user and channel and response_url):
        return None
    return SlackMessage(
        user, channel, None, fields.get("text", "").strip(), brief=True, response_url=response_url
    )


def allowed_response_url(url: str | None, hooks_url: str) -> str | None:
    """Slack's response_url, if it points where Slack's do: answers are never posted elsewhere."""
    return url if url and url.startswith(hooks_url) else None
