"""Cognito token verification: the one module that touches python-jose.

Only RS256 is accepted, and the algorithm is checked on the header before any decoding, so no
algorithm-confusion variant (HS256 with the public key, `none`, DER-encoded keys) reaches jose.
Keys come from the pool's JWKS as JWK dicts, matched by `kid`.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jose import jwt
from jose.exceptions import JOSEError

# With the authorizer's result cache (ReauthorizeEvery in template.yaml) this bounds how long an expired token is
# still let in: cache + leeway <= 60 s.
CLOCK_SKEW_SECONDS = 30
JWKS_TTL_SECONDS = 3600
JWKS_MIN_REFRESH_SECONDS = 30


class InvalidTokenError(Exception):
    """The token is not a valid token of this pool and app client."""


@dataclass(frozen=True)
class VerifiedToken:
    username: str
    groups: list[str]
    token_use: str
    claims: dict[str, Any]


class JwksCache:
    """The pool's signing keys: fetched with the first token a container sees, again after JWKS_TTL_SECONDS or on an
    unknown kid; at most one attempt per JWKS_MIN_REFRESH_SECONDS, failed or not, so a flood of tokens with made-up
    kids (or an unreachable endpoint) costs one fetch per window. Keys already held keep working while a refetch fails.
    """

    def __init__(self, url: str, fetch: Callable[[str], dict[str, Any]] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._url = url
        self._fetch = fetch or _fetch_json
        self._clock = clock
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at: float | None = None    # the last fetch that answered a key set
        self._attempted_at: float | None = None  # the last attempt, answered or not

    def key_for(self, kid: str) -> dict[str, Any] | None:
        now = self._clock()
        if self._due(kid, now):
            self._attempted_at = now
            try:
                document = self._fetch(self._url)
                keys = {k["kid"]: k for k in document.get("keys", []) if k.get("kid") and k.get("kty") == "RSA"}
            except (OSError, ValueError, TypeError, AttributeError, KeyError):
                return self._keys.get(kid)  # unreachable or unreadable: the token is refused (401), not a 500
            self._keys, self._fetched_at = keys, now
        return self._keys.get(kid)

    def _due(self, kid: str, now: float) -> bool:
        if self._attempted_at is not None and now - self._attempted_at < JWKS_MIN_REFRESH_SECONDS:
            return False
        if self._fetched_at is None:
            return True
        return kid not in self._keys or now - self._fetched_at > JWKS_TTL_SECONDS


def _fetch_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - the URL is our own configuration
        return json.loads(response.read())


def verify_token(token: str, jwks: JwksCache, issuer: str, client_ids: tuple[str, ...]) -> VerifiedToken:
    try:
        header = jwt.get_unverified_header(token)
    except JOSEError:
        raise InvalidTokenError("malformed token") from None
    if header.get("alg") != "RS256":
        raise InvalidTokenError("algorithm not allowed")
    key = jwks.key_for(str(header.get("kid", "")))
    if key is None:
        raise InvalidTokenError("unknown signing key")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            issuer=issuer,
            options={"verify_aud": False, "verify_at_hash": False, "leeway": CLOCK_SKEW_SECONDS},
        )
    except JOSEError:
        raise InvalidTokenError("signature or claims invalid") from None
    token_use = claims.get("token_use")
    audience = claims.get("aud") if token_use == "id" else claims.get("client_id") if token_use == "access" else None
    if audience is None or audience not in client_ids:
        raise InvalidTokenError("token not issued for this app client")
    now = time.time()
    for claim in ("iat", "nbf"):
        value = claims.get(claim)
        if value is not None and (not isinstance(value, (int, float)) or value > now + CLOCK_SKEW_SECONDS):
            raise InvalidTokenError(f"{claim} in the future")
    if not isinstance(claims.get("exp"), (int, float)):
        raise InvalidTokenError("no expiry")
    username = claims.get("cognito:username") or claims.get("username") or claims.get("sub")
    groups = claims.get("cognito:groups") or []
    if not isinstance(username, str) or not isinstance(groups, list):
        raise InvalidTokenError("claims malformed")
    return VerifiedToken(username=username, groups=[str(g) for g in groups], token_use=str(token_use), claims=claims)
