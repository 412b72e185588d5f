"""The caller of a request, read from the API Gateway authorizer context (Lambda authorizer or IAM)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from govhub.auth.permissions import Role
from govhub.domain.entities import Actor
from govhub.errors import BadRequestError
from govhub.text import SHORT_TEXT_REFUSED

_ASSUMED_ROLE = re.compile(r"^arn:(?P<partition>[\w-]+):sts::(?P<account>\d+):assumed-role/(?P<role>[\w+=,.@-]+)/(?P<session>[^/]+)$")
TEAM_GROUP_PREFIX = "team-"
RUN_CONTEXT_HEADER = "x-govhub-run-context"
_CONTEXT_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_CONTEXT_BYTES = 2048
MAX_CONTEXT_KEYS = 16


@dataclass(frozen=True)
class Principal:
    username: str
    role: Role | None
    machine: bool = False
    teams: frozenset[str] = frozenset()
    claimed_context: Mapping[str, str] | None = field(default=None, compare=False, hash=False)

    @property
    def actor(self) -> Actor:
        return Actor(
            username=self.username,
            role=self.role.value if self.role else "none",
            teams=self.teams,
            claimed_context=self.claimed_context,
        )


def teams_from_groups(groups: list[str]) -> frozenset[str]:
    """A user's teams are their Cognito groups named `team-<slug>` (an IdP can manage them)."""
    return frozenset(g[len(TEAM_GROUP_PREFIX):] for g in groups if g.startswith(TEAM_GROUP_PREFIX) and len(g) > len(TEAM_GROUP_PREFIX))


def claimed_context_from_headers(headers: Mapping[str, str] | None) -> dict[str, str] | None:
    """The run identity a pipeline claims (`X-Govhub-Run-Context: {"repository": ..., "run_id": ...}`).

    Stored with each change and shown as claimed in the audit trail; never used for authorization or four eyes.
    """
    raw = next((v for k, v in (headers or {}).items() if k.lower() == RUN_CONTEXT_HEADER), None)
    if raw is None:
        return None
    problem = "must be a JSON object of up to 16 short text values (keys: lower-case letters, digits, _)"
    if len(raw.encode()) > MAX_CONTEXT_BYTES:
        raise BadRequestError(f"X-Govhub-Run-Context is over {MAX_CONTEXT_BYTES} bytes.")
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):  # 2 KB of brackets nests past the interpreter's recursion limit
        raise BadRequestError(f"X-Govhub-Run-Context is not JSON: it {problem}.") from None
    valid = isinstance(value, dict) and len(value) <= MAX_CONTEXT_KEYS and all(
        isinstance(k, str) and _CONTEXT_KEY.match(k) and isinstance(v, str) and len(v) <= 256 and not SHORT_TEXT_REFUSED.search(v)
        for k, v in value.items()
    )
    if not valid:
        raise BadRequestError(f"X-Govhub-Run-Context {problem}, without control characters.")
    return {k: v for k, v in value.items() if v} or None


def role_arn_of(caller_arn: str) -> str:
    """arn:aws:sts::123:assumed-role/ci/session → arn:aws:iam::123:role/ci (what the role map is keyed by)."""
    match = _ASSUMED_ROLE.match(caller_arn)
    if not match:
        return caller_arn
    return f"arn:{match['partition']}:iam::{match['account']}:role/{match['role']}"


def principal_from_context(
    request_context: dict[str, Any],
    machine_role_map: dict[str, str],
    machine_team_map: Mapping[str, frozenset[str]] | None = None,
) -> Principal | None:
    authorizer = request_context.get("authorizer") or {}
    lambda_context = authorizer.get("lambda")
    if lambda_context and lambda_context.get("username"):
        role = lambda_context.get("role") or None
        teams = frozenset(t for t in str(lambda_context.get("teams") or "").split(",") if t)
        return Principal(username=str(lambda_context["username"]), role=Role(role) if role else None, teams=teams)
    iam = authorizer.get("iam")
    if iam and iam.get("userArn"):
        role_arn = role_arn_of(iam["userArn"])
        mapped = machine_role_map.get(role_arn) or machine_role_map.get(iam["userArn"])
        teams = (machine_team_map or {}).get(role_arn) or (machine_team_map or {}).get(iam["userArn"]) or frozenset()
        return Principal(username=machine_username(iam["userArn"]), role=Role(mapped) if mapped else None, machine=True, teams=teams)
    return None


def machine_username(caller_arn: str) -> str:
    """`ci:<role>/<session name>` for an assumed role (the session names the run), `ci:<name>` otherwise."""
    match = _ASSUMED_ROLE.match(caller_arn)
    if match:
        return f"ci:{match['role']}/{match['session']}"
    return f"ci:{role_arn_of(caller_arn).rsplit('/', 1)[-1]}"
