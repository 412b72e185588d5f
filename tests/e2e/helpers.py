"""Signing in to the local stack as a demo user and calling its API over HTTP."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
import requests


@lru_cache(maxsize=16)
def _cognito(endpoint: str, region: str):
    return boto3.client("cognito-idp", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id="local", aws_secret_access_key="local")  # noqa: S106 - emulator


def sign_in(stack: dict[str, Any], role: str) -> dict[str, str]:
    """Cognito InitiateAuth (USER_PASSWORD_AUTH) against the local AWS endpoint, as the dashboard does."""
    user = stack["users"][role]
    answer = _cognito(stack["aws_endpoint"], stack["region"]).initiate_auth(
        ClientId=stack["client_id"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user["username"], "PASSWORD": user["password"]},
    )
    return answer["AuthenticationResult"]


class Client:
    def __init__(self, stack: dict[str, Any], role: str | None = None, token: str | None = None) -> None:
        self.base = stack["api_url"]
        self.session = requests.Session()
        if role is not None:
            token = sign_in(stack, role)["AccessToken"]
        if token is not None:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def __getattr__(self, method: str):
        def call(path: str, **kwargs: Any) -> requests.Response:
            return self.session.request(method.upper(), f"{self.base}{path}", timeout=30, **kwargs)
        return call
