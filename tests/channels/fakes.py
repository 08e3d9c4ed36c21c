"""Stand-ins for Slack and Microsoft on loopback, and the signatures and tokens they would make."""

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from jwt.algorithms import RSAAlgorithm

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One request a fake service was sent."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Answer = Callable[[Received], Any]


class FakeService:
    """An HTTP server on loopback that answers by path prefix and remembers every request."""

    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers = answers
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((LOOPBACK, 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_address[1]}"

    def __enter__(self) -> "FakeService":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def requests(self, path_prefix: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path.startswith(path_prefix)]

    def wait_for(
        self, keep: Callable[[Received], bool], count: int = 1, timeout: float = 60
    ) -> list[Received]:
        """The first `count` requests `keep` accepts, waiting for them to arrive."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = [r for r in self.received if keep(r)]
            if len(found) >= count or time.monotonic() > deadline:
                assert len(found) >= count, f"{len(found)} of {count} requests arrived"
                return found
            time.sleep(0.1)

    def _record(self, request: Received) -> tuple[int, bytes]:
        with self._lock:
            self.received.append(request)
        for prefix, answer in self.answers.items():
            if request.path.startswith(prefix):
                found = answer(request)
                return 200, (found if isinstance(found, str) else json.dumps(found)).encode()
        return 404, b"{}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = Received(
                    unquote(self.path),
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
                status, body = service._record(request)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _serve

            def log_message(self, *_: object) -> None:
                pass

        return Handler


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """POST and return status, headers and body, whatever the status."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def slack_signature_headers(body: bytes, secret: str, age: float = 0) -> dict[str, str]:
    """The headers Slack signs a request with, stamped `age` seconds ago (negative: ahead)."""
    stamp = str(int(time.time() - age))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


def new_rsa_key() -> RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: RSAPrivateKey, kid: str, endorsements: list[str]) -> dict[str, Any]:
    """The public half as Microsoft publishes it in its JWKS."""
    jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return jwk | {"kid": kid, "use": "sig", "endorsements": endorsements}


def bot_connector_token(
    key: RSAPrivateKey | str, kid: str, algorithm: str = "RS256", **claims: Any
) -> str:
    """A token like the Bot Connector's, valid for an hour unless the claims say otherwise.

    A claim given as None is left out.
    """
    now = int(time.time())
    payload = {"iat": now, "nbf": now - 10, "exp": now + 3600} | claims
    return jwt.encode(
        {name: value for name, value in payload.items() if value is not None},
        key,
        algorithm=algorithm,
        headers={"kid": kid},
    )
