"""The evidence use cases over in-memory fakes: verification, independent sign-off, revisions, expiry, the checklist."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

import pytest
from evidence_fakes import Files, Store

from govhub.domain.entities import Actor, AIModel
from govhub.domain.lifecycle import ComplianceStatus
from govhub.errors import ForbiddenError, ValidationFailedError
from govhub.evidence.model import Evidence, EvidenceKind, EvidenceStatus
from govhub.evidence.service import EvidenceRejectedError, EvidenceService, EvidenceStateError, NewEvidence, normalize_ref
from govhub.evidence.sniff import matches, sniff

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n a procedure \n%%EOF"
OWNER = Actor("omar.owner", "model_owner", frozenset({"ml"}))
OTHER = Actor("olga.owner", "model_owner", frozenset({"ml"}))


class Models:
    """The registry's part the service uses: model 7 of team `ml`, in draft (no approval to ask about); the one ownership rule."""

    def get_model(self, model_id: int) -> AIModel:
        return cast(AIModel, SimpleNamespace(id=model_id, team="ml", compliance_status=ComplianceStatus.DRAFT))

    def ensure_may_change(self, model: AIModel, by: Actor) -> None:
        if model.team not in by.teams and by.role != "admin":
            raise ForbiddenError(f"Model {model.id} belongs to team '{model.team}'.")


@pytest.fixture
def world() -> tuple[EvidenceService, Store, Files]:
    store, files = Store(), Files()
    return EvidenceService(Models(), store, files, clock=lambda: NOW), store, files


def announce(service: EvidenceService, data: bytes = PDF, by: Actor = OWNER, **more: Any) -> Evidence:
    fields: dict[str, Any] = {"title": "Procedure", "kind": EvidenceKind.RISK_MANAGEMENT_PROCEDURE, "covers": ("art9",),
                              "content_type": "application/pdf", "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                              "valid_from": None, "valid_until": None, "supersedes": None, "reason": None}
    fields.update(more)
    return service.request_upload(7, NewEvidence(**fields), by).evidence


def verified(world: tuple[EvidenceService, Store, Files], data: bytes = PDF, **more: Any) -> Evidence:
    service, _, files = world
    item = announce(service, data, **more)
    files.objects[item.object_key] = data
    return service.complete(7, item.evidence_id, OWNER)


def test_covers_are_normalised_and_the_upload_url_is_for_a_new_key_per_item(world: tuple[EvidenceService, Store, Files]) -> None:
    service, _, _ = world
    first, second = announce(service), announce(service)
    assert first.covers == ("art-9",) and first.status is EvidenceStatus.PENDING_UPLOAD
    assert first.object_key != second.object_key and first.object_key.endswith(first.sha256)
    assert [normalize_ref(r) for r in ("Art. 49-3", "iso42001:A.5.2")] == ["art-49-3", "iso42001:A.5.2"]


def test_a_different_body_is_rejected_and_the_item_stays_pending(world: tuple[EvidenceService, Store, Files]) -> None:
    service, store, files = world
    item = announce(service)
    files.objects[item.object_key] = PDF.replace(b"a procedure", b"b procedure")
    with pytest.raises(EvidenceRejectedError) as refused:
        service.complete(7, item.evidence_id, OWNER)
    assert refused.value.details[0]["type"] == "checksum_mismatch"
    assert store.items[item.evidence_id].status is EvidenceStatus.PENDING_UPLOAD


def test_the_uploader_cannot_sign_off_in_any_spelling_and_another_person_can(world: tuple[EvidenceService, Store, Files]) -> None:
    service, _, _ = world
    item = verified(world)
    with pytest.raises(ValidationFailedError):
        service.sign_off(7, item.evidence_id, "ok", Actor("Omar.Owner ", "model_owner", frozenset({"ml"})), None)
    with pytest.raises(ForbiddenError):
        service.sign_off(7, item.evidence_id, "ok", Actor("x.other", "model_owner", frozenset({"fraud"})), None)
    signed = service.sign_off(7, item.evidence_id, "checked", OTHER, item.revision)
    assert signed.status is EvidenceStatus.SIGNED_OFF and signed.is_current(NOW)
    assert service.withdraw(7, item.evidence_id, "gone", OTHER, None).status is EvidenceStatus.WITHDRAWN
    with pytest.raises(EvidenceStateError):
        service.withdraw(7, item.evidence_id, "again", OTHER, None)


def test_a_signed_off_revision_supersedes_the_older_item(world: tuple[EvidenceService, Store, Files]) -> None:
    service, store, _ = world
    first = verified(world)
    service.sign_off(7, first.evidence_id, "ok", OTHER, None)
    second = verified(world, PDF + b"% v2", supersedes=first.evidence_id)
    service.sign_off(7, second.evidence_id, "ok", OTHER, None)
    assert store.items[first.evidence_id].status is EvidenceStatus.SUPERSEDED
    assert [e.evidence_id for e in service.current(7)] == [second.evidence_id]


def test_validity_decides_current_and_the_expiry_stage(world: tuple[EvidenceService, Store, Files]) -> None:
    service, _, _ = world
    item = verified(world, valid_until=NOW + timedelta(days=10))
    signed = service.sign_off(7, item.evidence_id, "ok", OTHER, None)
    assert signed.expiry_stage(NOW) == "expiring" and signed.is_current(NOW)
    assert signed.expiry_stage(NOW + timedelta(days=11)) == "expired" and not signed.is_current(NOW + timedelta(days=11))
    assert signed.expiry_stage(NOW - timedelta(days=30)) is None
    assert [e.evidence_id for e in service.attention(10).items] == [item.evidence_id]


@pytest.mark.parametrize(("content_type", "head", "ok"), [
    ("application/pdf", b"%PDF-1.4", True),
    ("application/pdf", b"MZ\x90\x00", False),
    ("image/png", b"\x89PNG\r\n\x1a\n....", True),
    ("text/csv", b"a,b\n1,2\n", True),
    ("text/plain", b"\x00\x01binary", False),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04rest", True),
    ("application/json", "caf\u00e9".encode()[:4], True),
])
def test_the_type_comes_from_the_first_bytes(content_type: str, head: bytes, ok: bool) -> None:
    assert matches(content_type, head) is ok, sniff(head)
