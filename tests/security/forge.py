"""Forging tokens the way an attacker would: with the emulator's own Cognito signing key, with no signature,
with the public key as an HMAC secret, or by editing a real token's payload and keeping its signature.

moto signs every pool's tokens with one RSA key it ships (`cognitoidp/resources/jwks-private.json`, kid
`dummy`); holding it lets these tests mint tokens that are validly signed but wrong in exactly one claim.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from functools import lru_cache
from typing import Any

from jose import jwk, jwt
from moto.utilities.utils import load_resource

MOTO_KID = "dummy"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _segment(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


@lru_cache(maxsize=1)
def moto_private_jwk() -> dict[str, Any]:
    """The private half of the key the emulator signs every Cognito token with."""
    return dict(load_resource("cognitoidp/resources/jwks-private.json"))


def claims_of(token: str) -> dict[str, Any]:
    return dict(jwt.get_unverified_claims(token))


def sign(claims: dict[str, Any], *, kid: str = MOTO_KID, key: dict[str, Any] | str | None = None) -> str:
    """An RS256 token over `claims`, signed with the emulator's Cognito key unless another key is given."""
    return jwt.encode(claims, key if key is not None else moto_private_jwk(), algorithm="RS256", headers={"kid": kid})


def unsigned(claims: dict[str, Any], kid: str = MOTO_KID) -> str:
    """`alg: none`: a header, the claims and an empty signature."""
    return f"{_segment({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{_segment(claims)}."


def hs256(claims: dict[str, Any], secret: bytes, kid: str = MOTO_KID) -> str:
    """HMAC-signed with `secret`: the algorithm-confusion attack when the secret is the pool's public key."""
    signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{_segment(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def with_payload(token: str, claims: dict[str, Any]) -> str:
    """The same header and signature around an edited payload."""
    header, _, signature = token.split(".")
    return f"{header}.{_segment(claims)}.{signature}"


def public_key_secrets(public_jwk: dict[str, Any]) -> dict[str, bytes]:
    """The forms of the pool's public key an attacker would try as an HMAC secret."""
    pem = jwk.construct(public_jwk, "RS256").to_pem()
    return {
        "pem": pem,
        "pem without newline": pem.rstrip(b"\n"),
        "jwk json": json.dumps(public_jwk).encode(),
        "modulus": public_jwk["n"].encode(),
    }


def fresh_rsa_jwk() -> dict[str, Any]:
    """A private key nobody published, as a JWK dict (for "right kid, wrong key")."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return dict(jwk.construct(pem, "RS256").to_dict())


def shifted(claims: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of `claims` with changes; None removes a claim. Times are refreshed so only `changes` can be wrong."""
    now = int(time.time())
    fresh = {**claims, "iat": now, "auth_time": now, "exp": now + 3600}
    fresh.update(changes)
    return {k: v for k, v in fresh.items() if v is not None}
