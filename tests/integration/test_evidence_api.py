"""Evidence documents: announced, uploaded through the presigned PUT, verified by the hub, signed off by a second person,
withdrawn; the expiry sweep and the needs-attention list read the due-date index."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from local_stack.functions import FunctionHost
from local_stack.template import Template
from tests.integration.conftest import OWNER_TEAM, Api

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% risk management procedure, issue 3\n%%EOF\n"


def announce(api: Api, model_id: int, data: bytes = PDF, **more: Any) -> Any:
    body = {"title": "Risk management procedure", "kind": "risk_management_procedure", "covers": ["art-9"],
            "content_type": "application/pdf", "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), **more}
    return api.post(f"/api/v1/models/{model_id}/evidence", body, role="model_owner")


def upload(ticket: dict[str, Any], data: bytes = PDF) -> int:
    answer = requests.put(ticket["upload"]["url"], data=data, headers=ticket["upload"]["headers"], timeout=10)
    return answer.status_code


def uploaded(api: Api, model_id: int, data: bytes = PDF, **more: Any) -> dict[str, Any]:
    """An item uploaded and verified by its uploader (omar.owner)."""
    ticket = announce(api, model_id, data, **more).body
    assert upload(ticket, data) == 200
    done = api.post(ticket["complete_url"], None, role="model_owner")
    assert done.status == 200, done.body
    return done.body


def test_a_document_goes_through_the_presigned_put_and_is_verified(api: Api, model: dict[str, Any]) -> None:
    ticket = announce(api, model["id"])
    assert ticket.status == 201, ticket.body
    assert ticket.body["evidence"]["status"] == "pending_upload"
    url = ticket.body["upload"]["url"]
    assert "x-amz-checksum-sha256" in url and "X-Amz-Expires=900" in url  # S3 checks the body against the signed checksum

    assert upload(ticket.body) == 200
    done = api.post(ticket.body["complete_url"], None, role="model_owner")

    assert done.status == 200, done.body
    assert done.body["status"] == "awaiting_signoff"
    assert done.body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert done.body["object_version"]  # the verified version, which downloads pin
    assert done.body["team"] == OWNER_TEAM and done.body["uploaded_by"] == "omar.owner"
    download = api.get(f"/api/v1/models/{model['id']}/evidence/{done.body['evidence_id']}/download", role="auditor")
    assert download.status == 200
    assert requests.get(download.body["url"], timeout=10).content == PDF


def test_a_body_with_another_checksum_is_refused_and_not_recorded(api: Api, model: dict[str, Any]) -> None:
    ticket = announce(api, model["id"]).body
    upload(ticket, PDF.replace(b"issue 3", b"issue 4"))  # same size, other bytes (moto takes it; S3 would refuse it)

    done = api.post(ticket["complete_url"], None, role="model_owner")

    assert done.status == 422
    assert done.body["error"]["code"] == "evidence_rejected"
    assert done.body["error"]["details"][0]["type"] == "checksum_mismatch"
    item = api.get(f"/api/v1/models/{model['id']}/evidence/{ticket['evidence']['evidence_id']}").body
    assert item["status"] == "pending_upload"


def test_completing_before_any_upload_or_with_the_wrong_type_is_refused(api: Api, model: dict[str, Any]) -> None:
    ticket = announce(api, model["id"]).body
    early = api.post(ticket["complete_url"], None, role="model_owner")
    assert early.status == 422 and early.body["error"]["details"][0]["type"] == "not_uploaded"

    text = b"not a pdf at all, just some text here"
    fake = announce(api, model["id"], text).body
    upload(fake, text)
    wrong = api.post(fake["complete_url"], None, role="model_owner")
    assert wrong.status == 422 and wrong.body["error"]["details"][0]["type"] == "type_mismatch"


def test_announcements_are_validated(api: Api, model: dict[str, Any]) -> None:
    assert announce(api, model["id"], content_type="application/x-msdownload").status == 422
    assert announce(api, model["id"], size=30 * 1024 * 1024).status == 422
    assert announce(api, model["id"], sha256="abc").status == 422
    assert announce(api, model["id"], valid_from="2027-01-01T00:00:00Z", valid_until="2026-01-01T00:00:00Z").status == 422
    assert announce(api, 9999).status == 404


def test_an_announcement_s_dates_are_iso_8601_text_and_one_without_a_zone_is_utc(api: Api, model: dict[str, Any]) -> None:
    as_number = announce(api, model["id"], valid_until=1_814_400_000)
    without_zone = announce(api, model["id"], valid_until="2027-06-30T00:00:00")

    assert as_number.status == 422
    assert [d["field"] for d in as_number.body["error"]["details"]] == ["valid_until"]
    assert "ISO 8601" in as_number.body["error"]["details"][0]["message"]
    assert without_zone.status == 201, without_zone.body
    assert datetime.fromisoformat(without_zone.body["evidence"]["valid_until"]) == datetime(2027, 6, 30, tzinfo=UTC)


def test_sign_off_must_come_from_someone_other_than_the_uploader(api: Api, model: dict[str, Any]) -> None:
    item = uploaded(api, model["id"])
    path = f"/api/v1/models/{model['id']}/evidence/{item['evidence_id']}"

    own = api.post(f"{path}/signoff", {"reason": "Looks right"}, role="model_owner")
    assert own.status == 422
    assert own.body["error"]["details"][0]["type"] == "signoff_not_independent"
    assert "second person" in own.body["error"]["message"]

    stale = api.post(f"{path}/signoff", {"reason": "Checked", "expected_revision": 1}, role="admin", user="ada.admin")
    assert stale.status == 409

    signed = api.post(f"{path}/signoff", {"reason": "Checked against the QMS", "expected_revision": item["revision"]},
                      role="model_owner", user="olga.owner")
    assert signed.status == 200, signed.body
    assert signed.body["status"] == "signed_off" and signed.body["current"] is True
    assert signed.body["signoff"]["by"] == "olga.owner"

    again = api.post(f"{path}/signoff", {"reason": "again"}, role="admin")
    assert again.status == 409 and again.body["error"]["code"] == "evidence_state"


def test_other_teams_and_auditors_cannot_change_evidence(api: Api, model: dict[str, Any]) -> None:
    other = announce(api, model["id"])
    assert other.status == 201
    stranger = api.post(f"/api/v1/models/{model['id']}/evidence", {}, role="model_owner", teams="team-other")
    assert stranger.status in (403, 422)
    body = {"title": "x", "kind": "other", "content_type": "application/pdf", "size": 10, "sha256": "0" * 64}
    refused = api.post(f"/api/v1/models/{model['id']}/evidence", body, role="model_owner", teams="other")
    assert refused.status == 403 and OWNER_TEAM in refused.body["error"]["message"]
    assert api.post(f"/api/v1/models/{model['id']}/evidence", body, role="auditor").status == 403


def test_withdrawal_keeps_the_object_and_a_revision_supersedes_when_signed_off(api: Api, model: dict[str, Any]) -> None:
    first = uploaded(api, model["id"])
    base = f"/api/v1/models/{model['id']}/evidence"
    api.post(f"{base}/{first['evidence_id']}/signoff", {"reason": "ok"}, role="admin")
    newer_bytes = PDF.replace(b"issue 3", b"issue 4")
    second = uploaded(api, model["id"], newer_bytes, supersedes=first["evidence_id"], title="Risk management procedure, issue 4")
    signed = api.post(f"{base}/{second['evidence_id']}/signoff", {"reason": "ok"}, role="admin")
    assert signed.status == 200
    assert api.get(f"{base}/{first['evidence_id']}").body["status"] == "superseded"

    withdrawn = api.post(f"{base}/{second['evidence_id']}/withdraw", {"reason": "Procedure retired"}, role="model_owner")
    assert withdrawn.status == 200 and withdrawn.body["status"] == "withdrawn"
    assert withdrawn.body["change_reason"] == "Procedure retired"
    still = api.get(f"{base}/{second['evidence_id']}/download", role="auditor").body
    assert requests.get(still["url"], timeout=10).content == newer_bytes
    assert api.post(f"{base}/{second['evidence_id']}/withdraw", {"reason": "again"}, role="admin").status == 409


def test_the_list_filters_through_indexes(api: Api, model: dict[str, Any]) -> None:
    uploaded(api, model["id"])
    report = b"%PDF-1.4\n test report \n%%EOF"
    uploaded(api, model["id"], report, title="Robustness test report", kind="test_report", covers=["art-15"])
    base = f"/api/v1/models/{model['id']}/evidence"

    assert [e["title"] for e in api.get(base, query="kind=test_report").body["items"]] == ["Robustness test report"]
    assert [e["kind"] for e in api.get(base, query="covers=art-9").body["items"]] == ["risk_management_procedure"]
    assert len(api.get(base, query="status=awaiting_signoff").body["items"]) == 2
    first = api.get(base, query="limit=1").body
    second = api.get(base, query=f"limit=1&cursor={first['next_cursor']}").body
    assert {first["items"][0]["title"], second["items"][0]["title"]} == {"Risk management procedure", "Robustness test report"}
    assert api.get(base, query="kind=test_report&covers=art-9").status == 422


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    from botocore.client import BaseClient

    made: list[str] = []
    original = BaseClient._make_api_call

    def recording(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        made.append(operation_name)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    yield made


def test_expiring_evidence_is_listed_and_swept_through_the_due_index(api: Api, model: dict[str, Any], calls: list[str]) -> None:
    from govhub.evidence.sweep import sweep_evidence

    now = datetime.now(UTC)
    soon = uploaded(api, model["id"], valid_until=(now + timedelta(days=10)).isoformat())
    later_bytes = PDF + b"% later\n"
    uploaded(api, model["id"], later_bytes, valid_until=(now + timedelta(days=200)).isoformat(), title="Later")
    base = f"/api/v1/models/{model['id']}/evidence"
    api.post(f"{base}/{soon['evidence_id']}/signoff", {"reason": "ok"}, role="admin")

    attention = api.get("/api/v1/evidence/attention", role="auditor").body["items"]
    assert [(e["evidence_id"], e["expiry"]) for e in attention] == [(soon["evidence_id"], "expiring")]

    calls.clear()
    counts = sweep_evidence(now)
    assert counts["evidence_expiring"] == 1 and counts["evidence_due"] == 1
    assert "Scan" not in calls and "Query" in calls
    assert api.get(f"{base}/{soon['evidence_id']}").body["updated_by"] == "system:sweeper"
    assert sweep_evidence(now)["evidence_expiring"] == 0  # once per stage

    expired = sweep_evidence(now + timedelta(days=11))
    assert expired["evidence_expired"] == 1
    item = api.get(f"{base}/{soon['evidence_id']}").body
    assert item["expiry_notice"] == "expired" and item["change_reason"].startswith("Evidence expired on")


def obligation(api: Api, model_id: int, obligation_id: str) -> dict[str, Any]:
    items = api.get(f"/api/v1/models/{model_id}/obligations", role="auditor").body["items"]
    return next(i for i in items if i["id"] == obligation_id)


def test_a_signed_off_document_makes_its_obligation_evidenced_and_is_named_with_its_hash(api: Api, model: dict[str, Any]) -> None:
    # Given a high-risk model that is not classified: its risk management (Art. 9) is not evidenced (open, or not in force yet)
    before = obligation(api, model["id"], "art-9")["status"]
    assert before in ("open", "not_in_force")
    item = uploaded(api, model["id"], covers=["art9"])  # the CLI's short form
    base = f"/api/v1/models/{model['id']}/evidence/{item['evidence_id']}"
    assert item["covers"] == ["art-9"]
    assert obligation(api, model["id"], "art-9")["status"] == before  # verified but not signed off yet

    api.post(f"{base}/signoff", {"reason": "Matches the QMS procedure"}, role="admin")

    art9 = obligation(api, model["id"], "art-9")
    assert art9["status"] == "evidenced"
    [document] = [c for c in art9["covered_by"] if c["source"] == "evidence"]
    assert document["ref"] == item["evidence_id"]
    assert "Risk management procedure" in document["detail"] and hashlib.sha256(PDF).hexdigest() in document["detail"]

    api.post(f"{base}/withdraw", {"reason": "Wrong model"}, role="admin")
    assert obligation(api, model["id"], "art-9")["status"] == before


def test_an_act_towards_authorities_is_evidenced_only_by_a_document_that_names_it(api: Api, model: dict[str, Any]) -> None:
    declaration = b"%PDF-1.7\n EU declaration of conformity \n%%EOF"
    other = uploaded(api, model["id"], title="Instructions for use", kind="instructions_for_use", covers=["art-13"])
    api.post(f"/api/v1/models/{model['id']}/evidence/{other['evidence_id']}/signoff", {"reason": "ok"}, role="admin")
    assert obligation(api, model["id"], "art-47")["status"] in ("open", "not_in_force")

    signed = uploaded(api, model["id"], declaration, title="EU declaration of conformity", kind="declaration_of_conformity",
                      covers=["art-47"])
    api.post(f"/api/v1/models/{model['id']}/evidence/{signed['evidence_id']}/signoff", {"reason": "signed copy"}, role="admin")

    assert obligation(api, model["id"], "art-47")["status"] == "evidenced"
    assert obligation(api, model["id"], "art-49")["status"] in ("open", "not_in_force")


def test_an_expired_document_no_longer_evidences(api: Api, model: dict[str, Any]) -> None:
    now = datetime.now(UTC)
    item = uploaded(api, model["id"], valid_from=(now - timedelta(days=400)).isoformat(), valid_until=(now - timedelta(days=1)).isoformat())
    api.post(f"/api/v1/models/{model['id']}/evidence/{item['evidence_id']}/signoff", {"reason": "ok"}, role="admin")
    assert obligation(api, model["id"], "art-9")["status"] != "evidenced"
    attention = api.get("/api/v1/evidence/attention").body["items"]
    assert [(e["evidence_id"], e["expiry"]) for e in attention] == [(item["evidence_id"], "expired")]


def test_evidence_and_framework_routes_never_scan(api: Api, model: dict[str, Any], calls: list[str]) -> None:
    item = uploaded(api, model["id"], valid_until=(datetime.now(UTC) + timedelta(days=5)).isoformat())
    base = f"/api/v1/models/{model['id']}/evidence"
    api.post(f"{base}/{item['evidence_id']}/signoff", {"reason": "ok"}, role="admin")
    for query in ("", "kind=risk_management_procedure", "status=signed_off", "covers=art-9"):
        assert api.get(base, query=query).status == 200
    assert api.get(f"{base}/{item['evidence_id']}/download").status == 200
    assert api.get("/api/v1/evidence/attention").status == 200
    for framework in ("eu-ai-act", "iso42001", "nist-ai-rmf"):
        assert api.get(f"/api/v1/frameworks/{framework}/coverage", query=f"model_id={model['id']}").status == 200
    assert api.get("/api/v1/frameworks/iso42001/statement-of-applicability").status == 200
    api.post(f"{base}/{item['evidence_id']}/withdraw", {"reason": "done"}, role="admin")
    assert "Query" in calls and "Scan" not in calls


# -- what an approval relied on --------------------------------------------------------------------------------
def approved_relying_on(api: Api, name: str = "evidence-pinned", **evidence: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A model approved (by ada.admin) with one signed-off document (uploaded by its owner, signed off by a colleague),
    which its sealed snapshot pins. Answers the model as approved and the document."""
    from tests.integration.test_approvals import _ready_for_approval, _status

    model = _ready_for_approval(api, name=name)
    item = uploaded(api, model["id"], **evidence)
    signed = api.post(f"/api/v1/models/{model['id']}/evidence/{item['evidence_id']}/signoff", {"reason": "Checked against the QMS"},
                      role="model_owner", user="olga.owner")
    assert signed.status == 200, signed.body
    approved = _status(api, model["id"], "approved", reason="Annex IV file complete")
    assert approved.status == 200, approved.body
    pinned = api.get(f"/api/v1/models/{model['id']}/approval", role="auditor").body["sealed"]["snapshot"]["evidence"]
    assert [(e["evidence_id"], e["sha256"]) for e in pinned] == [(item["evidence_id"], item["sha256"])]
    return approved.body, signed.body


class Announcements:
    """The notifier run on the table's stream, its events read from a queue on the governance bus."""

    def __init__(self, aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]) -> None:
        from tests.integration.test_notifier import Inbox, Notifier

        self.inbox, self.notifier = Inbox(aws["EventBus"]), Notifier(aws, template, functions)

    def status_changes(self) -> list[dict[str, Any]]:
        assert self.notifier.run() == []
        return [e for e in self.inbox.events() if e["detail-type"] == "Compliance Status Changed"]


@pytest.fixture
def announcements(aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]) -> Announcements:
    return Announcements(aws, template, functions)


def test_withdrawing_a_document_the_approval_pinned_reopens_review_and_says_why(
    api: Api, announcements: Announcements, aws: dict[str, str], template: Template, functions: dict[str, FunctionHost]
) -> None:
    from tests.integration.test_audit_trail import AuditPipeline
    from tests.integration.test_notifier import _valid

    # Given an approved model whose sealed snapshot pins its risk management procedure
    model, item = approved_relying_on(api)
    sha = model["approval"]["snapshot_sha256"]
    announcements.status_changes()  # submitted, approved: not what this test is about
    eid = item["evidence_id"]
    # When its owner withdraws the procedure
    withdrawn = api.post(f"/api/v1/models/{model['id']}/evidence/{eid}/withdraw",
                         {"reason": "Replaced by the group procedure", "expected_revision": item["revision"]}, role="model_owner")
    # Then the document is withdrawn and the model is back under review, saying which document and why
    assert withdrawn.status == 200, withdrawn.body
    assert withdrawn.body["status"] == "withdrawn" and withdrawn.body["change_reason"] == "Replaced by the group procedure"
    now = api.get(f"/api/v1/models/{model['id']}", role="auditor").body
    why = (f"approval invalidated: evidence:{eid} changed (evidence 'Risk management procedure' (risk_management_procedure, {eid}) "
           "withdrawn: Replaced by the group procedure)")
    assert (now["compliance_status"], now["last_change_reason"], now["updated_by"]) == ("under_review", why, "omar.owner")
    assert now["approval"]["invalidated"]["fields"] == [f"evidence:{eid}"] and now["approval"]["invalidated"]["snapshot_sha256"] == sha
    assert api.get(f"/api/v1/models/{model['id']}/approval", role="auditor").body["in_force"] is False
    assert api.get("/api/v1/dashboard/stats", role="auditor").body["by_status"]["approved"] == 0
    # And the status event carries the cause, and the model's audit trail the reason
    [event] = announcements.status_changes()
    assert (event["detail"]["previous_status"], event["detail"]["status"], event["detail"]["reason"]) == ("approved", "under_review", why)
    assert event["detail"]["approval_invalidated"] == {"fields": [f"evidence:{eid}"], "snapshot_sha256": sha}
    _valid(event)
    AuditPipeline(aws, template, functions).flush()
    [latest, *_] = api.get(f"/api/v1/models/{model['id']}/audit-logs", query="action=status_change", role="auditor").body["items"]
    assert (latest["reason"], latest["actor"]["username"]) == (why, "omar.owner")


def test_withdrawing_a_document_the_approval_did_not_pin_leaves_it_in_force(api: Api) -> None:
    model, _ = approved_relying_on(api)
    later = uploaded(api, model["id"], PDF + b"% test report\n", title="Robustness test report", kind="test_report")
    path = f"/api/v1/models/{model['id']}/evidence/{later['evidence_id']}"
    assert api.post(f"{path}/signoff", {"reason": "ok"}, role="model_owner", user="olga.owner").status == 200

    withdrawn = api.post(f"{path}/withdraw", {"reason": "Wrong file"}, role="model_owner")

    assert withdrawn.status == 200 and withdrawn.body["status"] == "withdrawn"
    now = api.get(f"/api/v1/models/{model['id']}", role="auditor").body
    assert (now["compliance_status"], now["revision"]) == ("approved", model["revision"])
    assert api.get(f"/api/v1/models/{model['id']}/approval", role="auditor").body["in_force"] is True


def test_a_policy_that_refuses_changes_to_approved_models_refuses_withdrawing_what_it_pinned(api: Api) -> None:
    from tests.integration.test_approvals import _use_policy

    document = api.get("/api/v1/policies/active", role="auditor").body["document"]
    _use_policy(api, {**document, "approved_changes": "refuse"})
    model, item = approved_relying_on(api)
    path = f"/api/v1/models/{model['id']}/evidence/{item['evidence_id']}"

    refused = api.post(f"{path}/withdraw", {"reason": "Replaced"}, role="model_owner")

    assert refused.status == 409 and refused.body["error"]["code"] == "approval_locked"
    assert f"evidence:{item['evidence_id']}" in refused.body["error"]["message"]
    assert api.get(path, role="auditor").body["status"] == "signed_off"
    now = api.get(f"/api/v1/models/{model['id']}", role="auditor").body
    assert (now["compliance_status"], now["revision"]) == ("approved", model["revision"])


def test_the_sweep_reopens_review_once_when_a_pinned_document_expires(api: Api, announcements: Announcements, calls: list[str]) -> None:
    from govhub.evidence.sweep import sweep_evidence

    now = datetime.now(UTC)
    until = now + timedelta(days=10)
    model, item = approved_relying_on(api, valid_until=until.isoformat())
    announcements.status_changes()
    eid = item["evidence_id"]
    # When the daily sweep runs after the document's end of validity, then again
    calls.clear()
    first = sweep_evidence(now + timedelta(days=11))
    reopened = api.get(f"/api/v1/models/{model['id']}", role="auditor").body
    second = sweep_evidence(now + timedelta(days=11))
    # Then the first run reopened the review, naming the document, its kind and its expiry date; the second changed nothing
    assert (first["evidence_expired"], first["evidence_reopened"]) == (1, 1)
    assert (second["evidence_expired"], second["evidence_reopened"]) == (0, 0)
    why = f"approval invalidated: evidence 'Risk management procedure' (risk_management_procedure, {eid}) expired on {until.date().isoformat()}"
    assert (reopened["compliance_status"], reopened["last_change_reason"], reopened["updated_by"]) == ("under_review", why, "system:sweeper")
    assert reopened["approval"]["invalidated"]["fields"] == [f"evidence:{eid}"]
    assert api.get(f"/api/v1/models/{model['id']}", role="auditor").body["revision"] == reopened["revision"]
    assert "Scan" not in calls
    [event] = announcements.status_changes()
    assert event["detail"]["approval_invalidated"]["fields"] == [f"evidence:{eid}"]
    assert event["detail"]["actor"]["username"] == "system:sweeper" and event["detail"]["reason"] == why


def test_a_pinned_document_that_merely_expires_soon_reopens_nothing(api: Api) -> None:
    from govhub.evidence.sweep import sweep_evidence

    now = datetime.now(UTC)
    model, item = approved_relying_on(api, valid_until=(now + timedelta(days=10)).isoformat())

    counts = sweep_evidence(now)

    assert (counts["evidence_expiring"], counts["evidence_reopened"]) == (1, 0)
    assert api.get(f"/api/v1/models/{model['id']}/evidence/{item['evidence_id']}", role="auditor").body["expiry_notice"] == "expiring"
    current = api.get(f"/api/v1/models/{model['id']}", role="auditor").body
    assert (current["compliance_status"], current["revision"]) == ("approved", model["revision"])
