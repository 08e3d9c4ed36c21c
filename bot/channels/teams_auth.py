"""Checks that a request to the Teams webhook really comes from Microsoft's Bot Connector.

Rasa 3.6's botframework channel checks a token's signature and audience only, accepts whatever
algorithm the token names, and fetches Microsoft's keys when it starts (so it cannot start
offline). Here, following the Bot Connector authentication rules: RS256 only; a key from the
JWKS named by the OpenID metadata, fetched on first use and kept for a day (and fetched again,
at most once a minute, for a key id not seen before, as Microsoft rotates keys); issuer,
audience (our app id) and expiry with five minutes' clock skew; the key's endorsement of the
channel; the token's serviceurl claim equal to the activity's serviceUrl, which must also be on
an allow-list because replies carry our own token there; and the activity from our tenant.
"""

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm

from bot.channels.http import get_json
from bot.channels.untrusted import text_at

logger = logging.getLogger(__name__)

MICROSOFT_OPENID_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
MICROSOFT_ISSUERS = ("https://api.botframework.com",)
TEAMS_SERVICE_URLS = ("https://smba.trafficmanager.net/*",)
ALGORITHMS = ["RS256"]
CLOCK_SKEW = 5 * 60
KEYS_KEPT_FOR = 24 * 60 * 60
KEYS_REFETCHED_AFTER = 60
BEARER = re.compile(r"Bearer\s+(\S+)")
# A service URL is scheme, host, optional port and path: no user info, query or fragment.
PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%/-]*)?")

FetchJson = Callable[[str], Awaitable[Any]]


class Unauthorized(Exception):
    """Why a request was refused: logged, never sent back."""


class KeysUnavailable(Exception):
    """Microsoft's signing keys could not be fetched, so no token can be checked."""


class SigningKeys:
    """The Bot Connector's public keys by key id, fetched when first needed."""

    def __init__(
        self,
        openid_url: str,
        fetch: FetchJson = get_json,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.openid_url = openid_url
        self.fetch = fetch
        self.clock = clock
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at: float | None = None
        self._tried_at: float | None = None
        self._lock = asyncio.Lock()

    def _due(self, kid: str) -> bool:
        if self._tried_at is None:
            return True
        now = self.clock()
        if now - self._tried_at < KEYS_REFETCHED_AFTER:
            return False
        return kid not in self._keys or now - (self._fetched_at or 0) >= KEYS_KEPT_FOR

    async def get(self, kid: str) -> dict[str, Any] | None:
        """The JWK with this id, or None if Microsoft does not publish it."""
        async with self._lock:
            if self._due(kid):
                await self._refresh()
        if not self._keys:
            raise KeysUnavailable(f"no signing keys from {self.openid_url}")
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        self._tried_at = self.clock()
        try:
            metadata = await self.fetch(self.openid_url)
            published = (await self.fetch(metadata["jwks_uri"]))["keys"]
            keys = {key["kid"]: key for key in published if text_at(key, "kid")}
        except (
            aiohttp.ClientError,
            asyncio.TimeoutError,
            KeyError,
            TypeError,
            ValueError,
        ) as error:
            logger.error("Could not fetch the Bot Connector's signing keys: %r", error)
            return
        self._keys, self._fetched_at = keys, self._tried_at


@dataclass(frozen=True)
class TokenPolicy:
    """Who may call the webhook: tokens for our app, from these issuers and service URLs."""

    app_id: str
    tenant_id: str
    issuers: tuple[str, ...] = MICROSOFT_ISSUERS
    service_urls: tuple[str, ...] = TEAMS_SERVICE_URLS


async def verify_token(
    authorization: str | None, keys: SigningKeys, policy: TokenPolicy
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The token's claims and signing key, if the bearer token is the Bot Connector's for us."""
    match = BEARER.fullmatch(authorization or "")
    if not match:
        raise Unauthorized("no bearer token")
    token = match[1]
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise Unauthorized(f"unreadable token: {error}") from None
    if header.get("alg") not in ALGORITHMS:
        raise Unauthorized(f"algorithm {header.get('alg')!r} is not allowed")
    kid = text_at(header, "kid")
    key = await keys.get(kid) if kid else None
    if key is None:
        raise Unauthorized(f"unknown signing key {kid!r}")
    try:
        claims = jwt.decode(
            token,
            RSAAlgorithm.from_jwk(key),
            algorithms=ALGORITHMS,
            audience=policy.app_id,
            issuer=policy.issuers,
            leeway=CLOCK_SKEW,
            options={"require": ["exp", "iss", "aud"]},
        )
    except (jwt.PyJWTError, ValueError, TypeError, KeyError) as error:
        raise Unauthorized(f"token refused: {error}") from None
    return claims, key


def allowed_service_url(url: str | None, patterns: tuple[str, ...]) -> bool:
    """Whether replies may be posted to `url`: a plain URL matching one of the patterns."""
    return bool(url and PLAIN_URL.fullmatch(url)) and any(
        fnmatchcase(url, pattern) for pattern in patterns
    )


def check_activity(
    claims: Mapping[str, Any],
    key: Mapping[str, Any],
    activity: Mapping[str, Any],
    policy: TokenPolicy,
) -> None:
    """Refuse an activity the token was not issued for, or one we must not reply to."""
    service_url = text_at(activity, "serviceUrl")
    if claims.get("serviceurl") != service_url:
        raise Unauthorized("the token's serviceurl is not the activity's serviceUrl")
    if not allowed_service_url(service_url, policy.service_urls):
        raise Unauthorized(f"service URL {service_url!r} is not allowed")
    endorsements = key.get("endorsements")
    if isinstance(endorsements, list) and activity.get("channelId") not in endorsements:
        raise Unauthorized("the signing key does not endorse this channel")
    tenant = text_at(activity, "channelData", "tenant", "id") or text_at(
        activity, "conversation", "tenantId"
    )
    if tenant and tenant != policy.tenant_id:
        raise Unauthorized(f"tenant {tenant!r} is not ours")
