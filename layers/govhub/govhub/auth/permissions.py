"""Roles, permissions and the one table that says which permission each route needs."""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    ADMIN = "admin"
    MODEL_OWNER = "model_owner"
    AUDITOR = "auditor"


class Permission(str, Enum):
    READ = "read"                    # models, versions, metrics, dashboard, audit logs, reports
    WRITE = "write"                  # create/modify models, risk profiles, versions, metrics
    CHANGE_STATUS = "change_status"  # move a model through the lifecycle
    DELETE = "delete"                # delete models
    MANAGE_POLICY = "manage_policy"  # edit the organisation's policy set
    MANAGE_TEAMS = "manage_teams"    # create and rename teams (membership lives in the identity provider)


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.MODEL_OWNER: frozenset({Permission.READ, Permission.WRITE, Permission.CHANGE_STATUS}),
    Role.AUDITOR: frozenset({Permission.READ}),
}

# Highest first: a user in several groups acts with the strongest role.
ROLE_PRECEDENCE = (Role.ADMIN, Role.MODEL_OWNER, Role.AUDITOR)

PUBLIC = None

# (method, route as documented in OpenAPI) → the permission it needs. A route missing here is refused.
ROUTE_PERMISSIONS: dict[tuple[str, str], Permission | None] = {
    ("GET", "/api/v1/health"): PUBLIC,
    ("GET", "/api/v1/models"): Permission.READ,
    ("POST", "/api/v1/models"): Permission.WRITE,
    ("GET", "/api/v1/models/{model_id}"): Permission.READ,
    ("PUT", "/api/v1/models/{model_id}"): Permission.WRITE,
    ("PATCH", "/api/v1/models/{model_id}"): Permission.WRITE,
    ("DELETE", "/api/v1/models/{model_id}"): Permission.DELETE,
    ("PATCH", "/api/v1/models/{model_id}/risk-profile"): Permission.WRITE,
    ("PATCH", "/api/v1/models/{model_id}/compliance-status"): Permission.CHANGE_STATUS,
    ("GET", "/api/v1/models/{model_id}/versions"): Permission.READ,
    ("GET", "/api/v1/models/{model_id}/approval"): Permission.READ,
    ("GET", "/api/v1/models/{model_id}/approvals"): Permission.READ,
    ("GET", "/api/v1/teams"): Permission.READ,
    ("POST", "/api/v1/teams"): Permission.MANAGE_TEAMS,
    ("GET", "/api/v1/teams/{slug}"): Permission.READ,
    ("PATCH", "/api/v1/teams/{slug}"): Permission.MANAGE_TEAMS,
    ("GET", "/api/v1/versions"): Permission.READ,
    ("POST", "/api/v1/versions"): Permission.WRITE,
    ("GET", "/api/v1/versions/{version_id}"): Permission.READ,
    ("GET", "/api/v1/versions/{version_id}/metrics"): Permission.READ,
    ("GET", "/api/v1/metrics"): Permission.READ,
    ("POST", "/api/v1/metrics"): Permission.WRITE,
    ("GET", "/api/v1/metrics/{metric_id}"): Permission.READ,
    ("GET", "/api/v1/dashboard/stats"): Permission.READ,
    ("GET", "/api/v1/audit-logs"): Permission.READ,
    ("GET", "/api/v1/models/{model_id}/audit-logs"): Permission.READ,
    ("GET", "/api/v1/models/{model_id}/audit-logs/verify"): Permission.READ,
    ("GET", "/api/v1/models/{model_id}/audit-logs/verify/jobs/{job_id}"): Permission.READ,
    ("GET", "/api/v1/models/{model_id}/audit-logs/export"): Permission.READ,
    ("GET", "/api/v1/models/{model_id}/as-of"): Permission.READ,
    ("GET", "/api/v1/access-logs"): Permission.READ,  # who fetched which report when (not a change: no chain)
    ("GET", "/api/v1/reports/{model_id}/compliance-report"): Permission.READ,
    ("GET", "/api/v1/reports/{model_id}/compliance-report.json"): Permission.READ,
    ("POST", "/api/v1/reports/bulk"): Permission.READ,  # auditors produce regulator packs; a pack changes no record
    ("GET", "/api/v1/reports/bulk/{job_id}"): Permission.READ,
    ("GET", "/api/v1/policies"): Permission.READ,
    ("GET", "/api/v1/policies/active"): Permission.READ,
    ("PUT", "/api/v1/policies/active"): Permission.MANAGE_POLICY,
    ("GET", "/api/v1/models/{model_id}/compliance-check"): Permission.READ,
    ("GET", "/api/v1/models/{model_id}/obligations"): Permission.READ,
    ("GET", "/api/v1/classification/questionnaire"): Permission.READ,
    ("GET", "/api/v1/classification/timeline"): Permission.READ,
    ("GET", "/api/v1/classification/timeline/versions"): Permission.READ,
    ("PUT", "/api/v1/classification/timeline"): Permission.MANAGE_POLICY,
    ("GET", "/api/v1/classification/overrides"): Permission.READ,
    ("GET", "/api/v1/models/{model_id}/classification"): Permission.READ,
    ("POST", "/api/v1/models/{model_id}/classification"): Permission.WRITE,
    ("GET", "/api/v1/models/{model_id}/attestations"): Permission.READ,
    ("POST", "/api/v1/models/{model_id}/attestations"): Permission.WRITE,
    ("POST", "/api/v1/models/{model_id}/attestations/{obligation_id}/withdrawal"): Permission.WRITE,
    ("GET", "/api/v1/models/{model_id}/eu-database-record"): Permission.READ,
    ("POST", "/api/v1/imports"): Permission.WRITE,  # a model from MLflow / SageMaker, applied as normal changes
    ("GET", "/api/v1/models/{model_id}/evidence"): Permission.READ,
    ("POST", "/api/v1/models/{model_id}/evidence"): Permission.WRITE,
    ("GET", "/api/v1/models/{model_id}/evidence/{evidence_id}"): Permission.READ,
    ("POST", "/api/v1/models/{model_id}/evidence/{evidence_id}/complete"): Permission.WRITE,
    ("POST", "/api/v1/models/{model_id}/evidence/{evidence_id}/signoff"): Permission.WRITE,  # by a second person (service rule)
    ("POST", "/api/v1/models/{model_id}/evidence/{evidence_id}/withdraw"): Permission.WRITE,
    ("GET", "/api/v1/models/{model_id}/evidence/{evidence_id}/download"): Permission.READ,
    ("GET", "/api/v1/evidence/attention"): Permission.READ,
    ("GET", "/api/v1/frameworks"): Permission.READ,
    ("PUT", "/api/v1/frameworks"): Permission.MANAGE_POLICY,  # the crosswalk is data admins replace, like the policy set
    ("GET", "/api/v1/frameworks/versions"): Permission.READ,
    ("GET", "/api/v1/frameworks/{framework}/coverage"): Permission.READ,
    ("GET", "/api/v1/frameworks/{framework}/statement-of-applicability"): Permission.READ,
    # post-market monitoring (Art. 72) and incidents (Art. 73); team ownership is checked in the services
    ("GET", "/api/v1/models/{model_id}/monitoring-plan"): Permission.READ,
    ("PUT", "/api/v1/models/{model_id}/monitoring-plan"): Permission.WRITE,
    ("GET", "/api/v1/models/{model_id}/observations"): Permission.READ,
    ("POST", "/api/v1/models/{model_id}/observations"): Permission.WRITE,
    ("GET", "/api/v1/models/{model_id}/findings"): Permission.READ,
    ("GET", "/api/v1/models/{model_id}/reviews"): Permission.READ,
    ("POST", "/api/v1/models/{model_id}/reviews"): Permission.WRITE,
    ("GET", "/api/v1/monitoring/findings"): Permission.READ,
    ("GET", "/api/v1/monitoring/reviews-due"): Permission.READ,
    ("POST", "/api/v1/admin/sweeps"): Permission.MANAGE_POLICY,  # the daily sweeps on demand (tests, demos)
    ("GET", "/api/v1/incidents"): Permission.READ,
    ("POST", "/api/v1/incidents"): Permission.WRITE,
    ("GET", "/api/v1/incidents/deadlines"): Permission.READ,
    ("GET", "/api/v1/incidents/deadlines/versions"): Permission.READ,
    ("PUT", "/api/v1/incidents/deadlines"): Permission.MANAGE_POLICY,
    ("GET", "/api/v1/incidents/{incident_id}"): Permission.READ,
    ("PATCH", "/api/v1/incidents/{incident_id}/status"): Permission.WRITE,
    ("PUT", "/api/v1/incidents/{incident_id}/provider-notification"): Permission.WRITE,
    ("GET", "/api/v1/incidents/{incident_id}/report"): Permission.READ,
    ("GET", "/api/v1/reports/incidents/{incident_id}"): Permission.READ,  # the incident report as PDF (reports function)
    ("GET", "/api/v1/models/{model_id}/lineage"): Permission.READ,
    ("GET", "/api/v1/datasets"): Permission.READ,
    ("POST", "/api/v1/datasets"): Permission.WRITE,
    ("GET", "/api/v1/datasets/{dataset_id}"): Permission.READ,
    ("PATCH", "/api/v1/datasets/{dataset_id}"): Permission.WRITE,
    ("GET", "/api/v1/datasets/{dataset_id}/versions"): Permission.READ,
    ("POST", "/api/v1/datasets/{dataset_id}/versions"): Permission.WRITE,
    ("GET", "/api/v1/datasets/{dataset_id}/impact"): Permission.READ,
    ("POST", "/api/v1/datasets/{dataset_id}/flag"): Permission.WRITE,  # admins, or the dataset's team (service check)
    ("POST", "/api/v1/datasets/{dataset_id}/unflag"): Permission.WRITE,
}

# The ingestion subset CI may call over the SigV4 machine API (approval stays a human decision).
MACHINE_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/api/v1/models"),
        ("POST", "/api/v1/models"),
        ("GET", "/api/v1/models/{model_id}"),
        ("PATCH", "/api/v1/models/{model_id}"),
        ("PATCH", "/api/v1/models/{model_id}/risk-profile"),
        ("PATCH", "/api/v1/models/{model_id}/compliance-status"),
        ("GET", "/api/v1/models/{model_id}/versions"),
        ("GET", "/api/v1/models/{model_id}/approval"),  # the deployment gate reads the sealed snapshot
        ("GET", "/api/v1/versions"),
        ("POST", "/api/v1/versions"),
        ("GET", "/api/v1/versions/{version_id}"),
        ("GET", "/api/v1/versions/{version_id}/metrics"),
        ("GET", "/api/v1/metrics"),
        ("POST", "/api/v1/metrics"),
        ("GET", "/api/v1/metrics/{metric_id}"),
        ("POST", "/api/v1/imports"),  # `govhub import mlflow` from a pipeline
        ("GET", "/api/v1/models/{model_id}/compliance-check"),  # will review / approval pass? (CI asks before it requests one)
        ("GET", "/api/v1/classification/questionnaire"),
        ("GET", "/api/v1/models/{model_id}/classification"),
        ("POST", "/api/v1/models/{model_id}/classification"),  # `govhub classify` in a pipeline
        ("GET", "/api/v1/models/{model_id}/evidence"),
        ("POST", "/api/v1/models/{model_id}/evidence"),  # `govhub evidence upload`: pipelines attach test reports
        ("POST", "/api/v1/models/{model_id}/evidence/{evidence_id}/complete"),  # (sign-off stays a person's)
        ("POST", "/api/v1/models/{model_id}/observations"),  # `govhub observe` from a production monitoring job
        ("GET", "/api/v1/models/{model_id}/monitoring-plan"),
        ("GET", "/api/v1/datasets"),  # `govhub dataset register|version` and `govhub version --dataset` in a pipeline
        ("POST", "/api/v1/datasets"),
        ("GET", "/api/v1/datasets/{dataset_id}"),
        ("GET", "/api/v1/datasets/{dataset_id}/versions"),
        ("POST", "/api/v1/datasets/{dataset_id}/versions"),
        ("GET", "/api/v1/models/{model_id}/lineage"),
    }
)


def role_from_groups(groups: list[str]) -> Role | None:
    for role in ROLE_PRECEDENCE:
        if role.value in groups:
            return role
    return None


def may(role: Role | None, permission: Permission) -> bool:
    return role is not None and permission in ROLE_PERMISSIONS[role]
