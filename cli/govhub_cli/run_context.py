"""The CI run's identity, as the CI system describes it in its environment: sent with every request as claimed
context (X-Govhub-Run-Context). The hub stores it with each change and shows it in the audit trail; it never
uses it to decide anything (the signed role session is who the caller is)."""

from __future__ import annotations

import json
from collections.abc import Mapping

HEADER = "X-Govhub-Run-Context"

# field → environment variable, per CI system (the first system whose marker variable is set wins)
_SYSTEMS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("github", "GITHUB_ACTIONS", {
        "repository": "GITHUB_REPOSITORY", "run_id": "GITHUB_RUN_ID", "run_attempt": "GITHUB_RUN_ATTEMPT",
        "workflow": "GITHUB_WORKFLOW", "job": "GITHUB_JOB", "actor": "GITHUB_ACTOR", "sha": "GITHUB_SHA", "ref": "GITHUB_REF",
        "server_url": "GITHUB_SERVER_URL",
    }),
    ("gitlab", "GITLAB_CI", {
        "repository": "CI_PROJECT_PATH", "run_id": "CI_PIPELINE_ID", "job": "CI_JOB_ID", "actor": "GITLAB_USER_LOGIN",
        "sha": "CI_COMMIT_SHA", "ref": "CI_COMMIT_REF_NAME", "server_url": "CI_SERVER_URL",
    }),
)


def run_context(env: Mapping[str, str]) -> dict[str, str] | None:
    for system, marker, fields in _SYSTEMS:
        if env.get(marker):
            context = {"system": system}
            context.update({name: env[var][:256] for name, var in fields.items() if env.get(var)})
            return context
    return None


def header_value(env: Mapping[str, str]) -> str | None:
    context = run_context(env)
    return json.dumps(context, separators=(",", ":"), sort_keys=True) if context else None
