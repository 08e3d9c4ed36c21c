"""Rasa's Bot Framework output, replying as a single-tenant bot with Adaptive Cards.

Rasa 3.6 gets its reply token from the multi-tenant botframework.com endpoint, which new
(single-tenant) Azure bots cannot use, keeps it in a class attribute shared by every bot, and
addresses replies to Rasa's sender id rather than to the person. Here the token comes from our
tenant's endpoint and is reused until a minute before it expires; each answer is one card,
posted as a reply to the person's activity.
"""

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from rasa.core.channels.botframework import BotFramework

from bot.channels.http import post_form, post_json
from bot.channels.teams_cards import card
from bot.channels.untrusted import text_at

logger = logging.getLogger(__name__)

TOKEN_URL = "https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
EXPIRY_MARGIN = 60


class ReplyToken:
    """The bot's bearer token for the Bot Connector, from the client-credentials grant."""

    def __init__(
        self,
        token_url: str,
        app_id: str,
        app_password: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url = token_url
        self.form = {
            "grant_type": "client_credentials",
            "client_id": app_id,
            "client_secret": app_password,
            "scope": BOT_FRAMEWORK_SCOPE,
        }
        self.clock = clock
        self._token = ""
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def header(self) -> str:
        """`Bearer <token>`, fetching a new token only when the last is about to expire."""
        async with self._lock:
            if self.clock() >= self._expires_at:
                granted = await post_form(self.token_url, self.form)
                self._token = granted["access_token"]
                self._expires_at = self.clock() + int(granted["expires_in"]) - EXPIRY_MARGIN
        return f"Bearer {self._token}"


class TeamsBot(BotFramework):
    """Replies to one activity: same conversation (and channel thread), addressed to its sender."""

    def __init__(
        self, app_id: str, app_password: str, activity: Mapping[str, Any], token: ReplyToken
    ) -> None:
        super().__init__(
            app_id,
            app_password,
            activity["conversation"],
            activity["recipient"],
            activity["serviceUrl"],
        )
        self.user = activity["from"]
        self.reply_to_id = text_at(activity, "id")
        self.token = token

    def prepare_message(self, recipient_id: str, message_data: dict[str, Any]) -> dict[str, Any]:
        message = super().prepare_message(recipient_id, message_data)
        message.update(recipient=self.user, conversation=self.conversation)
        if self.reply_to_id:
            message["replyToId"] = self.reply_to_id
        return message

    async def send(self, message_data: dict[str, Any]) -> None:
        url = f"{self.global_uri}conversations/{quote(self.conversation['id'], safe='')}/activities"
        if self.reply_to_id:
            url += f"/{quote(self.reply_to_id, safe='')}"
        headers = {"Authorization": await self.token.header()}
        status = await post_json(url, message_data, headers)
        if status >= 400:
            logger.error("The Bot Connector refused a reply: %s", status)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_text_with_buttons(recipient_id, text, [])

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: Sequence[Mapping[str, str]],
        **kwargs: Any,
    ) -> None:
        attachments = {"attachments": [card(text, buttons)]}
        await self.send(self.prepare_message(recipient_id, attachments))
