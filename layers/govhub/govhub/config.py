"""Settings: read once from the environment and validated at cold start; nothing else reads os.environ.

Each function says which settings it cannot work without (`require`, called at import by its handler module):
a function deployed without one fails its cold start, naming the variable, instead of silently doing less
(no events without a bus, a report gap without the audit bucket).
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class SettingsError(RuntimeError):
    """A setting is missing or malformed: the function cannot start."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    table_name: str = ""
    region: str = "us-east-1"
    user_pool_id: str = ""
    app_client_ids: tuple[str, ...] = ()
    jwks_url: str = ""
    token_issuer: str = ""
    machine_role_map: dict[str, str] = Field(default_factory=dict)
    machine_team_map: dict[str, frozenset[str]] = Field(default_factory=dict)
    audit_bucket: str = ""
    reports_bucket: str = ""
    evidence_bucket: str = ""  # evidence documents: uploaded by presigned PUT, versioned, under Object Lock retention
    event_bus_name: str = ""
    report_url_ttl_seconds: int = Field(default=300, ge=1, le=7 * 24 * 3600)  # SigV4 presigned URLs last 7 days at most
    audit_signing_key_id: str = ""
    audit_digest_every_records: int = Field(default=1000, ge=1)
    audit_digest_every_minutes: int = Field(default=60, ge=1)
    audit_verify_sample: int = Field(default=16, ge=0)
    max_body_bytes: int = 64 * 1024
    # POST /reports/bulk: each request may render hundreds of PDFs, so one caller gets this many per window
    bulk_reports_per_window: int = Field(default=5, ge=1)
    bulk_reports_window_seconds: int = Field(default=60, ge=1, le=3600)
    mlflow_secret_arn: str = ""  # MLflow's tracking URI, credentials and webhook signing secret (integrations)
    sagemaker_model_package_groups: tuple[str, ...] = ()  # the groups the SageMaker integration follows
    integration_team: str = ""  # the team owning models the integrations import without a govhub.team tag

    @property
    def issuer(self) -> str:
        return self.token_issuer or f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks(self) -> str:
        return self.jwks_url or f"{self.issuer}/.well-known/jwks.json"


# Where each setting comes from (the Environment of template.yaml), for messages that name what to set.
ENVIRONMENT = {
    "table_name": "TABLE_NAME",
    "region": "AWS_REGION",
    "user_pool_id": "USER_POOL_ID",
    "app_client_ids": "APP_CLIENT_IDS",
    "jwks_url": "JWKS_URL",
    "token_issuer": "TOKEN_ISSUER",
    "machine_role_map": "MACHINE_ROLE_MAP",
    "machine_team_map": "MACHINE_TEAM_MAP",
    "audit_bucket": "AUDIT_BUCKET",
    "reports_bucket": "REPORTS_BUCKET",
    "evidence_bucket": "EVIDENCE_BUCKET",
    "event_bus_name": "EVENT_BUS_NAME",
    "report_url_ttl_seconds": "REPORT_URL_TTL_SECONDS",
    "bulk_reports_per_window": "BULK_REPORTS_PER_WINDOW",
    "bulk_reports_window_seconds": "BULK_REPORTS_WINDOW_SECONDS",
    "audit_signing_key_id": "AUDIT_SIGNING_KEY_ID",
    "audit_digest_every_records": "AUDIT_DIGEST_EVERY_RECORDS",
    "audit_digest_every_minutes": "AUDIT_DIGEST_EVERY_MINUTES",
    "audit_verify_sample": "AUDIT_VERIFY_SAMPLE",
    "mlflow_secret_arn": "MLFLOW_SECRET_ARN",
    "sagemaker_model_package_groups": "SAGEMAKER_MODEL_PACKAGE_GROUPS",
    "integration_team": "INTEGRATION_TEAM",
}


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
    try:
        return Settings.model_validate({  # from the text of the environment: pydantic parses and checks each value
            "table_name": env.get("TABLE_NAME", ""),
            "region": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            "user_pool_id": env.get("USER_POOL_ID", ""),
            "app_client_ids": tuple(c for c in env.get("APP_CLIENT_IDS", "").split(",") if c),
            "jwks_url": env.get("JWKS_URL", ""),
            "token_issuer": env.get("TOKEN_ISSUER", ""),
            "machine_role_map": _role_map(env.get("MACHINE_ROLE_MAP", "")),
            "machine_team_map": _team_map(env.get("MACHINE_TEAM_MAP", "")),
            "audit_bucket": env.get("AUDIT_BUCKET", ""),
            "reports_bucket": env.get("REPORTS_BUCKET", ""),
            "evidence_bucket": env.get("EVIDENCE_BUCKET", ""),
            "event_bus_name": env.get("EVENT_BUS_NAME", ""),
            "report_url_ttl_seconds": env.get("REPORT_URL_TTL_SECONDS", "300"),
            "bulk_reports_per_window": env.get("BULK_REPORTS_PER_WINDOW", "5"),
            "bulk_reports_window_seconds": env.get("BULK_REPORTS_WINDOW_SECONDS", "60"),
            "audit_signing_key_id": env.get("AUDIT_SIGNING_KEY_ID", ""),
            "audit_digest_every_records": env.get("AUDIT_DIGEST_EVERY_RECORDS", "1000"),
            "audit_digest_every_minutes": env.get("AUDIT_DIGEST_EVERY_MINUTES", "60"),
            "audit_verify_sample": env.get("AUDIT_VERIFY_SAMPLE", "16"),
            "mlflow_secret_arn": env.get("MLFLOW_SECRET_ARN", ""),
            "integration_team": env.get("INTEGRATION_TEAM", ""),
            "sagemaker_model_package_groups": tuple(
                g.strip() for g in env.get("SAGEMAKER_MODEL_PACKAGE_GROUPS", "").split(",") if g.strip()
            ),
        })
    except ValidationError as error:
        problems = "; ".join(f"{ENVIRONMENT.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}" for e in error.errors())
        raise SettingsError(f"Malformed setting: {problems}.") from None


def require(function: str, *names: str) -> Settings:
    """The settings, checked for what `function` cannot work without; called once, at its cold start."""
    current = settings()
    missing = [ENVIRONMENT[name] for name in names if not getattr(current, name)]
    if missing:
        raise SettingsError(
            f"The {function} function cannot start: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set "
            "(template.yaml sets it in the function's Environment)."
        )
    return current
