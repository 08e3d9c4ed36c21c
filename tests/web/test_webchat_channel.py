"""The web chat channel: what it accepts from a socket, and the files it serves."""

import asyncio
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from email.message import Message

import pytest
import socketio

from bot.channels.webchat import checked_message, checked_session_id
from bot.servers import Server

SESSION = str(uuid.uuid4())


@pytest.mark.parametrize(
    "data",
    [
        None,
        "abc",
        42,
        [SESSION],
        {},
        {"session_id": 7},
        {"session_id": {"x": 1}},
        {"session_id": "short"},
        {"session_id": "a b c d e f g h i j k l"},
        {"session_id": "x" * 129},
    ],
)
def test_unacceptable_session_ids_are_refused(data: object) -> None:
    assert checked_session_id(data) is None


def test_a_uuid_is_an_acceptable_session_id() -> None:
    assert checked_session_id({"session_id": SESSION}) == SESSION
    assert checked_session_id({"session_id": uuid.uuid4().hex}) is not None


@pytest.mark.parametrize(
    "data",
    [
        None,
        "hello",
        ["hello"],
        {"session_id": SESSION},
        {"session_id": SESSION, "message": 5},
        {"session_id": SESSION, "message": {"text": "hi"}},
        {"message": "hi"},
        {"message": "hi", "session_id": ["x"]},
    ],
)
def test_unusable_messages_are_dropped(data: object) -> None:
    assert checked_message(data, "metadata", session_required=True) is None


def test_only_brief_mode_passes_through_metadata() -> None:
    def metadata(sent: object) -> dict:
        data = {"session_id": SESSION, "message": "hi", "metadata": sent}
        return checked_message(data, "metadata", session_required=True)["metadata"]

    assert metadata({"mode": "brief"}) == {"mode": "brief"}
    assert metadata({"mode": "brief", "name": "Ann Smith, NHS 123 456 7890"}) == {"mode": "brief"}
    assert metadata({"mode": "verbose"}) == {}
    assert metadata('{"mode": "brief"') == {}  # Rasa itself would crash parsing this string
    assert metadata(["brief"]) == {}


def test_very_long_messages_are_cut_to_their_start_and_end() -> None:
    data = {"session_id": SESSION, "message": "a" * 50_000 + "help"}
    assert len(checked_message(data, "metadata", session_required=True)["message"]) < 11_000


async def send_junk_then_hello(url: str) -> None:
    client = socketio.AsyncClient()
    replies: asyncio.Queue = asyncio.Queue()
    confirmed: asyncio.Queue = asyncio.Queue()
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", confirmed.put)
    # Long-polling: python-engineio's websocket client needs a newer aiohttp than Rasa pins.
    await client.connect(url, transports=["polling"])
    try:
        for junk in ("nonsense", 42, None, {"session_id": ["not", "a", "string"]}):
            await client.emit("session_request", junk)
            fresh_id = await asyncio.wait_for(confirmed.get(), timeout=10)
            assert checked_session_id({"session_id": fresh_id})
        for junk in (
            "nonsense",
            [1, 2],
            {"message": "hi"},
            {"message": 3, "session_id": SESSION},
            {"message": "hi", "session_id": {"a": 1}},
        ):
            await client.emit("user_uttered", junk)
        await client.emit("session_request", {"session_id": SESSION})
        assert await asyncio.wait_for(confirmed.get(), timeout=10) == SESSION
        await client.emit("user_uttered", {"message": "hello", "session_id": SESSION})
        assert "Signpost" in (await asyncio.wait_for(replies.get(), timeout=60))["text"]
        await asyncio.sleep(2)
        assert replies.empty(), "a malformed message was answered"
    finally:
        await client.eio.disconnect(abort=True)  # not waiting out the pending long-poll


@pytest.mark.slow
def test_junk_on_the_socket_breaks_nothing(stack: Server) -> None:
    # In a thread of its own: the browser tests' Playwright keeps this thread's event loop busy.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, send_junk_then_hello(stack.url)).result(timeout=120)


def fetch(url: str) -> tuple[int, Message, bytes]:
    """Status, headers (names in any case) and body, for an error status too."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.slow
def test_the_chat_page_and_widget_are_served_beside_the_socket(stack: Server) -> None:
    status, headers, body = fetch(f"{stack.url}/webchat/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert b'lang="en-GB"' in body
    for name, content_type in (
        ("signpost-widget.js", "text/javascript"),
        ("signpost-widget.css", "text/css"),
    ):
        status, headers, _ = fetch(f"{stack.url}/webchat/{name}")
        assert status == 200 and headers["Content-Type"].startswith(content_type)
        assert headers["X-Content-Type-Options"] == "nosniff"
    assert fetch(f"{stack.url}/webchat")[0] == 200  # redirected to /webchat/
    for missing in ("/webchat/build.js", "/webchat/..%2Fcredentials.yml", "/webchat/%2e%2e/"):
        assert fetch(stack.url + missing)[0] == 404
