"""SigV4 verification for the local machine API, answering as API Gateway does for AWS_IAM routes."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

MAX_SKEW = timedelta(minutes=5)
_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request,"
    r"\s*SignedHeaders=(?P<signed>[^,]+),\s*Signature=(?P<signature>[0-9a-f]{64})$"
)


@dataclass(frozen=True)
class CiIdentity:
    access_key_id: str
    secret_access_key: str
    role_arn: str          # the role the local CI credentials stand for
    session_name: str = "local-ci"

    @property
    def caller_arn(self) -> str:
        account = self.role_arn.split(":")[4]
        role = self.role_arn.rsplit("/", 1)[-1]
        return f"arn:aws:sts::{account}:assumed-role/{role}/{self.session_name}"


class SignatureRefused(Exception):
    """403, with API Gateway's message."""


class _ReplaySigner(SigV4Auth):  # type: ignore[misc]  # botocore ships no type stubs: SigV4Auth is Any to mypy
    """Recompute a signature over exactly the headers the client signed, at the client's timestamp."""

    def __init__(self, credentials: Credentials, service: str, region: str, signed: list[str]) -> None:
        super().__init__(credentials, service, region)
        self._signed = signed

    def headers_to_sign(self, request: AWSRequest) -> Any:
        headers = super().headers_to_sign(request)
        for name in list(headers.keys()):
            if name not in self._signed:
                del headers[name]
        return headers


def verify(method: str, url: str, headers: dict[str, str], body: bytes, identity: CiIdentity, region: str) -> None:
    lowered = {k.lower(): v for k, v in headers.items()}
    authorization = lowered.get("authorization")
    if not authorization:
        raise SignatureRefused("Forbidden")
    match = _AUTH.match(authorization.strip())
    if not match:
        raise SignatureRefused("Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.")
    if match["key"] != identity.access_key_id:
        raise SignatureRefused("The security token included in the request is invalid.")
    if match["service"] != "execute-api" or match["region"] != region:
        raise SignatureRefused("Credential should be scoped to a valid region and service.")
    amz_date = lowered.get("x-amz-date", "")
    try:
        signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise SignatureRefused("Date must be in ISO-8601 'basic format'.") from None
    now = datetime.now(UTC)
    if abs(now - signed_at) > MAX_SKEW:
        raise SignatureRefused(
            f"Signature expired: {amz_date} is now earlier than {(now - MAX_SKEW).strftime('%Y%m%dT%H%M%SZ')}"
            if signed_at < now else f"Signature not yet current: {amz_date} is still later than {(now + MAX_SKEW).strftime('%Y%m%dT%H%M%SZ')}"
        )
    signed = match["signed"].split(";")
    if "host" not in signed:
        raise SignatureRefused("'Host' must be a 'SignedHeader' in the AWS Authorization.")
    declared = lowered.get("x-amz-content-sha256")
    if declared is not None and not hmac.compare_digest(declared.lower(), hashlib.sha256(body).hexdigest()):
        # the signature covers the declared hash, not the body: a body that does not match it was not signed
        raise SignatureRefused("The request body does not match its signed X-Amz-Content-Sha256.")
    request = AWSRequest(method=method, url=url, data=body, headers={k: v for k, v in headers.items() if k.lower() in signed})
    request.context["timestamp"] = amz_date
    signer = _ReplaySigner(Credentials(identity.access_key_id, identity.secret_access_key), "execute-api", region, signed)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, match["signature"]):
        raise SignatureRefused(
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method."
        )
