"""Evidence in the audit chain, the compliance report and the offline audit bundle."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from govhub_cli.bundle import verify_bundle
from local_stack.functions import FunctionHost
from tests.integration.conftest import Api
from tests.integration.test_audit_trail import AuditPipeline, _export, _unpack, pipeline  # noqa: F401 - the pipeline fixture
from tests.integration.test_evidence_api import PDF, uploaded


def signed(api: Api, model_id: int) -> dict[str, Any]:
    item = uploaded(api, model_id, valid_until="2030-01-01T00:00:00+00:00")
    answer = api.post(f"/api/v1/models/{model_id}/evidence/{item['evidence_id']}/signoff", {"reason": "Checked the procedure"},
                      role="admin")
    assert answer.status == 200, answer.body
    return answer.body


def test_evidence_changes_are_in_the_models_chain_and_its_bundle_lets_an_auditor_check_each_document(
    api: Api, model: dict[str, Any], pipeline: AuditPipeline, functions: dict[str, FunctionHost], tmp_path: Path  # noqa: F811
) -> None:
    # Given a signed-off document
    item = signed(api, model["id"])
    pipeline.flush()
    # Then its announcement, verification and sign-off are audit records of the model, with who and why
    records = api.get(f"/api/v1/models/{model['id']}/audit-logs", query="entity=evidence", role="auditor").body["items"]
    assert len(records) == 3
    assert {r["actor"]["username"] for r in records} == {"omar.owner", "ada.admin"}
    assert any(r["reason"] == "Checked the procedure" for r in records)
    # When an auditor exports the trail and checks the downloaded document offline
    status, _, archive = _export(functions, model["id"], "application/zip")
    assert status == 200
    folder = _unpack(archive, tmp_path / "bundle")
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "procedure.pdf").write_bytes(PDF)
    result = verify_bundle(folder, evidence_dir=documents)
    # Then the bundle is intact and the document matches its SHA-256 in the evidence manifest
    assert result["intact"] is True, result["problems"]
    assert result["evidence"]["checked"] == [{"file": "procedure.pdf", "evidence_id": item["evidence_id"],
                                              "title": "Risk management procedure", "sha256": hashlib.sha256(PDF).hexdigest()}]


def test_the_report_has_an_evidence_index_and_the_framework_coverage(api: Api, model: dict[str, Any]) -> None:
    item = signed(api, model["id"])
    content = api.get(f"/api/v1/reports/{model['id']}/compliance-report.json", role="auditor").body
    section = next(s for s in content["sections"] if s["id"] == "evidence")
    [document] = section["data"]["documents"]
    assert (document["title"], document["kind"], document["covers"], document["sha256"]) == (
        "Risk management procedure", "risk_management_procedure", ["art-9"], item["sha256"])
    assert document["valid_until"].startswith("2030-01-01") and document["current"] is True
    frameworks = {f["framework"]: f["summary"] for f in section["data"]["frameworks"]}
    assert set(frameworks) == {"eu-ai-act", "iso42001", "nist-ai-rmf"}
    assert frameworks["iso42001"]["covered"] + frameworks["iso42001"]["partial"] >= 1


def test_an_approval_seals_the_current_evidence_documents_by_their_hash(api: Api) -> None:
    from tests.integration.test_approvals import _ready_for_approval, _status

    # Given a model under review with a signed-off document and one its owner withdrew (whoever withdraws a current
    # document under review changed what would be approved, so may not approve it: here not the approving admin)
    model = _ready_for_approval(api, name="evidence-sealed")
    kept = signed(api, model["id"])
    gone = signed(api, model["id"])
    api.post(f"/api/v1/models/{model['id']}/evidence/{gone['evidence_id']}/withdraw", {"reason": "duplicate"}, role="model_owner")
    # When it is approved
    assert _status(api, model["id"], "approved", reason="Annex IV file complete").status == 200
    # Then the sealed snapshot pins the current document (and only it) by its SHA-256 and object version
    snapshot = api.get(f"/api/v1/models/{model['id']}/approval", role="auditor").body["sealed"]["snapshot"]
    assert [(e["evidence_id"], e["sha256"], e["signed_off_by"]) for e in snapshot["evidence"]] == [
        (kept["evidence_id"], kept["sha256"], "ada.admin")]
    assert snapshot["evidence"][0]["object_version"] == kept["object_version"]


def test_the_sweep_announces_expiring_and_expired_evidence_once_each(api: Api, model: dict[str, Any], aws: dict[str, str],
                                                                    template: Any, functions: dict[str, FunctionHost]) -> None:
    from datetime import UTC, datetime, timedelta

    from govhub.evidence.sweep import sweep_evidence
    from tests.integration.test_notifier import Inbox, Notifier, _valid

    inbox, notifier = Inbox(aws["EventBus"]), Notifier(aws, template, functions)
    now = datetime.now(UTC)
    item = uploaded(api, model["id"], valid_until=(now + timedelta(days=3)).isoformat())
    api.post(f"/api/v1/models/{model['id']}/evidence/{item['evidence_id']}/signoff", {"reason": "ok"}, role="admin")
    assert notifier.run() == [] and inbox.events() == []  # uploads and sign-offs are not events
    # When the daily sweep runs today, again today, and after the end of validity
    sweep_evidence(now)
    sweep_evidence(now)
    assert notifier.run() == []
    expiring = inbox.events()
    sweep_evidence(now + timedelta(days=4))
    assert notifier.run() == []
    expired = inbox.events()
    # Then one event each, naming the document, its hash and the model
    assert [e["detail-type"] for e in expiring] == ["Evidence Expiring"] and [e["detail-type"] for e in expired] == ["Evidence Expired"]
    assert expired[0]["detail"]["evidence"]["sha256"] == item["sha256"] and expired[0]["detail"]["model"]["id"] == model["id"]
    _valid(expiring[0])
    _valid(expired[0])
