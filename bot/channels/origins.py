"""Which web sites may open the chat's socket: `allowed_origins` in credentials.yml.

Why: Rasa's socketio channel switches python-engineio's origin check off, so any page on the
internet can script a conversation with the assistant from its visitors' browsers. Here the
chat server's own page is always allowed, and other sites only when listed (or all with "*").
Clients outside a browser send no Origin header and are not affected.
"""

from collections.abc import Callable
from typing import Any

from rasa.shared.exceptions import InvalidConfigException

ANY_SITE = "*"
OriginCheck = str | Callable[[str | None, dict[str, Any]], bool]


def origin_check(setting: Any) -> OriginCheck:
    """python-engineio's `cors_allowed_origins` for the credentials' `allowed_origins` setting."""
    if setting == ANY_SITE:
        return ANY_SITE
    listed = [] if setting is None else setting
    if not isinstance(listed, list) or not all(is_origin(o) for o in listed):
        raise InvalidConfigException(
            'allowed_origins must be "*" or a list of sites such as '
            "https://intranet.example.org (scheme, host and port only, no path)."
        )
    allowed = {origin.rstrip("/").lower() for origin in listed}

    def is_allowed(origin: str | None, environ: dict[str, Any]) -> bool:
        # python-engineio also asks when there is no Origin header, for its CORS response headers.
        return origin is not None and origin.lower() in allowed | own_origins(environ)

    return is_allowed


def is_origin(value: Any) -> bool:
    """`https://host[:port]`, the form browsers send in the Origin header."""
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return False
    host = value.split("://", 1)[1].rstrip("/")
    return bool(host) and not any(c in host for c in "/?#@ ")


def own_origins(environ: dict[str, Any]) -> set[str]:
    """The chat server's own address as the browser saw it, directly or through a TLS proxy."""
    host = environ.get("HTTP_HOST", "")
    scheme = environ.get("wsgi.url_scheme", "http")
    forwarded_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
    forwarded_scheme = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
    return {f"{scheme}://{host}".lower(), f"{forwarded_scheme}://{forwarded_host}".lower()}
