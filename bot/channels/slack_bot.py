"""Rasa's Slack output, sending each answer as one Block Kit message to the right place.

Rasa's own sends each paragraph as a separate plain message and drops every button past five;
here an answer (the crisis routes included) arrives whole, with its follow-up buttons. Answers
go into the question's thread, or, for a slash command, to Slack's response_url, which shows
them to the asker alone. The Web API's address is configurable so tests can stand in for Slack.
"""

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from rasa.core.channels.slack import SlackBot
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.channels.slack_blocks import message_blocks, mrkdwn

logger = logging.getLogger(__name__)


class BlockKitBot(SlackBot):
    """Posts to one channel and thread, or privately through a slash command's response_url."""

    def __init__(
        self,
        token: str,
        channel: str,
        thread_ts: str | None,
        api_url: str,
        response_url: str | None = None,
    ) -> None:
        super().__init__(token, channel, thread_ts)
        self.client = AsyncWebClient(token=token, base_url=api_url)
        self.response_url = response_url

    async def _post_message(self, channel: str, **message: Any) -> None:
        # Rasa's `as_user` is for classic apps; a bot token posts as the bot anyway.
        message.pop("as_user", None)
        if self.response_url:
            sent = await AsyncWebhookClient(self.response_url).send(
                response_type="ephemeral", **message
            )
            if sent.status_code != 200:
                logger.error("Slack refused a response_url answer: %s", sent.status_code)
            return
        await self.client.chat_postMessage(
            channel=channel,
            thread_ts=self.thread_id,
            unfurl_links=False,
            unfurl_media=False,
            **message,
        )

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_text_with_buttons(recipient_id, text, [])

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: Sequence[Mapping[str, str]],
        **kwargs: Any,
    ) -> None:
        await self._post_message(
            self.slack_channel or recipient_id,
            text=mrkdwn(text),
            blocks=message_blocks(text, buttons),
        )
