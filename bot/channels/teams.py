"""Microsoft Teams: Rasa's botframework channel, made safe and working for a single-tenant bot.

POST /webhooks/teams/webhook is the Azure Bot's messaging endpoint. Every request's token is
checked in full (teams_auth.py) before its body is read; nothing is fetched at start-up, so the
server starts without network. Replies are Adaptive Cards whose buttons work in Teams
(teams_cards.py), sent with a token from our own tenant (teams_bot.py). The answer is worked
out after the webhook has replied, as Rasa's Slack channel does.

The Microsoft addresses have defaults and can be changed (for tests, or other clouds) with
SIGNPOST_TEAMS_OPENID_URL, SIGNPOST_TEAMS_TOKEN_URL, SIGNPOST_TEAMS_ISSUERS and
SIGNPOST_TEAMS_SERVICE_URLS (the last two space-separated, service URLs as shell patterns).
"""

import hashlib
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import Any

from rasa.core.channels.botframework import BotFrameworkInput
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.tasks import BackgroundTasks
from bot.channels.teams_auth import (
    MICROSOFT_ISSUERS,
    MICROSOFT_OPENID_URL,
    TEAMS_SERVICE_URLS,
    KeysUnavailable,
    SigningKeys,
    TokenPolicy,
    Unauthorized,
    check_activity,
    verify_token,
)
from bot.channels.teams_bot import TOKEN_URL, ReplyToken, TeamsBot
from bot.channels.teams_cards import activity_text
from bot.channels.unanswered import always_answering
from bot.channels.untrusted import json_object, text_at, user_text

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class Refused(Exception):
    """A request that must not be processed, with the status to answer it with."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def setting(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """A space-separated list from the environment, or the default when unset."""
    return tuple(os.environ.get(name, "").split()) or default


def is_message(activity: Mapping[str, Any]) -> bool:
    """Whether a message activity has everything a reply needs."""
    return (
        activity.get("type") == "message"
        and all(text_at(activity, *path) for path in (("conversation", "id"), ("from", "id")))
        and isinstance(activity.get("recipient"), dict)
    )


def sender_id(activity: Mapping[str, Any]) -> str:
    """One conversation per person per Teams conversation (a chat, or a thread in a channel).

    Teams ids are long and full of punctuation, so they are hashed to a short, stable id.
    """
    ids = f"{activity['conversation']['id']}|{activity['from']['id']}"
    return f"teams-{hashlib.sha256(ids.encode()).hexdigest()[:32]}"


class TeamsInput(BotFrameworkInput):
    """The Teams webhook: a full token check, then the message to Rasa, the reply as a card."""

    @classmethod
    def name(cls) -> str:
        return "teams"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "TeamsInput":
        if not credentials:
            cls.raise_missing_credentials_exception()
        app_id = credentials.get("app_id", "")
        return cls(
            app_id,
            credentials.get("app_password", ""),
            TokenPolicy(
                app_id=app_id,
                tenant_id=credentials.get("tenant_id", ""),
                issuers=setting("SIGNPOST_TEAMS_ISSUERS", MICROSOFT_ISSUERS),
                service_urls=setting("SIGNPOST_TEAMS_SERVICE_URLS", TEAMS_SERVICE_URLS),
            ),
            openid_url=os.environ.get("SIGNPOST_TEAMS_OPENID_URL", MICROSOFT_OPENID_URL),
            token_url=os.environ.get("SIGNPOST_TEAMS_TOKEN_URL"),
        )

    def __init__(
        self,
        app_id: str,
        app_password: str,
        policy: TokenPolicy,
        openid_url: str = MICROSOFT_OPENID_URL,
        token_url: str | None = None,
    ) -> None:
        # Rasa's __init__ would fetch Microsoft's keys now; they are fetched on first use instead.
        self.app_id = app_id
        self.app_password = app_password
        self.policy = policy
        self.keys = SigningKeys(openid_url)
        self.reply_token = ReplyToken(
            token_url or TOKEN_URL.format(tenant_id=policy.tenant_id), app_id, app_password
        )
        self.tasks = BackgroundTasks()

    async def checked_activity(self, request: Request) -> dict[str, Any]:
        """The request's activity, once its token and the activity itself pass every check."""
        try:
            claims, key = await verify_token(
                request.headers.get("Authorization"), self.keys, self.policy
            )
        except KeysUnavailable as reason:
            raise Refused(HTTPStatus.SERVICE_UNAVAILABLE, "Cannot check tokens now.") from reason
        except Unauthorized as reason:
            logger.warning("Refused a Teams request: %s", reason)
            raise Refused(HTTPStatus.UNAUTHORIZED, "Unauthorized.") from reason
        activity = json_object(request.body)
        if activity is None:
            raise Refused(HTTPStatus.BAD_REQUEST, "The body must be an activity.")
        try:
            check_activity(claims, key, activity, self.policy)
        except Unauthorized as reason:
            logger.warning("Refused a Teams activity: %s", reason)
            raise Refused(HTTPStatus.UNAUTHORIZED, "Unauthorized.") from reason
        return activity

    def answer(self, activity: dict[str, Any], on_new_message: OnNewMessage) -> None:
        """Start working out the answer to a message; the reply is posted when ready."""
        output = TeamsBot(self.app_id, self.app_password, activity, self.reply_token)
        user_message = UserMessage(
            user_text(activity_text(activity)),
            output,
            sender_id(activity),
            input_channel=self.name(),
        )
        self.tasks.start(on_new_message(user_message))

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        on_new_message = always_answering(on_new_message)
        hooks = Blueprint("signpost_teams", __name__)

        @hooks.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hooks.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            try:
                activity = await self.checked_activity(request)
            except Refused as refusal:
                return response.text(refusal.reason, status=refusal.status)
            if activity.get("type") != "message":  # conversation updates, typing, reactions
                return response.text("")
            if not is_message(activity):
                return response.text(
                    "A message needs a conversation, from and recipient.",
                    status=HTTPStatus.BAD_REQUEST,
                )
            if activity_text(activity):
                self.answer(activity, on_new_message)
            return response.text("")

        return hooks
