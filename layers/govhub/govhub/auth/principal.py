"""The caller of a request, read from the API Gateway authorizer context (Lambda authorizer or IAM)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from govhub.auth.permissions import Role
from govhub.domain.entities import Actor

_ASSUMED_ROLE = re.compile(r"^arn:(?P<partition>[\w-]+):sts::(?P<account>\d+):assumed-role/(?P<role>[\w+=,.@-]+)/[^/]+$")


@dataclass(frozen=True)
class Principal:
    username: str
    role: Role | None
    machine: bool = False

    @property
    def actor(self) -> Actor:
        return Actor(username=self.username, role=self.role.value if self.role else "none")


def role_arn_of(caller_arn: str) -> str:
    """arn:aws:sts::123:assumed-role/ci/session → arn:aws:iam::123:role/ci (what the role map is keyed by)."""
    match = _ASSUMED_ROLE.match(caller_arn)
    if not match:
        return caller_arn
    return f"arn:{match['partition']}:iam::{match['account']}:role/{match['role']}"


def principal_from_context(request_context: dict[str, Any], machine_role_map: dict[str, str]) -> Principal | None:
    authorizer = request_context.get("authorizer") or {}
    lambda_context = authorizer.get("lambda")
    if lambda_context and lambda_context.get("username"):
        role = lambda_context.get("role") or None
        return Principal(username=str(lambda_context["username"]), role=Role(role) if role else None)
    iam = authorizer.get("iam")
    if iam and iam.get("userArn"):
        role_arn = role_arn_of(iam["userArn"])
        mapped = machine_role_map.get(role_arn) or machine_role_map.get(iam["userArn"])
        name = role_arn.rsplit("/", 1)[-1]
        return Principal(username=f"ci:{name}", role=Role(mapped) if mapped else None, machine=True)
    return None
