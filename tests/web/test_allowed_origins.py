"""Which sites may open the chat's socket: the server's own page, listed sites, or any with "*".

Each case runs the real channel in a Sanic server of its own on loopback and opens a socket.io
session over HTTP long-polling with the Origin header a browser would send.
"""

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.shared.exceptions import InvalidConfigException

from bot.channels.webchat import WebChatInput
from bot.servers import Server, free_port, quiet_environment

INTRANET = "https://intranet.example.org"
STRANGER = "https://stranger.example.com"
HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


# One Sanic app per process: Sanic 21.12 cannot start a second app in a process.
SERVER = """
import json, sys
from rasa.core.channels.channel import register
from sanic import Sanic
from bot.channels.webchat import WebChatInput
app = Sanic("origins")
register([WebChatInput.from_credentials(json.loads(sys.argv[1]))], app, "/webhooks/")
app.run(host="127.0.0.1", port=int(sys.argv[2]), access_log=False)
"""


def serve(credentials: dict, log_folder: Path) -> Iterator[str]:
    """The channel, as Rasa registers it, on a loopback port: its base URL while it runs."""
    port = free_port()
    server = Server(
        "origins test server",
        [sys.executable, "-c", SERVER, json.dumps(credentials), str(port)],
        port,
        HANDSHAKE,
        quiet_environment(),
        log_folder / "server.log",
    ).start(timeout=60)
    try:
        yield server.url
    finally:
        server.stop()


def opens_session(url: str, origin: str | None) -> bool:
    """Whether the socket.io handshake succeeds for a page from `origin` (None: not a browser)."""
    headers = {"Origin": origin} if origin else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url + HANDSHAKE, headers=headers)) as r:
            return r.status == 200 and b'"sid"' in r.read()
    except urllib.error.HTTPError as refused:
        assert refused.code == 400
        assert b"not an accepted origin" in refused.read()
        return False


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve(
        {"session_persistence": True, "allowed_origins": [INTRANET]},
        tmp_path_factory.mktemp("listed"),
    )


@pytest.fixture(scope="module")
def any_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve(
        {"session_persistence": True, "allowed_origins": "*"}, tmp_path_factory.mktemp("any_site")
    )


@pytest.fixture(scope="module")
def unset(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve({"session_persistence": True}, tmp_path_factory.mktemp("unset"))


def test_a_listed_site_and_the_servers_own_page_may_connect(listed: str) -> None:
    assert opens_session(listed, INTRANET)
    assert opens_session(listed, listed)  # the stand-alone chat page at /webchat/


def test_an_unlisted_site_is_refused(listed: str) -> None:
    assert not opens_session(listed, STRANGER)
    assert not opens_session(listed, INTRANET.replace("https", "http"))


def test_scripts_outside_a_browser_send_no_origin_and_are_not_affected(listed: str) -> None:
    assert opens_session(listed, None)


def test_a_star_lets_any_site_embed_the_chat(any_site: str) -> None:
    assert opens_session(any_site, STRANGER)


def test_left_out_only_the_servers_own_page_may_connect(unset: str) -> None:
    assert opens_session(unset, unset)
    assert not opens_session(unset, INTRANET)


@pytest.mark.parametrize(
    "setting",
    ["https://intranet.example.org", ["intranet.example.org"], ["https://x.org/chat"], [42], "all"],
)
def test_a_malformed_setting_stops_the_server_with_a_clear_error(setting: object) -> None:
    with pytest.raises(InvalidConfigException, match="allowed_origins"):
        WebChatInput.from_credentials({"allowed_origins": setting})
