"""Rasa's socketio channel with its payloads checked, and the web chat served beside it.

The page and widget come from the same server as the socket, so the stand-alone page needs no
CORS, and another site listed in `allowed_origins` (origins.py) can embed the widget with one
script tag (see README.md, "Web chat").
The stock handlers crash or misbehave on a payload that is not an object, a message that is not
a string or a session id that is not a string, and never join the session's room (so with
`session_persistence` no reply arrives). Here a session joins its room, each message payload is
checked first, and only what the assistant reads from message metadata (`mode: brief`) is
passed on, so the tracker store keeps nothing else a client sends.
"""

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from socketio import AsyncServer

from bot.channels.origins import OriginCheck, origin_check
from bot.channels.unanswered import always_answering
from bot.channels.untrusted import kept_metadata, user_text
from bot.paths import WEB_DIST_DIR

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,128}")
WEB_CHAT_PATH = "/webchat"
NOT_BUILT = "The web chat has not been built: run `make web`."

# What the browser gets, by URL path under /webchat/: (file in web/dist, content type).
FILES = {
    "": ("index.html", "text/html; charset=utf-8"),
    "signpost-widget.js": ("signpost-widget.js", "text/javascript; charset=utf-8"),
    "signpost-widget.css": ("signpost-widget.css", "text/css; charset=utf-8"),
}
HEADERS = {
    "Cache-Control": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
# The page only ever loads its own files and talks to its own socket; a message that slipped
# past the widget's escaping could still run nothing.
PAGE_HEADERS = HEADERS | {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}


def checked_session_id(data: Any) -> str | None:
    """The session id a client asked for, if it is one we accept (an unguessable token)."""
    session_id = data.get("session_id") if isinstance(data, dict) else None
    return session_id if isinstance(session_id, str) and SESSION_ID.fullmatch(session_id) else None


def checked_message(data: Any, metadata_key: str, session_required: bool) -> dict[str, Any] | None:
    """A `user_uttered` payload reduced to what Rasa may use, or None if it is unusable."""
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        return None
    session_id = checked_session_id(data)
    if session_id is None and (session_required or data.get("session_id") is not None):
        return None
    return {
        "message": user_text(data["message"]),
        "session_id": session_id,
        metadata_key: kept_metadata(data.get(metadata_key)),
    }


class OwnPrefixBlueprint(Blueprint):
    """A blueprint that keeps its own URL prefix when Rasa mounts channels under /webhooks/."""

    def register(self, app: Sanic, options: dict[str, Any]) -> None:
        super().register(app, options | {"url_prefix": self.url_prefix})


def web_chat_files(dist_dir: Path) -> Blueprint:
    """GET /webchat/ (the chat page) and the widget's script and stylesheet, from web/dist."""
    files = OwnPrefixBlueprint("signpost_webchat_files", url_prefix=WEB_CHAT_PATH)

    async def serve(name: str) -> response.HTTPResponse:
        if name not in FILES:
            return response.text("Not found.", status=404)
        filename, content_type = FILES[name]
        path = dist_dir / filename
        if not path.is_file():
            return response.text(NOT_BUILT, status=404)
        headers = PAGE_HEADERS if content_type.startswith("text/html") else HEADERS
        return await response.file(path, mime_type=content_type, headers=headers)

    @files.route("", strict_slashes=True)
    async def page_without_slash(_: Request) -> response.HTTPResponse:
        return response.redirect(WEB_CHAT_PATH + "/")  # so the page's relative URLs resolve

    @files.route("/", strict_slashes=True)
    async def page(_: Request) -> response.HTTPResponse:
        return await serve("")

    @files.route("/<name:str>")
    async def built_file(_: Request, name: str) -> response.HTTPResponse:
        return await serve(name)

    return files


class WebChatInput(SocketIOInput):
    """Rasa's socketio channel (still named "socketio", at /socket.io) plus the web chat."""

    allowed_origins: OriginCheck | None = None  # python-engineio's default: its own page only

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "WebChatInput":
        """Rasa's settings, plus `allowed_origins`: the sites that may embed the chat."""
        channel = super().from_credentials(credentials)
        channel.allowed_origins = origin_check((credentials or {}).get("allowed_origins"))
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> list[Blueprint]:
        socket_blueprint = super().blueprint(always_answering(on_new_message))
        # Rasa turns python-engineio's origin check off (an empty list); turn it back on.
        socket_blueprint.ctx.sio.eio.cors_allowed_origins = self.allowed_origins
        self._install_handlers(socket_blueprint.ctx.sio)
        # Sanic registers each blueprint in a list with the channel's options.
        return [socket_blueprint, web_chat_files(WEB_DIST_DIR)]

    def _install_handlers(self, sio: AsyncServer) -> None:
        """Puts our own session handler and a check in front of Rasa's message handler."""
        rasa_handle_message = sio.handlers[self.namespace or "/"][self.user_message_evt]

        async def session_request(sid: str, data: Any = None, *_: Any) -> None:
            session_id = checked_session_id(data) or uuid.uuid4().hex
            if self.session_persistence:
                # Rasa 3.6 does not await this coroutine (RasaHQ/rasa#13027), so with
                # python-socketio 5.x its rooms stay empty and no reply reaches the browser.
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        async def handle_message(sid: str, data: Any = None, *_: Any) -> None:
            message = checked_message(data, self.metadata_key, self.session_persistence)
            if message is None:
                logger.debug("Ignored a malformed %s payload from %s.", self.user_message_evt, sid)
                return
            await rasa_handle_message(sid, message)

        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
