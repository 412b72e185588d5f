"""The content of an EU AI Act compliance report, laid out after Annex IV of Regulation (EU) 2024/1689.

Pure functions over plain dicts (the API shapes of docs/api.md): no AWS, no PDF library. The result
is JSON-ready; it is served as ``compliance-report.json`` and is the only input of the PDF renderer.

Layout of the content (schema ``govhub.compliance-report/1``)::

    schema, title, product
    model            id, name, owner, domain, risk_level, compliance_status, revision,
                     latest_version {id, version_tag} | null, approved_version {id, version_tag} | null
    summary          counts for the cover: versions, metrics, fairness_metrics, threshold_failures,
                     policy_checks, latest_version_failures, latest_version_not_measured, gaps,
                     findings, audit_records, audit_chain ("verified" | "broken" | "unavailable"),
                     obligations {evidenced, attested, open, not_in_force} | null,
                     policy_check {target, occasion, outcome, failed} | null
    sections[]       {id, number, title, annex_iv: [points], legal_reference, data}, in Annex IV order:
                     general_description, versions, data_governance, human_oversight, evaluation,
                     risk_classification, obligations, lifecycle, gaps
                     risk_classification.data.questionnaire: {suggested_risk_level, questionnaire_version,
                     basis [{provision, reason, question_id, effect}], flags, operator_role, classified_by,
                     classified_at, override, justification} | null
                     obligations.data: {risk_level, checklist, policy_check}; checklist is the EU AI Act
                     obligations checklist as GET /models/{id}/obligations computes it
                     (govhub.policy.obligations.as_json), policy_check the active policy's checklist for
                     the model's next step, judged without an approver; either is null when not given
                     evidence.data: {documents [{evidence_id, title, kind, covers, status, current, sha256, size,
                     valid_until, signed_off_by, ...}], library_version, frameworks [{framework, title, summary}]}
    gaps[]           {id, annex_iv: [points], section, item, detail}: Annex IV items without data
    findings[]       {severity: critical|high|medium|info, section, title, detail}: data that fails
    annex_iv_checklist[]  {point, requirement, section, status: documented|gap|outside_registry, gaps}
    content_sha256   SHA-256 of the canonical JSON of all the above
    report           {id, generated_at, generated_by {username, role}}: not part of the hash
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

REPORT_SCHEMA = "govhub.compliance-report/1"
REPORT_TITLE = "EU AI Act Technical Documentation — Compliance Report"
PRODUCT_NAME = "AI Governance Hub"

METRIC_CATEGORIES = ("fairness", "robustness", "performance")

# Substrings of a normalised metric name (lower case, "_" separated) that mark a bias/fairness metric.
_FAIRNESS_MARKERS = (
    "bias",
    "fairness",
    "_fair_",
    "parity",
    "equal_opportunity",
    "equalized_odds",
    "equalised_odds",
    "disparate_impact",
    "disparate_mistreatment",
    "treatment_equality",
    "group_calibration",
    "counterfactual_fairness",
    "theil_index",
)
_ROBUSTNESS_MARKERS = ("robust", "adversarial", "perturbation", "corruption", "out_of_distribution", "_ood_")

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}

RISK_OBLIGATIONS: dict[str, dict[str, str]] = {
    "unacceptable": {
        "label": "Unacceptable risk",
        "legal_basis": "Article 5",
        "obligations": (
            "Prohibited AI practice: the system may not be placed on the market, put into service or used in the Union."
        ),
    },
    "high": {
        "label": "High risk",
        "legal_basis": "Articles 6, 8–15, 43",
        "obligations": (
            "High-risk AI system: the requirements of Chapter III, Section 2 apply (risk management, "
            "data governance, technical documentation, record-keeping, transparency, human oversight, "
            "accuracy, robustness and cybersecurity), with a conformity assessment before the system "
            "is placed on the market."
        ),
    },
    "limited": {
        "label": "Limited risk",
        "legal_basis": "Article 50",
        "obligations": (
            "Transparency obligations: people must be told that they are interacting with an AI system "
            "or that content was generated or manipulated by AI."
        ),
    },
    "minimal": {
        "label": "Minimal risk",
        "legal_basis": "Article 95",
        "obligations": ("No mandatory requirements under the AI Act; voluntary codes of conduct are encouraged."),
    },
}
_ELEVATED_RISK = frozenset({"high", "unacceptable"})

# (section id, title, Annex IV points, legal references), in the order of Annex IV.
SECTIONS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("general_description", "General description and intended purpose", ("1(a)",), "Article 11; Annex IV(1)"),
    ("versions", "Versions and artifacts", ("1(a)", "1(c)"), "Annex IV(1)"),
    ("data_governance", "Data sources and data governance", ("2(d)",), "Article 10; Annex IV(2)(d)"),
    ("human_oversight", "Human oversight", ("2(e)", "3"), "Article 14; Annex IV(2)(e), (3)"),
    (
        "evaluation",
        "Validation, testing and fairness metrics",
        ("2(g)", "3", "4"),
        "Article 15; Annex IV(2)(g), (3), (4)",
    ),
    ("risk_classification", "Risk classification and risk management", ("5",), "Articles 6, 9; Annex IV(5)"),
    ("obligations", "EU AI Act obligations", (), "Regulation (EU) 2024/1689"),  # reference: the articles listed
    ("lifecycle", "Lifecycle changes and approval history", ("6",), "Article 12; Annex IV(6)"),
    ("post_market_monitoring", "Post-market monitoring and serious incidents", ("9",), "Articles 72, 73; Annex IV(9)"),
    ("gaps", "Documentation gaps and findings", (), "Article 11(1); Annex IV"),
    ("evidence", "Evidence documents and framework coverage", (), "Articles 11, 17, 47; ISO/IEC 42001 Annex A; NIST AI RMF 1.0"),
)

# Every Annex IV point, with the report section documenting it (None: the registry holds no such data).
ANNEX_IV_POINTS: tuple[tuple[str, str, str | None], ...] = (
    ("1(a)", "Intended purpose, provider and version of the system", "general_description"),
    ("1(b)", "Interaction with hardware or software outside the system", None),
    ("1(c)", "Versions of the system and requirements for version updates", "versions"),
    ("1(d)–(h)", "Forms of placing on the market, hardware, user interface, instructions for use", None),
    ("2(a)–(c)", "Development methods, design specifications, system architecture", None),
    ("2(d)", "Data requirements: data sets, provenance, selection and governance", "data_governance"),
    ("2(e)", "Assessment of the human oversight measures (Article 14)", "human_oversight"),
    ("2(f)", "Pre-determined changes to the system and its performance", None),
    ("2(g)", "Validation and testing: metrics, including potentially discriminatory impacts", "evaluation"),
    ("2(h)", "Cybersecurity measures", None),
    ("3", "Monitoring, functioning and control: capabilities, limitations, oversight", "evaluation"),
    ("4", "Appropriateness of the performance metrics", "evaluation"),
    ("5", "Risk management system (Article 9)", "risk_classification"),
    ("6", "Relevant changes made through the lifecycle", "lifecycle"),
    ("7", "Harmonised standards applied", None),
    ("8", "EU declaration of conformity (Article 47)", None),
    ("9", "Post-market monitoring plan (Article 72)", "post_market_monitoring"),
)

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_NAME_SEPARATORS = re.compile(r"[^0-9a-z]+")
_SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "info": 3}


def build_report_content(
    model: dict,
    versions: list[dict],
    metrics_by_version: dict[int, list[dict]],
    audit_records: list[dict],
    verification: dict | None,
    policy: dict | None,
    generated_by: dict,
    generated_at: datetime,
    report_id: str,
    obligations: dict | None = None,
    policy_check: dict | None = None,
    audit_summary: dict | None = None,
    classification: dict | None = None,
    evidence: dict | None = None,
    monitoring: dict | None = None,
    datasheets: list[dict] | None = None,
    data_version: dict | None = None,
) -> dict:
    """Assemble the report content, sections in Annex IV order.

    ``monitoring`` is the model's post-market monitoring evidence: ``{"plan", "findings", "reviews", "schedule",
    "incidents", "period_days"}`` (govhub.services.reports.monitoring_of_the_table), reported as given.
    ``datasheets`` are the dataset versions ``data_version`` (the approved version, else the latest) declares, each
    ``{role, declared, dataset, version}`` (govhub.services.reports.datasheets_of_the_table); section 3 shows them
    with the base model the version was built on.

    ``obligations`` is the model's EU AI Act obligations checklist (``govhub.policy.obligations.as_json``),
    ``policy_check`` the active policy's checklist for its next step; both are reported as given.
    ``audit_summary`` (``AuditService.summary``) summarises a trail of which ``audit_records`` are the last
    records only: its total, counts per kind and the status and risk histories in full.

    ``content_sha256`` is the SHA-256 of the canonical JSON of everything but the ``report`` block
    (report id, generation time and generator), so two reports of the same facts share the hash.
    Raises ValueError for a policy threshold with an unknown operator or a non-numeric value.
    """
    rules = _policy_rules(policy)
    risk_level = _text(model.get("risk_level")) or "minimal"
    metrics_by_version = {_id_key(k): v for k, v in metrics_by_version.items()}
    version_rows = _versions(model, versions, metrics_by_version)
    latest = _latest_version(model, version_rows)
    approved_id = model.get("approved_version_id")
    evaluated = [_evaluate_version(row, metrics_by_version, rules, latest) for row in version_rows]
    checks = _policy_checks(rules, next((v for v in evaluated if v["is_latest"]), None))
    records = sorted((_audit_record(r) for r in audit_records), key=lambda r: (_sort_int(r["sequence"]), r["time"]))
    chain = _verification(verification)
    record_count = _plain(audit_summary["records"]) if audit_summary else len(records)

    model_summary = {
        "id": _plain(model.get("id")),
        "name": _text(model.get("name")),
        "owner": _text(model.get("owner")),
        "team": _text(model.get("team")),
        "domain": _text(model.get("domain")),
        "risk_level": risk_level,
        "compliance_status": _text(model.get("compliance_status")),
        "revision": _plain(model.get("revision")),
        "latest_version": _version_ref(latest),
        "approved_version": _version_ref(next((v for v in version_rows if v["id"] == approved_id), None))
        if approved_id is not None
        else None,
    }
    if approved_id is not None and model_summary["approved_version"] is None:
        model_summary["approved_version"] = {"id": _plain(approved_id), "version_tag": None}
    model_summary["approval"] = _approval(model.get("approval"))

    section_data: dict[str, dict] = {
        "general_description": {
            "model_id": model_summary["id"],
            "name": model_summary["name"],
            "description": _text(model.get("description")),
            "intended_purpose": _text(model.get("intended_purpose")),
            "provider": model_summary["owner"],
            "team": model_summary["team"],
            "domain": model_summary["domain"],
            "compliance_status": model_summary["compliance_status"],
            "latest_version": model_summary["latest_version"],
            "approved_version": model_summary["approved_version"],
            "approval": model_summary["approval"],
            "created_at": _plain(model.get("created_at")),
            "created_by": _text(model.get("created_by")),
            "updated_at": _plain(model.get("updated_at")),
            "updated_by": _text(model.get("updated_by")),
            "last_change_reason": _text(model.get("last_change_reason")),
        },
        "versions": {"count": len(version_rows), "items": version_rows},
        "data_governance": {
            "data_sources": _text(model.get("data_sources")),
            "declared_by": _version_ref(data_version),
            "datasheets": _plain(datasheets or []),
            "base_model": _plain(((data_version or {}).get("inputs") or {}).get("base_model")),
        },
        "human_oversight": {"oversight_plan": _text(model.get("oversight_plan"))},
        "evaluation": {
            "policy": _policy_summary(policy, rules),
            "latest_version": _version_ref(latest),
            "policy_checks": checks,
            "totals": _metric_totals(evaluated),
            "versions": evaluated,
        },
        "risk_classification": {
            "risk_level": risk_level,
            **RISK_OBLIGATIONS.get(risk_level, {"label": risk_level, "legal_basis": "", "obligations": ""}),
            "justification": _text(model.get("risk_justification")),
            "history": _summary_history(audit_summary, "risk_history")
            if audit_summary
            else _field_history(records, "risk_level", extra=("risk_justification",)),
            # the questionnaire's suggestion, its basis and any override (null: not classified)
            "questionnaire": _plain(classification),
        },
        "obligations": {
            "risk_level": risk_level,
            "checklist": _plain(obligations),
            "policy_check": _plain(policy_check),
        },
        "lifecycle": {
            "current_status": model_summary["compliance_status"],
            "verification": chain,
            "status_history": _summary_history(audit_summary, "approval_history")
            if audit_summary
            else _field_history(records, "compliance_status", extra=("approved_version_id",)),
            "record_count": record_count,
            "records_shown": len(records),
            "counts": _plain((audit_summary or {}).get("counts")) or _counts(records),
            "records": records,
        },
    }
    section_data["post_market_monitoring"] = _post_market(monitoring)
    gaps = _gaps(model, risk_level, version_rows, evaluated, rules, checks, records, chain)
    if monitoring is not None and risk_level in _ELEVATED_RISK and section_data["post_market_monitoring"]["plan"] is None:
        gaps.append({"id": "monitoring_plan_missing", "annex_iv": ["9"], "section": "post_market_monitoring",
                     "item": "Post-market monitoring plan", "detail": "No post-market monitoring plan is recorded (Article 72)."})
    findings = _findings(model_summary, evaluated, checks, chain)
    # The lists themselves are top-level keys ("gaps", "findings", "annex_iv_checklist") for tools.
    section_data["gaps"] = {"gap_count": len(gaps), "finding_count": len(findings)}
    section_data["evidence"] = {  # the manifest's as_of stays out: two reports of the same facts share the hash
        "documents": _plain((evidence or {}).get("manifest", {}).get("documents", [])),
        "library_version": _plain((evidence or {}).get("library_version")),
        "frameworks": _plain((evidence or {}).get("frameworks", [])),
    }

    references = {"obligations": _articles_reference(section_data["obligations"]["checklist"])}
    sections = [
        {
            "id": section_id,
            "number": number,
            "title": title,
            "annex_iv": list(points),
            "legal_reference": references.get(section_id) or reference,
            "data": section_data[section_id],
        }
        for number, (section_id, title, points, reference) in enumerate(SECTIONS, start=1)
    ]
    totals = section_data["evaluation"]["totals"]
    content: dict[str, Any] = {
        "schema": REPORT_SCHEMA,
        "title": REPORT_TITLE,
        "product": PRODUCT_NAME,
        "model": model_summary,
        "summary": {
            "versions": len(version_rows),
            "metrics": totals["metrics"],
            "fairness_metrics": totals["fairness"],
            "threshold_failures": totals["failed"],
            "policy_checks": len(checks),
            "latest_version_failures": sum(1 for c in checks if c["result"] == "fail"),
            "latest_version_not_measured": sum(1 for c in checks if c["result"] == "not_measured"),
            "gaps": len(gaps),
            "findings": len(findings),
            "audit_records": record_count,
            "audit_chain": chain["status"],
            "obligations": (section_data["obligations"]["checklist"] or {}).get("summary"),
            "policy_check": _policy_check_summary(section_data["obligations"]["policy_check"]),
        },
        "sections": sections,
        "gaps": gaps,
        "findings": findings,
        "annex_iv_checklist": _checklist(gaps),
    }
    content["content_sha256"] = hashlib.sha256(canonical_json(content)).hexdigest()
    content["report"] = {
        "id": _text(report_id),
        "generated_at": _iso(generated_at),
        "generated_by": {
            "username": _text(generated_by.get("username")),
            "role": _text(generated_by.get("role")),
        },
    }
    return content


def _post_market(monitoring: Mapping | None) -> dict:
    """The plan (Annex IV point 9) and what happened under it in the period: findings, reviews and incidents as the
    organisation recorded them (the hub reports nothing to authorities itself)."""
    monitoring = monitoring or {}
    incidents = [_plain(i) for i in monitoring.get("incidents") or []]
    return {
        "plan": _plain(monitoring.get("plan")),
        "schedule": _plain(monitoring.get("schedule")),
        "period_days": _plain(monitoring.get("period_days")),
        "findings": [_plain(f) for f in monitoring.get("findings") or []],
        "reviews": [_plain(r) for r in monitoring.get("reviews") or []],
        "incidents": incidents,
        "serious_incidents": sum(1 for i in incidents if i.get("severity") == "serious"),
        "reports_overdue": sum(1 for i in incidents if i.get("overdue")),
        "reported_late": sum(1 for i in incidents if i.get("reported_late")),
    }


def _approval(raw: Mapping | None) -> dict:
    """The sealed approval in force (its snapshot hash: GET /models/{id}/approval has the document), the sign-offs,
    and what reopened review if a change invalidated the last approval."""
    raw = raw or {}
    invalidated = raw.get("invalidated") or None
    return {
        "snapshot_sha256": _text(raw.get("snapshot_sha256")),
        "sealed_at": _plain(raw.get("sealed_at")),
        "policy_version": _plain(raw.get("policy_version")),
        "required_signoffs": _plain(raw.get("required_signoffs")) or 1,
        "signoffs": [
            {"by": _text(s.get("by")), "role": _text(s.get("role")), "at": _plain(s.get("at")), "reason": _text(s.get("reason"))}
            for s in raw.get("signoffs") or []
        ],
        "invalidated": {
            "at": _plain(invalidated.get("at")),
            "by": _text(invalidated.get("by")),
            "fields": [str(f) for f in invalidated.get("fields") or []],
            "snapshot_sha256": _text(invalidated.get("snapshot_sha256")),
        } if invalidated else None,
    }


def canonical_json(value: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, no whitespace, UTF-8 (the input of ``content_sha256``)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def classify_metric(metric_name: str) -> str:
    """``fairness`` for bias/fairness metrics, ``robustness`` for robustness ones, else ``performance``."""
    name = "_" + _NAME_SEPARATORS.sub("_", metric_name.lower()).strip("_") + "_"
    if any(marker in name for marker in _FAIRNESS_MARKERS):
        return "fairness"
    if any(marker in name for marker in _ROBUSTNESS_MARKERS):
        return "robustness"
    return "performance"


# --- versions and metrics -------------------------------------------------------------------------


def _versions(model: Mapping, versions: Iterable[Mapping], metrics_by_version: Mapping) -> list[dict]:
    approved_id = model.get("approved_version_id")
    rows = [
        {
            "id": _plain(v.get("id")),
            "version_tag": _text(v.get("version_tag")),
            "s3_path": _text(v.get("s3_path")),
            "sha256": _text(v.get("sha256")),
            "description": _text(v.get("description")),
            "created_at": _plain(v.get("created_at")),
            "created_by": _text(v.get("created_by")),
            "is_latest": False,
            "is_approved": approved_id is not None and v.get("id") == approved_id,
            "metric_count": len(metrics_by_version.get(_id_key(v.get("id")), ()) or ()),
        }
        for v in versions
    ]
    # Newest first, as the API lists them.
    rows.sort(key=lambda r: (str(r["created_at"] or ""), _sort_int(r["id"])), reverse=True)
    return rows


def _latest_version(model: Mapping, rows: list[dict]) -> dict | None:
    if not rows:
        return None
    latest_ref = model.get("latest_version") or {}
    latest = next((r for r in rows if latest_ref and r["id"] == latest_ref.get("id")), rows[0])
    latest["is_latest"] = True
    return latest


def _version_ref(row: Mapping | None) -> dict | None:
    return None if row is None else {"id": row["id"], "version_tag": row["version_tag"]}


def _policy_rules(policy: Mapping | None) -> dict[str, list[dict]]:
    rules: dict[str, list[dict]] = {}
    for raw in (policy or {}).get("thresholds") or ():
        name = _text(raw.get("metric_name"))
        op = raw.get("op")
        value = _number(raw.get("value"))
        if not name or not name.strip():
            raise ValueError(f"policy threshold without a metric_name: {raw!r}")
        if op not in _OPERATORS:
            raise ValueError(
                f"policy threshold for {name!r} has unknown operator {op!r}; use one of {list(_OPERATORS)}"
            )
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"policy threshold for {name!r} needs a finite number, got {raw.get('value')!r}")
        rules.setdefault(_metric_key(name), []).append({"metric_name": name, "op": op, "value": value})
    return rules


def _policy_summary(policy: Mapping | None, rules: Mapping[str, list[dict]]) -> dict | None:
    if policy is None:
        return None
    return {
        "id": _plain(policy.get("id")),
        "name": _text(policy.get("name")),
        "thresholds": [rule for group in rules.values() for rule in group],
    }


def _evaluate_version(
    row: Mapping, metrics_by_version: Mapping, rules: Mapping[str, list[dict]], latest: Mapping | None
) -> dict:
    metrics = [_metric(m, rules) for m in metrics_by_version.get(_id_key(row["id"]), ()) or ()]
    metrics.sort(key=lambda m: (m["metric_name"] or "", str(m["recorded_at"] or ""), _sort_int(m["id"])))
    return {
        "version_id": row["id"],
        "version_tag": row["version_tag"],
        "is_latest": latest is not None and row["id"] == latest["id"],
        "metrics": metrics,
    }


def _metric(raw: Mapping, rules: Mapping[str, list[dict]]) -> dict:
    name = _text(raw.get("metric_name")) or ""
    value = _number(raw.get("value"))
    checks = [
        {"op": rule["op"], "value": rule["value"], "result": _compare(value, rule["op"], rule["value"])}
        for rule in rules.get(_metric_key(name), ())
    ]
    return {
        "id": _plain(raw.get("id")),
        "metric_name": name,
        "category": classify_metric(name),
        "value": value,
        "recorded_at": _plain(raw.get("recorded_at")),
        "created_by": _text(raw.get("created_by")),
        "thresholds": checks,
        "result": None if not checks else ("fail" if any(c["result"] == "fail" for c in checks) else "pass"),
    }


def _compare(value: Any, op: str, threshold: float) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "fail"
    return "pass" if _OPERATORS[op](value, threshold) else "fail"


def _policy_checks(rules: Mapping[str, list[dict]], latest: Mapping | None) -> list[dict]:
    """Each policy threshold against the newest recorded value of its metric on the latest version."""
    newest: dict[str, dict] = {}
    for metric in (latest or {}).get("metrics", ()):
        newest[_metric_key(metric["metric_name"])] = metric  # metrics are sorted by recorded_at
    checks = []
    for key, group in rules.items():
        metric = newest.get(key)
        for rule in group:
            checks.append(
                {
                    "metric_name": rule["metric_name"],
                    "category": classify_metric(rule["metric_name"]),
                    "op": rule["op"],
                    "threshold": rule["value"],
                    "value": None if metric is None else metric["value"],
                    "recorded_at": None if metric is None else metric["recorded_at"],
                    "result": "not_measured"
                    if metric is None
                    else _compare(metric["value"], rule["op"], rule["value"]),
                }
            )
    return checks


def _metric_totals(evaluated: list[dict]) -> dict[str, int]:
    totals = {"metrics": 0, "evaluated": 0, "passed": 0, "failed": 0} | {c: 0 for c in METRIC_CATEGORIES}
    for version in evaluated:
        for metric in version["metrics"]:
            totals["metrics"] += 1
            totals[metric["category"]] += 1
            if metric["result"] is not None:
                totals["evaluated"] += 1
                totals["passed" if metric["result"] == "pass" else "failed"] += 1
    return totals


# --- obligations ----------------------------------------------------------------------------------


def _articles_reference(checklist: Mapping | None) -> str | None:
    """The articles and annexes a checklist cites, compactly: "Articles 9–15, 17, 43; Annex IV"."""
    if not checklist or not checklist.get("items"):
        return None
    cited = " ".join(str(item.get("article") or "") for item in checklist["items"])
    annexes = list(dict.fromkeys(re.findall(r"Annex\s+([IVX]+)", cited)))
    numbers = sorted({int(n) for n in re.findall(r"\d+", re.sub(r"Annex\s+[IVX]+|\([^)]*\)", "", cited))})
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    shown = ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs)
    parts = [f"Article{'s' if len(numbers) > 1 else ''} {shown}"] if numbers else []
    parts += [f"Annex {annex}" for annex in annexes]
    return "; ".join(parts) or None


def _policy_check_summary(check: Mapping | None) -> dict | None:
    if not check:
        return None
    return {
        "target": check.get("target"),
        "occasion": check.get("occasion"),
        "outcome": check.get("outcome"),
        "failed": sum(1 for item in check.get("items") or () if item.get("status") == "fail"),
    }


# --- audit trail ----------------------------------------------------------------------------------


def _audit_record(raw: Mapping) -> dict:
    actor = raw.get("actor") or {}
    changes = raw.get("changes") or {}
    return {
        "sequence": _plain(raw.get("sequence")),
        "time": _iso(raw.get("time")) or "",
        "actor": {"username": _text(actor.get("username")), "role": _text(actor.get("role"))},
        "action": _text(raw.get("action")),
        "entity": _text(raw.get("entity")),
        "entity_id": _plain(raw.get("entity_id")),
        "reason": _text(raw.get("reason")),
        "changes": [
            {
                "field": _text(str(field)),
                "before": _plain((change or {}).get("before")),
                "after": _plain((change or {}).get("after")),
            }
            for field, change in sorted(changes.items(), key=lambda item: str(item[0]))
        ],
    }


def _field_history(records: list[dict], field: str, extra: tuple[str, ...] = ()) -> list[dict]:
    history = []
    for record in records:
        changed = {c["field"]: c for c in record["changes"]}
        change = changed.get(field)
        if change is None or change["before"] == change["after"]:
            continue
        entry = {
            "sequence": record["sequence"],
            "time": record["time"],
            "actor": record["actor"],
            "from": change["before"],
            "to": change["after"],
            "reason": record["reason"],
        }
        for name in extra:
            entry[name] = changed[name]["after"] if name in changed else None
        history.append(entry)
    return history


def _summary_history(summary: Mapping, name: str) -> list[dict]:
    """A history the trail's summary kept in full (``asof.Replay``), in the report's shape."""
    entries = []
    for entry in summary.get(name) or []:
        actor = entry.get("actor") or {}
        entries.append({
            **{k: _plain(v) for k, v in entry.items() if k not in ("actor", "time", "reason")},
            "time": _iso(entry.get("time")) or "",
            "actor": {"username": _text(actor.get("username")), "role": _text(actor.get("role"))},
            "reason": _text(entry.get("reason")),
        })
    return entries


def _counts(records: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        kind = f"{record['entity']}.{record['action']}"
        counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))


def _verification(raw: Mapping | None) -> dict:
    if raw is None:
        return {"status": "unavailable", "intact": None, "records": None, "head_hash": None, "first_break": None}
    intact = bool(raw.get("intact"))
    return {
        "status": "verified" if intact else "broken",
        "intact": intact,
        "records": _plain(raw.get("records")),
        "head_hash": _text(raw.get("head_hash")),
        "first_break": _plain(raw.get("first_break")),
        "mode": _text(raw.get("mode")),
        "digests": _plain(raw.get("digests")),
        "verified_records": _plain(raw.get("verified_records")),
        "sample": _plain(raw.get("sample")),
        "pending": _plain(raw.get("pending")),
    }


# --- gaps, findings, checklist --------------------------------------------------------------------


def _gaps(
    model: Mapping,
    risk_level: str,
    versions: list[dict],
    evaluated: list[dict],
    rules: Mapping[str, list[dict]],
    checks: list[dict],
    records: list[dict],
    chain: Mapping,
) -> list[dict]:
    gaps: list[dict] = []

    def gap(gap_id: str, points: tuple[str, ...], section: str, item: str, detail: str) -> None:
        gaps.append({"id": gap_id, "annex_iv": list(points), "section": section, "item": item, "detail": detail})

    def missing(field: str) -> bool:
        value = model.get(field)
        return not isinstance(value, str) or not value.strip()

    if missing("description"):
        gap(
            "description_missing",
            ("1(a)",),
            "general_description",
            "General description",
            "The model has no description of what the system is and does.",
        )
    if missing("intended_purpose"):
        gap(
            "intended_purpose_missing",
            ("1(a)",),
            "general_description",
            "Intended purpose",
            "No intended purpose is recorded.",
        )
    if missing("owner"):
        gap(
            "provider_missing",
            ("1(a)",),
            "general_description",
            "Provider / owner",
            "No owner responsible for the system is recorded.",
        )
    if not versions:
        gap("versions_missing", ("1(a)", "1(c)"), "versions", "Versions", "No version of the system is registered.")
    unhashed = [v["version_tag"] or str(v["id"]) for v in versions if not (v["sha256"] or "").strip()]
    if unhashed:
        gap(
            "artifact_hash_missing",
            ("1(c)",),
            "versions",
            "Artifact integrity hash",
            f"{len(unhashed)} of {len(versions)} versions have no SHA-256 of their artifact: {_sample(unhashed)}.",
        )
    unlocated = [v["version_tag"] or str(v["id"]) for v in versions if not (v["s3_path"] or "").strip()]
    if unlocated:
        gap(
            "artifact_location_missing",
            ("1(c)",),
            "versions",
            "Artifact location",
            f"{len(unlocated)} of {len(versions)} versions have no artifact location: {_sample(unlocated)}.",
        )
    if missing("data_sources"):
        gap(
            "data_sources_missing",
            ("2(d)",),
            "data_governance",
            "Data sources",
            "No training, validation or test data sources are recorded.",
        )
    if missing("oversight_plan"):
        gap(
            "oversight_plan_missing",
            ("2(e)", "3"),
            "human_oversight",
            "Human oversight plan",
            "No human oversight measures are recorded.",
        )

    latest = next((v for v in evaluated if v["is_latest"]), None)
    if versions and not any(v["metrics"] for v in evaluated):
        gap(
            "metrics_missing",
            ("2(g)", "3"),
            "evaluation",
            "Evaluation metrics",
            "No evaluation metric is recorded for any version.",
        )
    elif latest is not None and not latest["metrics"]:
        gap(
            "latest_version_unevaluated",
            ("2(g)", "3"),
            "evaluation",
            "Evaluation of the latest version",
            f"The latest version {latest['version_tag']} has no evaluation metrics.",
        )
    if risk_level in _ELEVATED_RISK and not any(m["category"] == "fairness" for m in (latest or {}).get("metrics", ())):
        gap(
            "fairness_metrics_missing",
            ("2(g)", "3"),
            "evaluation",
            "Fairness / bias metrics",
            "A high-risk system needs metrics on potentially discriminatory impacts; "
            + ("the latest version has none." if latest is not None else "no version has any."),
        )
    if risk_level in _ELEVATED_RISK and not rules:
        gap(
            "acceptance_thresholds_missing",
            ("4",),
            "evaluation",
            "Acceptance thresholds",
            "No policy defines thresholds against which the metrics are judged appropriate.",
        )
    unmeasured = sorted({c["metric_name"] for c in checks if c["result"] == "not_measured"})
    if unmeasured and latest is not None:
        gap(
            "policy_metrics_not_measured",
            ("2(g)", "4"),
            "evaluation",
            "Metrics required by policy",
            f"The latest version {latest['version_tag']} lacks metrics the policy requires: {_sample(unmeasured)}.",
        )
    if missing("risk_justification"):
        gap(
            "risk_justification_missing",
            ("5",),
            "risk_classification",
            "Risk classification justification",
            f"The {risk_level} risk classification has no recorded justification.",
        )
    if not records:
        gap(
            "audit_trail_empty",
            ("6",),
            "lifecycle",
            "Lifecycle records",
            "The audit trail holds no record of the system's changes.",
        )
    if chain["status"] == "unavailable":
        gap(
            "audit_trail_unverified",
            ("6",),
            "lifecycle",
            "Audit trail verification",
            "The integrity of the audit trail was not verified for this report.",
        )
    return gaps


def _findings(model: Mapping, evaluated: list[dict], checks: list[dict], chain: Mapping) -> list[dict]:
    findings: list[dict] = []

    def finding(severity: str, section: str, title: str, detail: str) -> None:
        findings.append({"severity": severity, "section": section, "title": title, "detail": detail})

    if model["risk_level"] == "unacceptable":
        finding(
            "critical",
            "risk_classification",
            "Prohibited practice",
            "The system is classified as unacceptable risk (Article 5) and may not be used in the Union.",
        )
    if chain["status"] == "broken":
        where = chain["first_break"]
        finding(
            "critical",
            "lifecycle",
            "Audit trail integrity broken",
            f"The hash chain does not verify (first break: {_compact(where)}).",
        )
    latest_tag = next((v["version_tag"] for v in evaluated if v["is_latest"]), None)
    for check in checks:
        if check["result"] == "fail":
            finding(
                "high",
                "evaluation",
                f"Threshold not met: {check['metric_name']}",
                f"Latest version {latest_tag}: {check['metric_name']} = {_fmt(check['value'])}, "
                f"required {check['op']} {_fmt(check['threshold'])}.",
            )
    earlier = [
        (v["version_tag"], m) for v in evaluated if not v["is_latest"] for m in v["metrics"] if m["result"] == "fail"
    ]
    if earlier:
        tags = sorted({tag or "" for tag, _ in earlier})
        finding(
            "medium",
            "evaluation",
            "Threshold failures on earlier versions",
            f"{len(earlier)} metric values on {len(tags)} earlier versions fail policy thresholds: {_sample(tags)}.",
        )
    approved, latest = model["approved_version"], model["latest_version"]
    if model["compliance_status"] == "approved" and approved and latest and approved["id"] != latest["id"]:
        finding(
            "info",
            "versions",
            "Latest version not the approved one",
            f"Version {latest['version_tag']} was registered after approval; "
            f"the approved version is {approved['version_tag'] or approved['id']}.",
        )
    findings.sort(key=lambda f: _SEVERITY_ORDER[f["severity"]])
    return findings


def _checklist(gaps: list[dict]) -> list[dict]:
    gap_points: dict[str, list[str]] = {point: [] for point, _, _ in ANNEX_IV_POINTS}
    for gap in gaps:
        for point in gap["annex_iv"]:
            gap_points.setdefault(point, []).append(gap["id"])
    return [
        {
            "point": point,
            "requirement": requirement,
            "section": section,
            "status": "outside_registry" if section is None else ("gap" if gap_points[point] else "documented"),
            "gaps": gap_points[point],
        }
        for point, requirement, section in ANNEX_IV_POINTS
    ]


# --- value normalisation --------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A string safe to encode as UTF-8 (lone surrogates replaced), or None."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return _LONE_SURROGATE.sub("\ufffd", text)


def _number(value: Any) -> int | float | str | None:
    """A JSON number; non-finite values become their text ("nan", "inf") so the JSON stays valid."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() and value.is_finite() else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, int | float):
        return value
    try:
        parsed = float(value)
    except (TypeError, ValueError):
        return _text(value)
    return parsed if math.isfinite(parsed) else str(parsed)


def _plain(value: Any) -> Any:
    """Any input value as plain, canonical-JSON-safe data."""
    if value is None or isinstance(value, bool | int | str):
        return _text(value) if isinstance(value, str) else value
    if isinstance(value, float | Decimal):
        return _number(value)
    if isinstance(value, datetime | date):
        return _iso(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=str)
    return _text(value)


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return _text(value)


def _id_key(value: Any) -> Any:
    """Version ids as ints whether they arrive as 7, "7" or Decimal("7") (JSON keys, DynamoDB numbers)."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _metric_key(name: str) -> str:
    return name.strip().lower()


def _sort_int(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int) else (1, str(value))


def _sample(items: list[str], limit: int = 10) -> str:
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return "—" if value is None else str(value)


def _compact(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, Mapping):
        if "sequence" in value:  # govhub.audit.chain: {"sequence", "problem", "detail"}
            rest = ", ".join(str(value[k]) for k in ("problem", "detail") if value.get(k))
            return f"record {value['sequence']}" + (f": {rest}" if rest else "")
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)
