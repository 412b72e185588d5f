"""Look-ups by name and tag on top of the id-based API."""

from __future__ import annotations

import os
from typing import Any

from govhub_cli.client import ApiClient
from govhub_cli.errors import NOT_FOUND, CliError

Model = dict[str, Any]
Version = dict[str, Any]


def lookup_model(client: ApiClient, name: str) -> Model | None:
    """The model whose name equals NAME (case-insensitively, as the registry compares), or None."""
    page = client.get("/models", {"name": name}) or {}
    for item in page.get("items", []):
        if str(item.get("name", "")).casefold() == name.casefold():
            return dict(item)
    return None


def find_model(client: ApiClient, name: str) -> Model:
    model = lookup_model(client, name)
    if model is None:
        raise CliError(f"no model named {name!r} (register it first with `govhub register {name} --owner ...`)",
                       NOT_FOUND, code="model_not_found")
    return model


def lookup_version(client: ApiClient, model: Model, tag: str) -> Version | None:
    for version in client.paginate("/versions", {"model_id": model["id"]}):
        if version.get("version_tag") == tag:
            return dict(version)
    return None


def find_version(client: ApiClient, model: Model, tag: str) -> Version:
    version = lookup_version(client, model, tag)
    if version is None:
        raise CliError(f"model {model['name']!r} has no version {tag!r}", NOT_FOUND, code="version_not_found")
    return version


def find_version_id(client: ApiClient, model: Model, tag: str) -> int:
    """The id of version TAG; free when TAG is the model's latest version (the usual CI case)."""
    latest = model.get("latest_version") or {}
    if latest.get("version_tag") == tag and latest.get("id") is not None:
        return int(latest["id"])
    return int(find_version(client, model, tag)["id"])


def ci_run_reference() -> str | None:
    """A link to the CI run, recorded in change reasons so the audit trail says where a change came from."""
    env = os.environ
    if env.get("GITHUB_ACTIONS") == "true" and env.get("GITHUB_RUN_ID"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com")
        return f"GitHub Actions run {server}/{env.get('GITHUB_REPOSITORY', '')}/actions/runs/{env['GITHUB_RUN_ID']}"
    if env.get("GITLAB_CI") == "true" and env.get("CI_JOB_URL"):
        return f"GitLab CI job {env['CI_JOB_URL']}"
    if env.get("CI_PIPELINE_URL"):
        return f"CI pipeline {env['CI_PIPELINE_URL']}"
    return None


def with_ci_reference(reason: str) -> str:
    reference = ci_run_reference()
    return f"{reason} ({reference})" if reference else reason
