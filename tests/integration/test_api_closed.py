"""Rasa runs without its HTTP API (no token is given), so nobody can read or rewrite
conversations through it; only the channels answer."""

import urllib.error
import urllib.request

import pytest

from bot.servers import Server

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "path", ["/status", "/version", "/conversations/x/tracker", "/model/parse", "/domain"]
)
def test_rasas_http_api_is_not_exposed(stack: Server, path: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(stack.url + path, timeout=30)
    assert refused.value.code == 404
