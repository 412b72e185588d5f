"""authorizer function: verifies a Cognito token and hands the caller's role to the API (HTTP API, payload 2.0)."""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from govhub.auth.permissions import role_from_groups
from govhub.auth.principal import teams_from_groups
from govhub.auth.tokens import InvalidTokenError, JwksCache, verify_token
from govhub.config import require, settings

logger = Logger(service="authorizer")
require("authorizer", "user_pool_id", "app_client_ids")  # at cold start: a function without a setting it needs fails here, naming it
jwks = JwksCache(settings().jwks)


def _bearer(event: dict) -> str | None:
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    value = headers.get("authorization") or ""
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    token = _bearer(event)
    if token is None:
        raise Exception("Unauthorized")  # API Gateway answers 401 for exactly this message
    config = settings()
    try:
        verified = verify_token(token, jwks, config.issuer, config.app_client_ids)
    except InvalidTokenError as error:
        logger.info("token refused", reason=str(error))
        raise Exception("Unauthorized") from None
    role = role_from_groups(verified.groups)
    return {
        "isAuthorized": True,
        "context": {
            "username": verified.username,
            "role": role.value if role else "",
            "teams": ",".join(sorted(teams_from_groups(verified.groups))),  # context values are plain text
            "token_use": verified.token_use,
        },
    }
