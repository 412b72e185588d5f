"""Cognito token verification: the one module that touches python-jose.

Only RS256 is accepted, and the algorithm is checked on the header before any decoding, so no
algorithm-confusion variant (HS256 with the public key, `none`, DER-encoded keys) reaches jose.
Keys come from the pool's JWKS as JWK dicts, matched by `kid`.
"""

from __future__ import annotations

import json
import time
import urllib.request
from dataclasses import dataclass
from typing import Any

from jose import jwt
from jose.exceptions import JOSEError

CLOCK_SKEW_SECONDS = 60
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
    """The pool's signing keys, fetched once per container and again on an unknown kid (rate-limited)."""

    def __init__(self, url: str, fetch: Any = None) -> None:
        self._url = url
        self._fetch = fetch or _fetch_json
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at = 0.0

    def key_for(self, kid: str) -> dict[str, Any] | None:
        now = time.monotonic()
        stale = now - self._fetched_at > JWKS_TTL_SECONDS
        may_refresh = now - self._fetched_at > JWKS_MIN_REFRESH_SECONDS
        if stale or (kid not in self._keys and may_refresh):
            document = self._fetch(self._url)
            self._keys = {k["kid"]: k for k in document.get("keys", []) if k.get("kid") and k.get("kty") == "RSA"}
            self._fetched_at = now
        return self._keys.get(kid)


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
