"""Settings: read once from the environment at init; nothing else reads os.environ."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    table_name: str = "govhub-local"
    region: str = "us-east-1"
    user_pool_id: str = ""
    app_client_ids: tuple[str, ...] = ()
    jwks_url: str = ""
    token_issuer: str = ""
    machine_role_map: dict[str, str] = Field(default_factory=dict)
    machine_team_map: dict[str, frozenset[str]] = Field(default_factory=dict)
    audit_bucket: str = ""
    reports_bucket: str = ""
    event_bus_name: str = ""
    report_url_ttl_seconds: int = 300
    max_body_bytes: int = 64 * 1024
    # POST /reports/bulk: each request may render hundreds of PDFs, so one caller gets this many per window
    bulk_reports_per_window: int = 5
    bulk_reports_window_seconds: int = 60
    mlflow_secret_arn: str = ""  # MLflow's tracking URI, credentials and webhook signing secret (integrations)
    sagemaker_model_package_groups: tuple[str, ...] = ()  # the groups the SageMaker integration follows
    integration_team: str = ""  # the team owning models the integrations import without a govhub.team tag

    @property
    def issuer(self) -> str:
        return self.token_issuer or f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks(self) -> str:
        return self.jwks_url or f"{self.issuer}/.well-known/jwks.json"


def _role_map(raw: str) -> dict[str, str]:
    """`arn:aws:iam::1:role/ci=model_owner,arn:…=auditor` → {arn: role}."""
    pairs = (item.split("=", 1) for item in raw.split(",") if "=" in item)
    return {arn.strip(): role.strip() for arn, role in pairs}


def _team_map(raw: str) -> dict[str, frozenset[str]]:
    """`arn:aws:iam::1:role/ci=fraud|payments,arn:…=hr` → {arn: {teams}} (the teams a pipeline's role writes for)."""
    pairs = (item.split("=", 1) for item in raw.split(",") if "=" in item)
    return {arn.strip(): frozenset(t.strip() for t in teams.split("|") if t.strip()) for arn, teams in pairs}


@lru_cache(maxsize=1)
def settings() -> Settings:
    env = os.environ
    return Settings(
        table_name=env.get("TABLE_NAME", "govhub-local"),
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
        user_pool_id=env.get("USER_POOL_ID", ""),
        app_client_ids=tuple(c for c in env.get("APP_CLIENT_IDS", "").split(",") if c),
        jwks_url=env.get("JWKS_URL", ""),
        token_issuer=env.get("TOKEN_ISSUER", ""),
        machine_role_map=_role_map(env.get("MACHINE_ROLE_MAP", "")),
        machine_team_map=_team_map(env.get("MACHINE_TEAM_MAP", "")),
        audit_bucket=env.get("AUDIT_BUCKET", ""),
        reports_bucket=env.get("REPORTS_BUCKET", ""),
        event_bus_name=env.get("EVENT_BUS_NAME", ""),
        report_url_ttl_seconds=int(env.get("REPORT_URL_TTL_SECONDS", "300")),
        bulk_reports_per_window=int(env.get("BULK_REPORTS_PER_WINDOW", "5")),
        bulk_reports_window_seconds=int(env.get("BULK_REPORTS_WINDOW_SECONDS", "60")),
        mlflow_secret_arn=env.get("MLFLOW_SECRET_ARN", ""),
        integration_team=env.get("INTEGRATION_TEAM", ""),
        sagemaker_model_package_groups=tuple(g.strip() for g in env.get("SAGEMAKER_MODEL_PACKAGE_GROUPS", "").split(",") if g.strip()),
    )
