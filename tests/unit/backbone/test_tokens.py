"""Token verification: only RS256 tokens of this pool and app client, unexpired, with a known key, pass."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt

from govhub.auth.permissions import Role, role_from_groups
from govhub.auth.tokens import InvalidTokenError, JwksCache, verify_token

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_pool"
CLIENT = "client-123"


def _key(kid: str):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public = jwk.construct(private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo), "RS256").to_dict()
    public.update(kid=kid, use="sig", alg="RS256")
    return pem, public


PEM, PUBLIC = _key("kid-1")
OTHER_PEM, _ = _key("kid-1")


def _claims(**overrides):
    now = int(time.time())
    claims = {"sub": "u-1", "iss": ISSUER, "token_use": "access", "client_id": CLIENT, "cognito:username": "ada",
              "cognito:groups": ["model_owner"], "iat": now, "exp": now + 3600}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _token(claims=None, key=PEM, kid="kid-1", alg="RS256"):
    return jwt.encode(claims or _claims(), key, algorithm=alg, headers={"kid": kid})


@pytest.fixture
def jwks() -> JwksCache:
    return JwksCache("https://example/jwks.json", fetch=lambda url: {"keys": [PUBLIC]})


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_a_valid_access_token_gives_the_user_and_groups(jwks: JwksCache) -> None:
    verified = verify_token(_token(), jwks, ISSUER, (CLIENT,))
    assert verified.username == "ada" and verified.groups == ["model_owner"] and verified.token_use == "access"


def test_a_valid_id_token_is_checked_against_its_audience(jwks: JwksCache) -> None:
    token = _token(_claims(token_use="id", client_id=None, aud=CLIENT))
    assert verify_token(token, jwks, ISSUER, (CLIENT,)).token_use == "id"
    wrong = _token(_claims(token_use="id", client_id=None, aud="another-client"))
    with pytest.raises(InvalidTokenError):
        verify_token(wrong, jwks, ISSUER, (CLIENT,))


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: _token(_claims(exp=int(time.time()) - 600)), id="expired"),
        pytest.param(lambda: _token(_claims(iss="https://cognito-idp.us-east-1.amazonaws.com/other")), id="other pool"),
        pytest.param(lambda: _token(_claims(client_id="other-client")), id="other app client"),
        pytest.param(lambda: _token(_claims(token_use="refresh")), id="not an access or id token"),
        pytest.param(lambda: _token(key=OTHER_PEM), id="signed by another key"),
        pytest.param(lambda: _token(kid="unknown"), id="unknown kid"),
        pytest.param(lambda: _token(_claims(iat=int(time.time()) + 3600)), id="issued in the future"),
        pytest.param(lambda: _token(_claims(nbf=int(time.time()) + 3600)), id="not valid yet"),
        pytest.param(lambda: _b64({"alg": "none", "kid": "kid-1"}) + "." + _b64(_claims()) + ".", id="alg none"),
        pytest.param(lambda: jwt.encode(_claims(), json.dumps(PUBLIC), algorithm="HS256", headers={"kid": "kid-1"}), id="HS256 with the public key"),
        pytest.param(lambda: ".".join([_token().split(".")[0], _b64(_claims(**{"cognito:groups": ["admin"]})), _token().split(".")[2]]), id="groups edited"),
        pytest.param(lambda: "not-a-token", id="garbage"),
    ],
)
def test_bad_tokens_are_refused(jwks: JwksCache, token) -> None:
    with pytest.raises(InvalidTokenError):
        verify_token(token(), jwks, ISSUER, (CLIENT,))


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_an_unknown_kid_refreshes_the_key_set_once_then_finds_a_rotated_key() -> None:
    fetched = []
    rotated_pem, rotated_public = _key("kid-2")
    documents = iter([{"keys": [PUBLIC]}, {"keys": [PUBLIC, rotated_public]}])

    def fetch(url: str) -> dict:
        fetched.append(url)
        return next(documents)

    clock = _Clock(1000.0)
    cache = JwksCache("https://example/jwks.json", fetch=fetch, clock=clock)
    verify_token(_token(), cache, ISSUER, (CLIENT,))
    clock.now += 60  # the refresh is rate-limited; a minute passes
    assert verify_token(_token(key=rotated_pem, kid="kid-2"), cache, ISSUER, (CLIENT,)).username == "ada"
    assert len(fetched) == 2


@pytest.mark.parametrize(("groups", "role"), [
    (["auditor", "admin"], Role.ADMIN), (["model_owner"], Role.MODEL_OWNER), (["auditor"], Role.AUDITOR),
    (["data-scientists"], None), ([], None),
])
def test_groups_map_to_the_strongest_role(groups: list[str], role: Role | None) -> None:
    assert role_from_groups(groups) is role


def test_a_freshly_booted_host_fetches_the_keys_on_its_first_request() -> None:
    # Given a host whose monotonic clock starts near zero (a new Lambda micro-VM)
    fetched: list[str] = []
    cache = JwksCache("https://example/jwks.json", fetch=lambda url: fetched.append(url) or {"keys": [PUBLIC]}, clock=_Clock(3.0))
    # When the first token arrives, Then its key is fetched and found
    assert cache.key_for(PUBLIC["kid"]) is not None
    assert len(fetched) == 1


def test_a_failed_fetch_refuses_the_token_and_is_not_retried_on_every_request() -> None:
    clock = _Clock(1000.0)
    attempts: list[float] = []

    def down(url: str) -> dict:
        attempts.append(clock.now)
        raise OSError("connection refused")

    cache = JwksCache("https://example/jwks.json", fetch=down, clock=clock)
    assert cache.key_for(PUBLIC["kid"]) is None  # a refused token (401), not a crashed authorizer
    for _ in range(50):
        clock.now += 0.1
        assert cache.key_for(PUBLIC["kid"]) is None
    assert len(attempts) == 1  # 50 requests in 5 s made no new attempt
    clock.now += 60
    cache.key_for(PUBLIC["kid"])
    assert len(attempts) == 2


def test_keys_already_held_still_verify_while_the_jwks_endpoint_is_down() -> None:
    clock = _Clock(1000.0)
    answers: list[Any] = [{"keys": [PUBLIC]}]

    def flaky(url: str) -> dict:
        answer = answers.pop(0) if answers else OSError("down")
        if isinstance(answer, Exception):
            raise answer
        return answer

    cache = JwksCache("https://example/jwks.json", fetch=flaky, clock=clock)
    assert cache.key_for(PUBLIC["kid"]) is not None
    clock.now += 7200  # the key set is stale and the refetch fails
    assert cache.key_for(PUBLIC["kid"]) is not None
