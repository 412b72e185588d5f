"""Demo users (one per role, and a second approver), two teams and a few demo models, created the way a user
would: through Cognito and the API."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

# Teams own models; a user's teams are their Cognito groups `team-<slug>` (an IdP would manage them).
DEMO_TEAMS = {"payments-ml": "Payments ML", "people-analytics": "People Analytics"}
DEMO_PIPELINE_TEAM = "payments-ml"  # the local CI credentials write for this team

# Keyed by what the demo user is for; `groups` are the Cognito groups (role, then teams).
DEMO_USERS: dict[str, dict[str, Any]] = {
    "admin": {"username": "demo-admin", "password": "Admin-Demo-2026!", "email": "admin@example.org", "groups": ["admin"]},
    "model_owner": {
        "username": "demo-owner", "password": "Owner-Demo-2026!", "email": "owner@example.org",
        "groups": ["model_owner", "team-payments-ml"],
    },
    "auditor": {"username": "demo-auditor", "password": "Auditor-Demo-2026!", "email": "auditor@example.org", "groups": ["auditor"]},
    # a second compliance officer, for approvals that need two sign-offs (EU AI Act Art. 14(5))
    "reviewer": {"username": "demo-reviewer", "password": "Reviewer-Demo-2026!", "email": "reviewer@example.org", "groups": ["admin"]},
}


def create_users(pool_id: str, endpoint_url: str, region: str) -> dict[str, dict[str, str]]:
    cognito = boto3.client("cognito-idp", endpoint_url=endpoint_url, region_name=region)
    for slug in DEMO_TEAMS:
        cognito.create_group(UserPoolId=pool_id, GroupName=f"team-{slug}", Description=f"Members of the {slug} team")
    for user in DEMO_USERS.values():
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=user["username"],
            UserAttributes=[{"Name": "email", "Value": user["email"]}, {"Name": "email_verified", "Value": "true"}],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(UserPoolId=pool_id, Username=user["username"], Password=user["password"], Permanent=True)
        for group in user["groups"]:
            cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=user["username"], GroupName=group)
    return {key: {"username": u["username"], "password": u["password"]} for key, u in DEMO_USERS.items()}


def sign_in(client_id: str, username: str, password: str, endpoint_url: str, region: str) -> dict[str, Any]:
    cognito = boto3.client("cognito-idp", endpoint_url=endpoint_url, region_name=region)
    answer = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": password}
    )
    return answer["AuthenticationResult"]


def _call(api_url: str, token: str, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{api_url}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own local endpoint
        return json.loads(response.read() or b"{}")


# Datasets the demo models declare (Art. 10, Annex IV 2(d)); the high-risk approvals need training and testing ones.
DEMO_DATASETS: list[dict[str, Any]] = [
    {
        "dataset": {
            "name": "card-transactions-2025",
            "description": "Card transactions with chargeback outcomes, used to train the fraud detector.",
            "source": "Exported monthly from the core banking ledger; pseudonymised at export (card number tokenised).",
            "licence": "internal",
            "collection_period": "2024-01 to 2025-12",
            "geographic_scope": "EU: DE, FR, NL, ES",
            "demographic_scope": "Retail card holders aged 18 and over",
            "labelling_procedure": "Chargeback and confirmed-fraud outcomes, checked by two analysts.",
            "personal_data": True,
            "known_limitations": "Card-not-present fraud from 2024 Q1 is under-labelled (new chargeback codes).",
            "bias_examination": {"examined": "Fraud label and flag rates by age band and country.",
                                 "outcome": "No band differs by more than 2 points; the 18-21 band is under-represented (documented)."},
        },
        "versions": [("2025.12", "s3://demo-datasets/card-transactions/2025.12/", 4_200_000, "3f" * 32)],
    },
    {
        "dataset": {
            "name": "card-transactions-holdout-2025",
            "description": "A time-split holdout of card transactions for testing the fraud detector.",
            "source": "The last two months of the ledger export, never used for training.",
            "licence": "internal",
            "collection_period": "2025-11 to 2025-12",
            "geographic_scope": "EU: DE, FR, NL, ES",
            "personal_data": True,
            "bias_examination": {"examined": "Flag rates by age band and country on the holdout.",
                                 "outcome": "Within the policy's demographic parity bound (0.04)."},
        },
        "versions": [("2025.12", "s3://demo-datasets/card-transactions-holdout/2025.12/", 650_000, "4a" * 32)],
    },
    {
        "dataset": {
            "name": "credit-applications-2023-2025",
            "description": "EU card applications with 12-month repayment outcomes.",
            "source": "Application system export joined with bureau scores under the bureau contract.",
            "licence": "Bureau data: contract 2023-117, no onward transfer",
            "collection_period": "2023-01 to 2025-06",
            "geographic_scope": "EU: DE, FR",
            "demographic_scope": "Applicants aged 18 and over",
            "labelling_procedure": "Default = 90 days past due within 12 months, from the collections system.",
            "personal_data": True,
            "special_categories": False,
            "bias_examination": {"examined": "Approval and default rates by sex and age band (proxies checked: postcode).",
                                 "outcome": "Postcode acts as a proxy for nationality; removed from features in v2."},
        },
        "versions": [("2025.06", "s3://demo-datasets/credit-applications/2025.06/", 1_100_000, "5b" * 32)],
    },
]

DEMO_MODELS: list[dict[str, Any]] = [
    {
        "model": {
            "name": "fraud-detector",
            "owner": "Payments ML Team",
            "domain": "finance",
            "risk_level": "high",
            "risk_justification": "Creditworthiness-adjacent decisions on natural persons (EU AI Act Annex III 5(b)).",
            "description": "Gradient-boosted classifier scoring card transactions for fraud in real time.",
            "intended_purpose": "Flag card transactions for manual fraud review; never blocks a payment on its own.",
            "data_sources": "24 months of labelled card transactions (EU), chargeback outcomes, merchant registry.",
            "oversight_plan": "Every flag is reviewed by a fraud analyst; weekly drift review by the model owner.",
        },
        "versions": [
            ("v1.0.0", "s3://demo-models/fraud-detector/v1.0.0/model.tar.gz", {"accuracy": 0.93, "f1": 0.88, "demographic_parity_difference": 0.06}),
            ("v1.1.0", "s3://demo-models/fraud-detector/v1.1.0/model.tar.gz", {"accuracy": 0.95, "f1": 0.91, "demographic_parity_difference": 0.04}),
        ],
        # fraud detection is excluded from Annex III 5(b): the questionnaire suggests minimal; the team keeps high, justified
        "classification": {"answers": {}, "operator_role": "provider", "risk_level": "high",
                           "justification": "Kept high: it scores payments of natural persons and analysts act on its flags; "
                                            "we apply the high-risk controls although fraud detection is excluded from Annex III 5(b)."},
        "inputs": {"datasets": [{"dataset": "card-transactions-2025", "version_tag": "2025.12", "role": "training"},
                                {"dataset": "card-transactions-holdout-2025", "version_tag": "2025.12", "role": "testing"}]},
        "steps": [("under_review", "Evaluation complete; ready for compliance review", "model_owner"),
                  ("approved", "Annex IV documentation complete; bias within policy", "admin")],
        # post-market monitoring (Art. 72): a plan sealed with the approval; 30 days of production values, the drift of
        # the last days outside its bound (an open finding); the quarterly review falls due within the week
        "monitoring": {
            "plan": {"metrics": [{"metric": "accuracy", "min": 0.9}, {"metric": "demographic_parity_difference", "max": 0.1},
                                 {"metric": "drift_score", "max": 0.2}],
                     "review_cadence_days": 5, "reviewers": [],
                     "method_notes": "Daily: accuracy on analyst-labelled flags, parity across age bands, PSI drift on amounts."},
            "observations": {"accuracy": [0.95 - 0.001 * d for d in range(30)],
                             "demographic_parity_difference": [0.04 + 0.0005 * d for d in range(30)],
                             "drift_score": [0.05 + 0.007 * d for d in range(30)]},
            "incident": {"title": "Legitimate payments of one merchant group flagged en masse",
                         "description": "A merchant category code change made the model flag most payments of 300 merchants; "
                                        "analysts released them, customers saw delays of up to 6 hours.",
                         "severity": "serious", "kind": "other", "aware_days_ago": 3},
        },
    },
    {
        "model": {
            "name": "credit-limit-advisor",
            "owner": "Payments ML Team",
            "domain": "finance",
            "risk_level": "high",
            "risk_justification": "Evaluates the creditworthiness of natural persons (EU AI Act Annex III 5(b)).",
            "description": "Suggests a credit limit for new card accounts from application data and bureau scores.",
            "intended_purpose": "Propose a starting credit limit that a credit officer confirms or changes.",
            "data_sources": "36 months of EU card applications with repayment outcomes; bureau scores under contract.",
            "oversight_plan": "A credit officer confirms every proposed limit; monthly override-rate review.",
        },
        "versions": [("v2.0.0", "s3://demo-models/credit-limit-advisor/v2.0.0/model.tar.gz",
                      {"accuracy": 0.94, "f1": 0.9, "demographic_parity_difference": 0.05})],
        "classification": {"answers": {"annex3_5_b_credit_scoring": True}, "operator_role": "provider"},
        "inputs": {"datasets": [{"dataset": "credit-applications-2023-2025", "version_tag": "2025.06", "role": "training"},
                                {"dataset": "card-transactions-holdout-2025", "version_tag": "2025.12", "role": "validation"}]},
        "steps": [("under_review", "Evaluation complete; ready for compliance review", "model_owner")],
        "monitoring": {
            "plan": {"metrics": [{"metric": "accuracy", "min": 0.9}, {"metric": "override_rate", "max": 0.15}],
                     "review_cadence_days": 90, "reviewers": [], "method_notes": "Monthly: confirmed limits vs proposals."},
        },
    },
    {
        "by": "admin",
        "model": {
            "name": "cv-screening-assistant",
            "team": "people-analytics",
            "owner": "People Analytics",
            "domain": "hr",
            "risk_level": "high",
            "risk_justification": "Recruitment and selection of natural persons (EU AI Act Annex III 4(a)).",
            "description": "Ranks applications against a job profile to help recruiters prioritise.",
            "intended_purpose": "Suggest an order for recruiters to read applications; recruiters decide.",
        },
        "versions": [("v0.9.0", "s3://demo-models/cv-screening/v0.9.0/model.onnx", {"accuracy": 0.87, "f1": 0.84})],
        "classification": {"answers": {"annex3_4_a_recruitment": True, "art6_3_d_preparatory_task": True, "art6_3_profiling": True},
                           "operator_role": "provider"},
        "steps": [("under_review", "First review of the ranking model", "admin")],
        "monitoring": {
            "plan": {"metrics": [{"metric": "selection_rate_ratio", "min": 0.8}], "review_cadence_days": 30, "reviewers": [],
                     "method_notes": "Four-fifths rule on shortlists per protected group, monthly."},
            # a deployer's serious incident whose Art. 73 initial report is overdue (the countdown shows red)
            "incident": {"title": "Applicants over 50 ranked last for a month",
                         "description": "A feature pipeline bug put birth year into the ranking; every applicant over 50 was "
                                        "ranked last in 4 job openings.",
                         "severity": "serious", "kind": "widespread_infringement", "aware_days_ago": 4,
                         "provider": "TalentRank Ltd"},
        },
    },
    {
        "model": {
            "name": "support-chatbot",
            "owner": "Customer Care",
            "domain": "customer-service",
            "risk_level": "limited",
            "risk_justification": "Interacts with people: users must be told they talk to an AI (Art. 50).",
            "description": "Retrieval-augmented assistant answering account questions.",
            "intended_purpose": "Answer routine customer questions and hand over to an agent on request.",
        },
        "versions": [("2026.11.1", "s3://demo-models/support-chatbot/2026.11.1/", {"answer_accuracy": 0.91})],
        "classification": {"answers": {"art50_1_interacts_with_people": True, "gpai_builds_on": True}, "operator_role": "provider"},
        # built on a general-purpose AI model (Art. 25, Annex XII): the report shows it with the provider's documentation
        "inputs": {"base_model": {"external": {"provider": "Mistral AI", "name": "mistral-small", "version": "3.1", "gpai": True,
                                               "documentation_url": "https://docs.mistral.ai/"}}},
        "steps": [],
    },
    {
        "model": {
            "name": "legacy-recommender",
            "owner": "Growth Team",
            "domain": "e-commerce",
            "risk_level": "minimal",
            "description": "Collaborative-filtering product recommendations (2021).",
            "intended_purpose": "Suggest related products on product pages.",
        },
        "versions": [("v3.2.0", "s3://demo-models/recommender/v3.2.0/", {"precision_at_10": 0.31})],
        "classification": {"answers": {}, "operator_role": "deployer"},
        "steps": [("under_review", "Annual re-review", "model_owner"), ("approved", "Low risk, unchanged", "admin"),
                  ("retired", "Replaced by the 2026 ranking service", "admin")],
    },
]


def seed_teams(api_url: str, admin_token: str) -> None:
    for slug, name in DEMO_TEAMS.items():
        try:
            _call(api_url, admin_token, "POST", "/teams", {"slug": slug, "display_name": name, "reason": "Demo team"})
        except urllib.error.HTTPError as error:
            if error.code != 409:  # 409: already there
                raise


def seed_datasets(api_url: str, tokens: dict[str, str]) -> int:
    """The demo datasets with their versions, registered by the demo owner (team payments-ml); answer how many."""
    for demo in DEMO_DATASETS:
        try:
            dataset = _call(api_url, tokens["model_owner"], "POST", "/datasets", {**demo["dataset"], "reason": "Demo dataset"})
        except urllib.error.HTTPError as error:
            if error.code == 409:  # already seeded
                continue
            raise
        for tag, location, records, sha256 in demo["versions"]:
            _call(api_url, tokens["model_owner"], "POST", f"/datasets/{dataset['id']}/versions",
                  {"version_tag": tag, "location": location, "records": records, "sha256": sha256})
    return len(DEMO_DATASETS)


def seed_models(api_url: str, tokens: dict[str, str]) -> int:
    """Create the demo models through the API (so they are audited like anything else); answer how many."""
    for demo in DEMO_MODELS:
        creator = tokens[demo.get("by", "model_owner")]
        try:
            model = _call(api_url, creator, "POST", "/models", demo["model"])
        except urllib.error.HTTPError as error:
            if error.code == 409:  # already seeded
                continue
            raise
        for tag, uri, metrics in demo["versions"]:
            declared = {"inputs": demo["inputs"]} if "inputs" in demo else {}
            version = _call(api_url, creator, "POST", "/versions", {"model_id": model["id"], "version_tag": tag, "s3_path": uri, **declared})
            _call(api_url, creator, "POST", "/metrics", {
                "version_id": version["id"],
                "metrics": [{"metric_name": name, "value": value} for name, value in metrics.items()],
            })
        # the default policy approves only classified models (POST /models/{id}/classification), high-risk ones with a
        # post-market monitoring plan
        _call(api_url, creator, "POST", f"/models/{model['id']}/classification", demo["classification"])
        monitoring = demo.get("monitoring") or {}
        if "plan" in monitoring:
            _call(api_url, creator, "PUT", f"/models/{model['id']}/monitoring-plan", {**monitoring["plan"], "reason": "Demo plan"})
        for status, reason, role in demo["steps"]:
            _call(api_url, tokens[role], "PATCH", f"/models/{model['id']}/compliance-status", {"status": status, "reason": reason})
        seed_monitoring(api_url, creator, model["id"], monitoring)
    _call(api_url, tokens["admin"], "POST", "/admin/sweeps")  # marks the due review and the overdue incident report
    return len(DEMO_MODELS)


def seed_monitoring(api_url: str, token: str, model_id: int, monitoring: dict[str, Any]) -> None:
    """Production observations (one a day, ending today) and an incident, as a monitoring job and a person send them."""
    today = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0)
    series = monitoring.get("observations") or {}
    batch = [{"metric": metric, "value": round(value, 4), "observed_at": (today - timedelta(days=len(values) - 1 - day)).isoformat()}
             for metric, values in series.items() for day, value in enumerate(values)]
    if batch:
        _call(api_url, token, "POST", f"/models/{model_id}/observations", {"observations": batch})
    incident = monitoring.get("incident")
    if incident:
        aware = datetime.now(UTC) - timedelta(days=incident["aware_days_ago"])
        body = {"model_id": model_id, "title": incident["title"], "description": incident["description"],
                "severity": incident["severity"], "kind": incident["kind"],
                "occurred_at": (aware - timedelta(hours=20)).isoformat(), "aware_at": aware.isoformat(), "reason": "Demo incident"}
        if incident.get("provider"):
            body["provider_notification"] = {"notified_at": (aware + timedelta(hours=2)).isoformat(), "provider": incident["provider"],
                                             "reference": "TR-2026-118"}
        _call(api_url, token, "POST", "/incidents", body)
