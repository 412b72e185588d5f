"""Request authentication: a Cognito bearer token for people, SigV4 for machines.

botocore is imported only when a request is actually signed, so `govhub --help` and
token-authenticated calls never pay for it.
"""

from __future__ import annotations

from typing import Any, Protocol

from govhub_cli.errors import AUTH, CliError

SIGV4_SERVICE = "execute-api"


class Authenticator(Protocol):
    def headers_for(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> dict[str, str]:
        """Returns the headers to send, including the authentication ones."""
        ...


class BearerTokenAuth:
    """`Authorization: Bearer <token>` with a Cognito access or ID token."""

    def __init__(self, token: str) -> None:
        self._token = token.strip()
        if self._token.lower().startswith("bearer "):
            self._token = self._token[7:].strip()

    def headers_for(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> dict[str, str]:
        return {**headers, "Authorization": f"Bearer {self._token}"}


class SigV4Auth:
    """Signs each request with botocore's default credential chain.

    The chain is botocore's own: environment variables, shared config/credentials files
    (optionally a named profile), web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, as
    in GitHub or GitLab OIDC), container and instance metadata. Refreshable credentials (web
    identity, assumed roles) are re-read before each signature.
    """

    def __init__(self, region: str, profile: str | None = None) -> None:
        self.region = region
        self._profile = profile
        self._credentials: Any = None

    def _load_credentials(self) -> Any:
        if self._credentials is None:
            try:
                import botocore.session
                from botocore.exceptions import BotoCoreError
            except ImportError as exc:  # pragma: no cover - botocore is a declared dependency
                raise CliError(
                    "SigV4 signing needs botocore (pip install botocore), or pass --token", AUTH, code="no_credentials"
                ) from exc
            try:
                session = botocore.session.Session(profile=self._profile)
                credentials = session.get_credentials()
            except BotoCoreError as exc:
                raise CliError(f"cannot load AWS credentials: {exc}", AUTH, code="no_credentials") from exc
            if credentials is None:
                raise CliError(
                    "no credentials found: set GOVHUB_TOKEN (or --token) for a Cognito token, or provide AWS "
                    "credentials (environment, profile, or web identity via AWS_ROLE_ARN and "
                    "AWS_WEB_IDENTITY_TOKEN_FILE)",
                    AUTH,
                    code="no_credentials",
                )
            self._credentials = credentials
        return self._credentials

    def headers_for(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> dict[str, str]:
        from botocore.auth import SigV4Auth as BotocoreSigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.exceptions import BotoCoreError

        try:
            frozen = self._load_credentials().get_frozen_credentials()
        except BotoCoreError as exc:
            raise CliError(f"cannot refresh AWS credentials: {exc}", AUTH, code="no_credentials") from exc
        request = AWSRequest(method=method, url=url, data=body or b"", headers=dict(headers))
        BotocoreSigV4Auth(frozen, SIGV4_SERVICE, self.region).add_auth(request)
        return {name: str(value) for name, value in request.headers.items()}
