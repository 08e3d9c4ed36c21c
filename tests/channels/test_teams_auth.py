"""The Bot Connector token checks, with a test key pair and keys served by a stand-in fetch."""

import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from bot.channels.teams_auth import (
    KeysUnavailable,
    SigningKeys,
    TokenPolicy,
    Unauthorized,
    allowed_service_url,
    check_activity,
    verify_token,
)
from tests.channels.fakes import bot_connector_token, new_rsa_key, public_jwk

APP_ID = "app-id"
ISSUER = "https://api.botframework.com"
SERVICE_URL = "https://smba.trafficmanager.net/emea/"
POLICY = TokenPolicy(app_id=APP_ID, tenant_id="tenant")


@pytest.fixture(scope="module")
def key() -> RSAPrivateKey:
    return new_rsa_key()


class Publisher:
    """Microsoft's OpenID metadata and JWKS, counting how often they are fetched."""

    def __init__(self, *jwks: dict[str, Any]) -> None:
        self.jwks = list(jwks)
        self.fetched: list[str] = []
        self.now = 0.0

    async def fetch(self, url: str) -> Any:
        self.fetched.append(url)
        if url == "openid":
            return {"jwks_uri": "keys"}
        return {"keys": self.jwks}

    def keys(self) -> SigningKeys:
        return SigningKeys("openid", fetch=self.fetch, clock=lambda: self.now)


def token(key: RSAPrivateKey, kid: str = "k1", **claims: Any) -> str:
    return bot_connector_token(
        key, kid, **({"iss": ISSUER, "aud": APP_ID, "serviceurl": SERVICE_URL} | claims)
    )


async def test_a_valid_token_gives_its_claims_and_keys_are_fetched_only_when_first_needed(
    key: RSAPrivateKey,
) -> None:
    publisher = Publisher(public_jwk(key, "k1", ["msteams"]))
    keys = publisher.keys()
    assert publisher.fetched == []
    claims, jwk = await verify_token(f"Bearer {token(key)}", keys, POLICY)
    assert claims["serviceurl"] == SERVICE_URL and jwk["kid"] == "k1"
    await verify_token(f"Bearer {token(key)}", keys, POLICY)
    assert publisher.fetched == ["openid", "keys"]


@pytest.mark.parametrize(
    ("claims", "algorithm"),
    [
        ({"iss": "https://sts.windows.net/elsewhere/"}, "RS256"),
        ({"aud": "another-app"}, "RS256"),
        ({"exp": int(time.time()) - 301}, "RS256"),
        ({"exp": None}, "RS256"),
        ({}, "RS384"),
        ({}, "PS256"),
    ],
    ids=["issuer", "audience", "expired", "no-expiry", "rs384", "ps256"],
)
async def test_tokens_failing_a_check_are_refused(
    key: RSAPrivateKey, claims: dict[str, Any], algorithm: str
) -> None:
    keys = Publisher(public_jwk(key, "k1", ["msteams"])).keys()
    payload = {"iss": ISSUER, "aud": APP_ID, "serviceurl": SERVICE_URL} | claims
    forged = bot_connector_token(key, "k1", algorithm, **payload)
    with pytest.raises(Unauthorized):
        await verify_token(f"Bearer {forged}", keys, POLICY)


async def test_a_token_within_the_clock_skew_is_accepted(key: RSAPrivateKey) -> None:
    keys = Publisher(public_jwk(key, "k1", ["msteams"])).keys()
    await verify_token(f"Bearer {token(key, exp=int(time.time()) - 60)}", keys, POLICY)


@pytest.mark.parametrize(
    "header", [None, "", "Basic abc", "Bearer", "Bearer not-a-jwt", "Bearer a.b.c"]
)
async def test_no_or_unreadable_token_is_refused_without_fetching(header: str | None) -> None:
    publisher = Publisher()
    with pytest.raises(Unauthorized):
        await verify_token(header, publisher.keys(), POLICY)
    assert publisher.fetched == []


async def test_an_unknown_key_is_refetched_at_most_once_a_minute(key: RSAPrivateKey) -> None:
    publisher = Publisher(public_jwk(key, "k1", ["msteams"]))
    keys = publisher.keys()
    await verify_token(f"Bearer {token(key)}", keys, POLICY)
    rotated = new_rsa_key()
    with pytest.raises(Unauthorized, match="unknown signing key"):
        await verify_token(f"Bearer {token(rotated, 'k2')}", keys, POLICY)
    assert len(publisher.fetched) == 2
    publisher.jwks.append(public_jwk(rotated, "k2", ["msteams"]))
    publisher.now = 61
    await verify_token(f"Bearer {token(rotated, 'k2')}", keys, POLICY)
    assert len(publisher.fetched) == 4


async def test_keys_are_fetched_again_after_a_day(key: RSAPrivateKey) -> None:
    publisher = Publisher(public_jwk(key, "k1", ["msteams"]))
    keys = publisher.keys()
    await keys.get("k1")
    publisher.now = 24 * 60 * 60 + 1
    await keys.get("k1")
    assert len(publisher.fetched) == 4


async def test_a_key_signed_by_someone_else_is_refused(key: RSAPrivateKey) -> None:
    keys = Publisher(public_jwk(key, "k1", ["msteams"])).keys()
    with pytest.raises(Unauthorized):
        await verify_token(f"Bearer {token(new_rsa_key(), 'k1')}", keys, POLICY)


async def test_keys_that_cannot_be_fetched_are_reported_as_such(key: RSAPrivateKey) -> None:
    async def unreachable(url: str) -> Any:
        raise ValueError("no network")

    with pytest.raises(KeysUnavailable):
        await verify_token(f"Bearer {token(key)}", SigningKeys("openid", unreachable), POLICY)


def activity(**extra: Any) -> dict[str, Any]:
    return {
        "serviceUrl": SERVICE_URL,
        "channelId": "msteams",
        "channelData": {"tenant": {"id": "tenant"}},
    } | extra


def test_an_activity_must_match_its_token_channel_and_tenant() -> None:
    claims = {"serviceurl": SERVICE_URL}
    endorsed = {"endorsements": ["msteams"]}
    check_activity(claims, endorsed, activity(), POLICY)
    refused = [
        (claims, endorsed, activity(serviceUrl="https://smba.trafficmanager.net/amer/")),
        (
            {"serviceurl": "https://evil.example/"},
            endorsed,
            activity(serviceUrl="https://evil.example/"),
        ),
        (claims, {"endorsements": ["webchat"]}, activity()),
        (claims, endorsed, activity(channelData={"tenant": {"id": "another"}})),
        (claims, endorsed, activity(channelData={}, conversation={"tenantId": "another"})),
    ]
    for found_claims, key, found in refused:
        with pytest.raises(Unauthorized):
            check_activity(found_claims, key, found, POLICY)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://smba.trafficmanager.net/emea/", True),
        ("https://smba.trafficmanager.net.evil.example/", False),
        ("https://smba.trafficmanager.net@evil.example/", False),
        ("https://evil.example/?https://smba.trafficmanager.net/", False),
        ("http://smba.trafficmanager.net/emea/", False),
        ("", False),
        (None, False),
    ],
)
def test_replies_only_go_to_allowed_plain_service_urls(url: str | None, allowed: bool) -> None:
    assert allowed_service_url(url, ("https://smba.trafficmanager.net/*",)) is allowed


def test_the_loopback_pattern_does_not_let_user_info_through() -> None:
    patterns = ("http://127.0.0.1:*",)
    assert allowed_service_url("http://127.0.0.1:8080/teams/", patterns)
    assert not allowed_service_url("http://127.0.0.1:80@evil.example/", patterns)
    assert not allowed_service_url("http://127.0.0.1:80.evil.example/", patterns)
