"""What the notifier announces for a committed change, checked against the published JSON schemas (docs/events)."""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from audit_stream_fakes import image, model_item, stamp, version_item
from boto3.dynamodb.types import TypeDeserializer
from jsonschema import Draft202012Validator

from govhub.domain.entities import Stamp
from govhub.incidents.domain import Incident, Severity
from govhub.monitoring.domain import Finding, FindingStatus, ReviewSchedule, ReviewState

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = {
    "Compliance Status Changed": "compliance-status-changed.v1.schema.json",
    "Risk Level Changed": "risk-level-changed.v1.schema.json",
    "Model Version Registered": "model-version-registered.v1.schema.json",
    "Model Deleted": "model-deleted.v1.schema.json",
    "Evidence Expiring": "evidence-expiring.v1.schema.json",
    "Evidence Expired": "evidence-expired.v1.schema.json",
    "Dataset Flagged": "dataset-flagged.v1.schema.json",
    "Monitoring Finding Opened": "monitoring-finding-opened.v1.schema.json",
    "Monitoring Finding Resolved": "monitoring-finding-resolved.v1.schema.json",
    "Review Due": "review-due.v1.schema.json",
    "Review Overdue": "review-overdue.v1.schema.json",
    "Serious Incident Recorded": "serious-incident-recorded.v1.schema.json",
    "Incident Report Overdue": "incident-report-overdue.v1.schema.json",
}
_deserializer = TypeDeserializer()


def _load_notifications() -> ModuleType:
    spec = importlib.util.spec_from_file_location("govhub_notifier_notifications", ROOT / "functions" / "notifier" / "notifications.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


notifications = _load_notifications()


def _stream(item: dict | None) -> dict | None:
    return None if item is None else {k: _deserializer.deserialize(v) for k, v in image(item).items()}


def _events(event_name: str, new: dict | None, old: dict | None = None, models: dict | None = None) -> list[tuple[str, dict]]:
    return notifications.governance_events(event_name, "evt-42", _stream(old), _stream(new), (models or {}).get)


def _valid(detail_type: str, detail: dict) -> None:
    schema = json.loads((ROOT / "docs" / "events" / SCHEMAS[detail_type]).read_text())
    Draft202012Validator.check_schema(schema)
    errors = sorted(Draft202012Validator(schema).iter_errors(detail), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def test_an_approval_is_one_status_event_naming_the_approved_version_and_the_approver() -> None:
    before = model_item(7, compliance_status="under_review", latest_version_id=3, latest_version_tag="v1.2.0")
    after = model_item(7, "2026-11-26T09:00:00+00:00", by="ada.admin", role="admin", reason="Annex IV complete", revision=3,
                       compliance_status="approved", approved_version_id=3, approved_by="ada.admin",
                       latest_version_id=3, latest_version_tag="v1.2.0")
    events = _events("MODIFY", after, before)
    assert [t for t, _ in events] == ["Compliance Status Changed"]
    detail = events[0][1]
    assert detail["previous_status"] == "under_review" and detail["status"] == "approved"
    assert detail["approved_version"] == {"id": 3, "version_tag": "v1.2.0"}
    assert detail["actor"] == {"username": "ada.admin", "role": "admin"} and detail["reason"] == "Annex IV complete"
    assert detail["model"]["id"] == 7 and detail["model"]["compliance_status"] == "approved"
    assert detail["event_id"] == "evt-42" and detail["schema_version"] == "1.1"
    assert detail["summary"] == "model-7 (#7): under_review -> approved by ada.admin: Annex IV complete"
    _valid(*events[0])


def test_a_reclassification_is_one_risk_event_with_its_justification() -> None:
    after = model_item(7, revision=2, risk_level="unacceptable", risk_justification="social scoring", reason="social scoring")
    events = _events("MODIFY", after, model_item(7))
    assert [t for t, _ in events] == ["Risk Level Changed"]
    assert (events[0][1]["previous_risk_level"], events[0][1]["risk_level"]) == ("high", "unacceptable")
    assert events[0][1]["justification"] == "social scoring"
    _valid(*events[0])


def test_a_new_version_is_announced_with_its_model() -> None:
    models = {7: {"id": 7, "name": "fraud-detector", "owner": "ML", "domain": "finance", "risk_level": "high",
                  "compliance_status": "draft"}}
    events = _events("INSERT", {**version_item(3, 7, "v1.2.0"), "sha256": "a" * 64}, models=models)
    assert [t for t, _ in events] == ["Model Version Registered"]
    detail = events[0][1]
    assert detail["version"] == {"id": 3, "version_tag": "v1.2.0", "s3_path": "s3://models/v1.2.0", "sha256": "a" * 64}
    assert detail["model"]["name"] == "fraud-detector"
    _valid(*events[0])


def test_a_deleted_model_is_announced_with_its_last_state_and_who_deleted_it() -> None:
    snapshot = {"id": 7, "name": "fraud-detector", "owner": "ML", "domain": None, "risk_level": "high",
                "compliance_status": "retired"}
    tombstone = {"PK": "MODEL#7", "SK": "TOMBSTONE#x", "entity": "tombstone", "model_id": 7, "name": "fraud-detector",
                 "snapshot": json.dumps(snapshot), **stamp("ada.admin", "admin", "2026-12-01T10:00:00+00:00", "Superseded")}
    events = _events("INSERT", tombstone)
    assert [t for t, _ in events] == ["Model Deleted"]
    assert events[0][1]["model"]["compliance_status"] == "retired" and events[0][1]["reason"] == "Superseded"
    _valid(*events[0])


@pytest.mark.parametrize("event_name,new,old", [
    ("MODIFY", model_item(7, revision=2, description="edited"), model_item(7)),  # a profile edit
    ("MODIFY", model_item(7, latest_version_id=3, latest_version_tag="v1"), model_item(7)),  # the pointer
    ("INSERT", model_item(7), None),  # a registration
    ("REMOVE", None, version_item(3, 7, "v1")),  # a child removed with its model
])
def test_other_changes_announce_nothing(event_name: str, new: dict | None, old: dict | None) -> None:
    assert _events(event_name, new, old) == []


def test_the_put_events_entry_carries_source_detail_type_and_bus() -> None:
    (detail_type, detail), = _events("MODIFY", model_item(7, revision=2, risk_level="limited"), model_item(7))
    entry = notifications.entry(detail_type, detail, "govhub-governance")
    assert entry["Source"] == "govhub.registry" and entry["DetailType"] == "Risk Level Changed"
    assert entry["EventBusName"] == "govhub-governance" and json.loads(entry["Detail"]) == detail


def test_a_summary_cannot_ping_a_channel_mention_a_user_or_disguise_a_link() -> None:
    before = model_item(7, compliance_status="under_review")
    after = model_item(7, by="ada.admin", role="admin", revision=2, compliance_status="draft",
                       name="<!channel> <@U024BE7LH> <https://evil.example|bank.example> @everyone & co",
                       change_reason="see <https://evil.example|the ticket>")
    [(_, detail)] = _events("MODIFY", after, before)
    summary = detail["summary"]
    assert "<" not in summary
    assert "&lt;!channel&gt; &lt;@\u200bU024BE7LH&gt; &lt;https://evil.example|bank.example&gt;" in summary
    assert "@everyone" not in summary and "&amp; co" in summary
    assert detail["model"]["name"].startswith("<!channel>")  # the structured fields keep the data as it is
    _valid("Compliance Status Changed", detail)


def _evidence_item(notice: str | None, at: str = "2026-12-06T03:00:00+00:00") -> dict:
    return {"PK": "MODEL#7", "SK": "EVIDENCE#e1", "entity": "evidence", "model_id": 7, "evidence_id": "e1", "revision": 3,
            "title": "Instructions for use", "kind": "instructions_for_use", "covers": ["art-13"], "sha256": "ab" * 32,
            "valid_until": "2026-12-26T00:00:00+00:00", "status": "signed_off", "expiry_notice": notice,
            **stamp("system:sweeper", "system", at, "Evidence expires on 2026-12-26")}


def test_the_sweep_marking_a_document_expiring_or_expired_is_announced_once_per_stage() -> None:
    models = {7: {"id": 7, "name": "fraud-detector", "owner": "ML", "domain": "finance", "risk_level": "high",
                  "compliance_status": "approved"}}
    expiring = _events("MODIFY", _evidence_item("expiring"), _evidence_item(None), models=models)
    assert [t for t, _ in expiring] == ["Evidence Expiring"]
    detail = expiring[0][1]
    assert detail["evidence"] == {"id": "e1", "title": "Instructions for use", "kind": "instructions_for_use", "covers": ["art-13"],
                                  "valid_until": "2026-12-26T00:00:00+00:00", "sha256": "ab" * 32}
    assert detail["model"]["name"] == "fraud-detector" and "expires 2026-12-26" in detail["summary"]
    _valid(*expiring[0])
    expired = _events("MODIFY", _evidence_item("expired"), _evidence_item("expiring"), models=models)
    assert [t for t, _ in expired] == ["Evidence Expired"]
    _valid(*expired[0])
    # a change that leaves the stage as it was (a sign-off, a withdrawal) announces nothing
    assert _events("MODIFY", _evidence_item("expiring"), _evidence_item("expiring"), models=models) == []


def _dataset(flagged: bool, reason: str | None = None, revision: int = 1) -> dict:
    return {"PK": "DATASET#4", "SK": "META", "entity": "dataset", "model_id": 0, "dataset_id": 4, "name": "cards-train",
            "team": "payments-ml", "revision": revision, "flagged": flagged, "flag_reason": reason,
            **stamp("omar.owner", "model_owner", "2026-12-06T21:00:00+00:00", f"Dataset flagged: {reason}" if reason else "registered")}


def test_flagging_a_dataset_is_announced_once_with_its_reason() -> None:
    events = _events("MODIFY", _dataset(True, "labels leaked", 2), _dataset(False))
    assert [t for t, _ in events] == ["Dataset Flagged"]
    detail = events[0][1]
    assert detail["dataset"] == {"id": 4, "name": "cards-train", "team": "payments-ml"} and detail["reason"] == "labels leaked"
    assert detail["summary"] == "dataset cards-train (#4) flagged by omar.owner: labels leaked"
    _valid(*events[0])
    # a change of its datasheet, or clearing the flag, announces nothing
    assert _events("MODIFY", {**_dataset(False, revision=2), "licence": "internal"}, _dataset(False)) == []
    assert _events("MODIFY", _dataset(False, revision=3), _dataset(True, "labels leaked", 2)) == []


def test_every_detail_type_has_a_published_schema_listed_in_the_events_readme() -> None:
    readme = (ROOT / "docs" / "events" / "README.md").read_text()
    assert set(SCHEMAS) == set(notifications.DETAIL_TYPES)
    for detail_type, schema in SCHEMAS.items():
        Draft202012Validator.check_schema(json.loads((ROOT / "docs" / "events" / schema).read_text()))
        assert f"`{detail_type}`" in readme and f"({schema})" in readme, detail_type


# -- post-market monitoring and incidents: the images as the store writes them (govhub.store.monitoring, .incidents) ----
FRAUD = {7: {"id": 7, "name": "fraud-detector", "owner": "ML", "team": "ml", "domain": "finance", "risk_level": "high",
             "compliance_status": "approved"}}
T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def _stored(item: Any) -> dict[str, Any]:
    """A pynamodb item as the table holds it (and the stream carries it)."""
    return {k: _deserializer.deserialize(v) for k, v in item.serialize().items()}


def _finding(status: FindingStatus, value: float, at: datetime, reason: str, revision: int | None = None) -> dict[str, Any]:
    from govhub.store.monitoring import _finding_item

    breach = f"drift_score is {value:g}, above the planned maximum 0.2"
    finding = Finding(7, "drift_score", status, T0, breach if status is FindingStatus.OPEN else f"drift_score is {value:g}, within the planned bounds again",
                      value, at, "production", None, 0.2, 1, Stamp(T0, "omar.owner", at, "ci-pipeline", "model_owner", reason),
                      resolved_at=at if status is FindingStatus.RESOLVED else None, revision=revision)
    return _stored(_finding_item(finding))


def test_a_finding_opened_and_resolved_is_announced_with_who_sent_the_values_and_why() -> None:
    opened = _finding(FindingStatus.OPEN, 0.5, T0, "Finding opened: drift_score is 0.5, above the planned maximum 0.2")
    events = _events("INSERT", opened, models=FRAUD)
    assert [t for t, _ in events] == ["Monitoring Finding Opened"]
    detail = events[0][1]
    assert detail["finding"] == {"metric": "drift_score", "status": "open", "reason": "drift_score is 0.5, above the planned maximum 0.2",
                                 "value": 0.5, "min": None, "max": 0.2, "observed_at": T0.isoformat(), "environment": "production",
                                 "opened_at": T0.isoformat()}
    assert detail["actor"] == {"username": "ci-pipeline", "role": "model_owner"}
    assert detail["reason"] == "Finding opened: drift_score is 0.5, above the planned maximum 0.2"
    assert detail["model"] == FRAUD[7] and detail["event_id"] == "evt-42" and detail["schema_version"] == "1.1"
    assert detail["summary"] == ("fraud-detector (#7): monitoring finding on drift_score opened by ci-pipeline: "
                                 "Finding opened: drift_score is 0.5, above the planned maximum 0.2")
    _valid(*events[0])
    later = T0 + timedelta(days=1)
    resolved = _finding(FindingStatus.RESOLVED, 0.1, later, "Finding resolved: drift_score is 0.1, within the planned bounds again", 1)
    events = _events("MODIFY", resolved, opened, models=FRAUD)
    assert [t for t, _ in events] == ["Monitoring Finding Resolved"]
    assert events[0][1]["finding"]["status"] == "resolved" and events[0][1]["time"] == later.isoformat(timespec="microseconds")
    _valid(*events[0])
    # a metric that leaves its bounds again reopens its finding (the item written over the resolved one)
    reopened = _finding(FindingStatus.OPEN, 0.6, later + timedelta(days=1), "Finding opened: drift_score is 0.6, above the planned maximum 0.2", 2)
    assert [t for t, _ in _events("MODIFY", reopened, resolved, models=FRAUD)] == ["Monitoring Finding Opened"]


def test_an_update_of_an_open_finding_announces_nothing() -> None:
    opened = _finding(FindingStatus.OPEN, 0.5, T0, "Finding opened: drift_score is 0.5, above the planned maximum 0.2")
    updated = _finding(FindingStatus.OPEN, 0.7, T0 + timedelta(hours=1), "Finding updated: drift_score is 0.7, above the planned maximum 0.2", 1)
    assert _events("MODIFY", updated, opened, models=FRAUD) == []


def _schedule(state: ReviewState, stamp: Stamp | None, marked_at: datetime | None = None) -> dict[str, Any]:
    from govhub.store.monitoring import _schedule_item

    schedule = ReviewSchedule(7, datetime(2026, 12, 10, 9, 0, tzinfo=UTC), 90, state, last_review_at=datetime(2026, 9, 11, 9, 0, tzinfo=UTC),
                              marked_at=marked_at, stamp=stamp)
    return _stored(_schedule_item(schedule))


PLANNED = Stamp(T0 - timedelta(days=90), "omar.owner", T0 - timedelta(days=90), "omar.owner", "model_owner", "Periodic review: continue")


def _marked(at: datetime, reason: str) -> Stamp:
    return Stamp(PLANNED.created_at, PLANNED.created_by, at, "system:sweeper", "system", reason)


def test_the_sweep_marking_a_review_due_then_overdue_is_announced_once_each() -> None:
    scheduled = _schedule(ReviewState.SCHEDULED, PLANNED)
    due = _schedule(ReviewState.DUE, _marked(T0, "Periodic review due on 2026-12-10"), T0)
    events = _events("MODIFY", due, scheduled, models=FRAUD)
    assert [t for t, _ in events] == ["Review Due"]
    detail = events[0][1]
    assert (detail["due_at"], detail["state"], detail["cadence_days"]) == ("2026-12-10T09:00:00+00:00", "due", 90)
    assert detail["last_review_at"] == "2026-09-11T09:00:00+00:00"
    assert detail["actor"] == {"username": "system:sweeper", "role": "system"} and detail["reason"] == "Periodic review due on 2026-12-10"
    assert detail["summary"] == "fraud-detector (#7): periodic review due on 2026-12-10 by system:sweeper: Periodic review due on 2026-12-10"
    _valid(*events[0])
    later = T0 + timedelta(days=5)
    overdue = _schedule(ReviewState.OVERDUE, _marked(later, "Periodic review overdue since 2026-12-10"), later)
    events = _events("MODIFY", overdue, due, models=FRAUD)
    assert [t for t, _ in events] == ["Review Overdue"]
    assert events[0][1]["state"] == "overdue" and events[0][1]["time"] == later.isoformat(timespec="microseconds")
    _valid(*events[0])


def test_a_schedule_written_again_in_the_same_state_or_back_to_scheduled_announces_nothing() -> None:
    due = _schedule(ReviewState.DUE, _marked(T0, "Periodic review due on 2026-12-10"), T0)
    plan_rewritten = _schedule(ReviewState.DUE, Stamp(T0, "omar.owner", T0 + timedelta(hours=1), "omar.owner", "model_owner", "Monitoring plan changed"))
    assert _events("MODIFY", plan_rewritten, due, models=FRAUD) == []
    reviewed = _schedule(ReviewState.SCHEDULED, Stamp(T0, "omar.owner", T0, "omar.owner", "model_owner", "Periodic review: continue"))
    assert _events("MODIFY", reviewed, due, models=FRAUD) == []
    assert _events("INSERT", _schedule(ReviewState.SCHEDULED, PLANNED), models=FRAUD) == []


def test_the_review_of_a_deleted_model_is_not_announced() -> None:
    scheduled = _schedule(ReviewState.SCHEDULED, PLANNED)
    due = _schedule(ReviewState.DUE, _marked(T0, "Periodic review due on 2026-12-10"), T0)
    assert _events("MODIFY", due, scheduled, models={}) == []  # the model lookup finds nothing


def test_a_plan_written_with_its_review_already_due_is_announced_with_its_author() -> None:
    written = Stamp(T0, "omar.owner", T0, "omar.owner", "model_owner", "Monitoring plan written")
    events = _events("INSERT", _schedule(ReviewState.DUE, written), models=FRAUD)
    assert [t for t, _ in events] == ["Review Due"]
    assert events[0][1]["actor"] == {"username": "omar.owner", "role": "model_owner"}
    _valid(*events[0])


def _incident(severity: Severity = Severity.SERIOUS, *, overdue_marked_at: datetime | None = None, revision: int | None = None,
              stamp: Stamp | None = None) -> dict[str, Any]:
    from govhub.store.incidents import _item

    aware = T0 - timedelta(days=3)
    serious = severity is Severity.SERIOUS
    incident = Incident(
        id=12, model_id=7, title="Loan refused to every applicant of one postcode", description="Scores collapsed.",
        occurred_at=aware - timedelta(hours=5), aware_at=aware, severity=severity, kind="critical_infrastructure" if serious else None,
        deadline_at=aware + timedelta(days=2) if serious else None, deadline_days=2 if serious else None,
        deadline_article="Art. 73(3)" if serious else None, deadlines_version=0 if serious else None, team="ml",
        stamp=stamp or Stamp(T0 - timedelta(days=2), "omar.owner", T0 - timedelta(days=2), "omar.owner", "model_owner", "Incident recorded"),
        overdue_marked_at=overdue_marked_at, revision=revision,
    )
    return _stored(_item(incident))


def test_a_serious_incident_recorded_is_announced_with_its_art_73_deadline() -> None:
    events = _events("INSERT", _incident(), models=FRAUD)
    assert [t for t, _ in events] == ["Serious Incident Recorded"]
    detail = events[0][1]
    assert detail["incident"] == {"id": 12, "title": "Loan refused to every applicant of one postcode", "severity": "serious",
                                  "kind": "critical_infrastructure", "status": "open", "aware_at": "2026-12-03T09:00:00+00:00",
                                  "deadline_at": "2026-12-05T09:00:00+00:00", "deadline_article": "Art. 73(3)"}
    assert detail["actor"] == {"username": "omar.owner", "role": "model_owner"} and detail["reason"] == "Incident recorded"
    assert detail["summary"] == ("fraud-detector (#7): serious incident 12 'Loan refused to every applicant of one postcode' "
                                 "recorded, initial report due 2026-12-05 by omar.owner: Incident recorded")
    _valid(*events[0])


def test_the_sweep_flagging_an_overdue_report_is_announced_once() -> None:
    recorded = _incident(revision=1)
    why = "Art. 73 initial report overdue since 2026-12-05T09:00:00+00:00"
    flagged = _incident(overdue_marked_at=T0, revision=1, stamp=Stamp(T0 - timedelta(days=2), "omar.owner", T0, "sweeper", "system", why))
    events = _events("MODIFY", flagged, recorded, models=FRAUD)
    assert [t for t, _ in events] == ["Incident Report Overdue"]
    assert events[0][1]["actor"] == {"username": "sweeper", "role": "system"} and events[0][1]["reason"] == why
    _valid(*events[0])
    # a later change of the flagged incident (the provider notified) announces nothing
    noticed = _incident(overdue_marked_at=T0, revision=2, stamp=Stamp(T0 - timedelta(days=2), "omar.owner", T0, "omar.owner", "model_owner",
                                                                        "Provider Acme notified (Art. 26(5))"))
    assert _events("MODIFY", noticed, flagged, models=FRAUD) == []


def test_an_incident_that_is_not_serious_or_a_step_of_a_serious_one_announces_nothing() -> None:
    assert _events("INSERT", _incident(Severity.MINOR), models=FRAUD) == []
    stepped = _incident(revision=2, stamp=Stamp(T0 - timedelta(days=2), "omar.owner", T0, "omar.owner", "model_owner", "initial report sent (MSA-1)"))
    assert _events("MODIFY", stepped, _incident(revision=1), models=FRAUD) == []


def test_an_event_of_a_deleted_model_names_only_its_id() -> None:
    events = _events("INSERT", _incident())  # the model lookup finds nothing
    assert events[0][1]["model"] == {"id": 7, "name": None, "owner": None, "team": None, "domain": None, "risk_level": None,
                                     "compliance_status": None}
    _valid(*events[0])
