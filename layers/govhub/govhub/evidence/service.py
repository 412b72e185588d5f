"""Evidence use cases: hand out an upload URL, verify the uploaded object, sign off, withdraw, list, download.

The bytes never pass through the API: the caller PUTs them to S3 with a presigned URL whose signature includes the
declared size, type and SHA-256 (S3 refuses a body whose checksum differs), then asks the hub to complete the upload.
The hub reads the object back and checks size, type (from its first bytes) and SHA-256 itself, so a store that does not
enforce the checksum (the local emulator) cannot slip a different document in either.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from govhub.approvals.snapshot import pins_evidence
from govhub.domain.entities import Actor, AIModel, Page, Stamp
from govhub.domain.lifecycle import ComplianceStatus
from govhub.errors import GovhubError, NotFoundError, StaleWriteError, ValidationFailedError
from govhub.evidence.model import EXPIRING_WITHIN, Evidence, EvidenceKind, EvidenceSignoff, EvidenceStatus
from govhub.evidence.sniff import ALLOWED_CONTENT_TYPES, matches, sniff
from govhub.store.repository import ConditionFailedError

MAX_BYTES = 25 * 1024 * 1024
UPLOAD_URL_TTL = timedelta(minutes=15)
DOWNLOAD_URL_TTL = timedelta(minutes=5)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class EvidenceStateError(GovhubError):
    """The item is not in a state that allows the step (e.g. signing off what is not verified yet)."""

    status, code = 409, "evidence_state"


class EvidenceRejectedError(GovhubError):
    """The uploaded object is not the declared document (size, type or SHA-256 differ, or nothing was uploaded)."""

    status, code = 422, "evidence_rejected"


class EvidenceConflictError(Exception):
    """The store's condition failed: the item changed since it was read."""


class ModelAccess(Protocol):
    """The registry's part the evidence use cases need (govhub.services.registry.Registry)."""

    def get_model(self, model_id: int) -> AIModel: ...
    def ensure_may_change(self, model: AIModel, by: Actor) -> None: ...
    def approval_in_force(self, model: AIModel) -> dict[str, Any] | None: ...
    def change_governed_part(self, model_id: int, part: str, by: Actor, reason: str,
                             approved_changes: Callable[[], str] | None = None, also: Callable[[Any], None] | None = None) -> AIModel: ...
    def reopen_review(self, model_id: int, reason: str, cause: str, by: Actor) -> AIModel | None: ...


class EvidenceStore(Protocol):
    def get(self, model_id: int, evidence_id: str) -> Evidence | None: ...
    def create(self, evidence: Evidence) -> Evidence: ...
    def save(self, evidence: Evidence, also: Evidence | None = None) -> Evidence: ...
    def writer(self, evidence: Evidence) -> Callable[[Any], None]: ...
    def listing(self, model_id: int, limit: int, cursor: str | None, kind: str | None, status: str | None,
             covers: str | None) -> Page: ...
    def for_model(self, model_id: int) -> list[Evidence]: ...
    def due_by(self, until: datetime, limit: int, cursor: str | None) -> Page: ...


@dataclass(frozen=True)
class StoredObject:
    size: int
    version_id: str | None
    head: bytes
    chunks: Iterator[bytes]


class EvidenceFiles(Protocol):
    def upload_url(self, key: str, content_type: str, size: int, sha256_b64: str, ttl_seconds: int) -> str: ...
    def download_url(self, key: str, version_id: str | None, ttl_seconds: int, filename: str) -> str: ...
    def open(self, key: str) -> StoredObject | None: ...


@dataclass(frozen=True)
class UploadTicket:
    evidence: Evidence
    url: str
    method: str
    headers: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class NewEvidence:
    title: str
    kind: EvidenceKind
    covers: tuple[str, ...]
    content_type: str
    size: int
    sha256: str
    valid_from: datetime | None
    valid_until: datetime | None
    supersedes: str | None
    reason: str | None


def _problem(field: str, message: str, kind: str) -> list[dict[str, str]]:
    return [{"field": field, "message": message, "type": kind}]


def sha256_b64(hex_digest: str) -> str:
    import base64

    return base64.b64encode(bytes.fromhex(hex_digest)).decode()


_ARTICLE = re.compile(r"^art(?:icle)?[\s.-]*(\d+)((?:-\d+)*)$", re.IGNORECASE)


def normalize_ref(ref: str) -> str:
    """`art9`, `Art. 9`, `article-9` → `art-9` (the obligation ids of the checklist); anything else as it is."""
    match = _ARTICLE.match(ref.strip())
    return f"art-{match.group(1)}{match.group(2)}" if match else ref.strip()


def governed_part(evidence: Evidence) -> str:
    """How an approval's invalidation names the document (`approval.invalidated.fields`), as a dataset is `dataset:<id>`."""
    return f"evidence:{evidence.evidence_id}"


def describe(evidence: Evidence) -> str:
    return f"evidence '{evidence.title}' ({evidence.kind.value}, {evidence.evidence_id})"


def new_evidence_id(now: datetime) -> str:
    """Sorts by creation time, unique without a counter."""
    return f"{now.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(4)}"


class EvidenceService:
    def __init__(self, models: ModelAccess, store: EvidenceStore, files: EvidenceFiles,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC), max_bytes: int = MAX_BYTES) -> None:
        self._models = models
        self._store = store
        self._files = files
        self._clock = clock
        self._max_bytes = max_bytes

    # -- reading ------------------------------------------------------------------------------
    def get(self, model_id: int, evidence_id: str) -> Evidence:
        self._models.get_model(model_id)
        evidence = self._store.get(model_id, evidence_id)
        if evidence is None:
            raise NotFoundError(f"Model {model_id} has no evidence '{evidence_id}'.", {"model_id": model_id, "evidence_id": evidence_id})
        return evidence

    def listing(self, model_id: int, limit: int, cursor: str | None, kind: str | None = None, status: str | None = None,
             covers: str | None = None) -> Page:
        self._models.get_model(model_id)
        if sum(f is not None for f in (kind, status, covers)) > 1:
            raise ValidationFailedError("Filter by one of kind, status or covers at a time (each is its own index).",
                                        _problem("query", "more than one filter", "one_filter"))
        return self._store.listing(model_id, limit, cursor, kind, status, normalize_ref(covers) if covers else None)

    def current(self, model_id: int) -> list[Evidence]:
        """The model's items that evidence what they cover now (signed off, valid, not withdrawn or superseded)."""
        now = self._clock()
        return [e for e in self._store.for_model(model_id) if e.is_current(now)]

    def download(self, model_id: int, evidence_id: str) -> tuple[Evidence, str, datetime]:
        evidence = self.get(model_id, evidence_id)
        if evidence.status is EvidenceStatus.PENDING_UPLOAD:
            raise EvidenceStateError(f"Evidence '{evidence_id}' has not been uploaded and verified yet.", {"status": evidence.status.value})
        url = self._files.download_url(evidence.object_key, evidence.object_version, int(DOWNLOAD_URL_TTL.total_seconds()),
                                       _filename(evidence))
        return evidence, url, self._clock() + DOWNLOAD_URL_TTL

    def attention(self, limit: int, cursor: str | None = None) -> Page:
        """Items expired or expiring within 30 days, soonest first: one Query of the due-date index."""
        return self._store.due_by(self._clock() + EXPIRING_WITHIN, limit, cursor)

    # -- changing -----------------------------------------------------------------------------
    def request_upload(self, model_id: int, new: NewEvidence, by: Actor) -> UploadTicket:
        model = self._models.get_model(model_id)
        self._models.ensure_may_change(model, by)
        if model.compliance_status is ComplianceStatus.RETIRED:
            raise EvidenceStateError(f"Model {model_id} is retired; evidence can no longer be added.", {"model_id": model_id})
        self._check(new)
        new = replace(new, covers=tuple(dict.fromkeys(normalize_ref(ref) for ref in new.covers)))
        if new.supersedes is not None:
            older = self.get(model_id, new.supersedes)
            if older.status in (EvidenceStatus.WITHDRAWN, EvidenceStatus.SUPERSEDED):
                raise EvidenceStateError(f"Evidence '{older.evidence_id}' is {older.status.value}; a revision replaces a live item.",
                                         {"supersedes": older.evidence_id, "status": older.status.value})
        now = self._clock()
        evidence_id = new_evidence_id(now)
        evidence = Evidence(
            model_id=model_id, evidence_id=evidence_id, team=model.team, title=new.title, kind=new.kind, covers=new.covers,
            content_type=new.content_type, size=new.size, sha256=new.sha256,
            object_key=f"evidence/model={model_id}/{evidence_id}/{new.sha256}",
            status=EvidenceStatus.PENDING_UPLOAD, uploaded_by=by.username,
            stamp=Stamp(now, by.username, now, by.username, by.role, new.reason or f"Evidence '{new.title}' announced for upload",
                        by.claimed_context),
            valid_from=new.valid_from, valid_until=new.valid_until, supersedes=new.supersedes,
        )
        stored = self._store.create(evidence)
        ttl = int(UPLOAD_URL_TTL.total_seconds())
        url = self._files.upload_url(stored.object_key, new.content_type, new.size, sha256_b64(new.sha256), ttl)
        headers = {"Content-Type": new.content_type, "x-amz-checksum-sha256": sha256_b64(new.sha256), "x-amz-sdk-checksum-algorithm": "SHA256"}
        return UploadTicket(stored, url, "PUT", headers, now + UPLOAD_URL_TTL)

    def complete(self, model_id: int, evidence_id: str, by: Actor) -> Evidence:
        """Verify the uploaded object (size, type from its first bytes, SHA-256) and record the item as uploaded."""
        model = self._models.get_model(model_id)
        self._models.ensure_may_change(model, by)
        evidence = self.get(model_id, evidence_id)
        if evidence.status is not EvidenceStatus.PENDING_UPLOAD:
            raise EvidenceStateError(f"Evidence '{evidence_id}' is already {evidence.status.value}.", {"status": evidence.status.value})
        stored = self._files.open(evidence.object_key)
        if stored is None:
            raise EvidenceRejectedError(f"Nothing was uploaded for evidence '{evidence_id}' yet: PUT the file to the upload URL first.",
                                        _problem("file", "no object at the upload URL", "not_uploaded"))
        if stored.size != evidence.size:
            raise EvidenceRejectedError(f"The uploaded file has {stored.size} bytes; {evidence.size} were declared.",
                                        _problem("size", f"uploaded {stored.size} bytes, declared {evidence.size}", "size_mismatch"))
        if not matches(evidence.content_type, stored.head):
            raise EvidenceRejectedError(
                f"The uploaded file is not {evidence.content_type} (its first bytes look like {sniff(stored.head)}).",
                _problem("content_type", f"declared {evidence.content_type}, found {sniff(stored.head)}", "type_mismatch"))
        digest = hashlib.sha256()
        for chunk in stored.chunks:
            digest.update(chunk)
        if digest.hexdigest() != evidence.sha256:
            raise EvidenceRejectedError(
                f"The uploaded file's SHA-256 is {digest.hexdigest()}; {evidence.sha256} was declared. It was not recorded.",
                _problem("sha256", "the uploaded bytes do not have the declared SHA-256", "checksum_mismatch"))
        now = self._clock()
        verified = replace(evidence, status=EvidenceStatus.AWAITING_SIGNOFF, object_version=stored.version_id, verified_at=now,
                           stamp=self._touch(evidence.stamp, by, f"Uploaded and verified: {evidence.size} bytes, SHA-256 {evidence.sha256}"))
        return self._save(verified)

    def sign_off(self, model_id: int, evidence_id: str, reason: str, by: Actor, expected_revision: int | None) -> Evidence:
        """A second person, independent of the uploader, confirms the document is what it says it is."""
        model = self._models.get_model(model_id)
        self._models.ensure_may_change(model, by)
        evidence = self.get(model_id, evidence_id)
        self._check_revision(evidence, expected_revision)
        if evidence.status is not EvidenceStatus.AWAITING_SIGNOFF:
            raise EvidenceStateError(f"Evidence '{evidence_id}' is {evidence.status.value}; only verified, unsigned evidence can be signed off.",
                                     {"status": evidence.status.value})
        if by.username.strip().casefold() == evidence.uploaded_by.strip().casefold():
            raise ValidationFailedError(
                f"{by.username} uploaded '{evidence.title}'; the sign-off must come from a second person, independent of the uploader.",
                _problem("signed_off_by", "the uploader cannot sign off their own evidence", "signoff_not_independent"))
        now = self._clock()
        signed = replace(evidence, status=EvidenceStatus.SIGNED_OFF, signoff=EvidenceSignoff(by.username, by.role, now, reason),
                         stamp=self._touch(evidence.stamp, by, reason))
        older = None
        if evidence.supersedes is not None:
            previous = self._store.get(model_id, evidence.supersedes)
            if previous is not None and previous.status not in (EvidenceStatus.WITHDRAWN, EvidenceStatus.SUPERSEDED):
                older = replace(previous, status=EvidenceStatus.SUPERSEDED,
                                stamp=self._touch(previous.stamp, by, f"Superseded by '{evidence.title}' ({evidence.evidence_id})"))
        return self._save(signed, older)

    def withdraw(self, model_id: int, evidence_id: str, reason: str, by: Actor, expected_revision: int | None,
                 approved_changes: Callable[[], str] | None = None) -> Evidence:
        """Withdraw the item (audited with the reason); its object stays in the bucket under its retention.

        What an approval relies on is a governed part of the model: a document the approval in force pinned, or, under
        review, a current one (what an approval now would seal). Its withdrawal takes the approval rules in the same
        transaction: an approved model's review reopens (or the policy refuses the withdrawal), sign-offs given under
        review are cleared and the withdrawer may not approve. Any other withdrawal leaves the model as it is."""
        model = self._models.get_model(model_id)
        self._models.ensure_may_change(model, by)
        evidence = self.get(model_id, evidence_id)
        self._check_revision(evidence, expected_revision)
        if evidence.status is EvidenceStatus.WITHDRAWN:
            raise EvidenceStateError(f"Evidence '{evidence_id}' is already withdrawn.", {"status": evidence.status.value})
        withdrawn = replace(evidence, status=EvidenceStatus.WITHDRAWN, stamp=self._touch(evidence.stamp, by, reason))
        if not self._approval_relies_on(model, evidence):
            return self._save(withdrawn)
        try:
            self._models.change_governed_part(model_id, governed_part(evidence), by, f"{describe(evidence)} withdrawn: {reason}",
                                              approved_changes, also=self._store.writer(withdrawn))
        except ConditionFailedError:  # the item moved on since it was read; the model did not
            raise self._stale(self._store.get(model_id, evidence_id) or evidence, evidence.revision) from None
        return self._store.get(model_id, evidence_id) or withdrawn

    def sweep_expiry(self, now: datetime, by: Actor, page_size: int = 100) -> dict[str, int]:
        """One pass over what the due-date index holds until now + 30 days. Each item's stage (expiring, expired) is
        recorded once on it (`expiry_notice`, audited; the notifier announces it). An expired document the model's
        approval in force pinned reopens that review first, with a reason naming it, its kind and its expiry date; if
        the reopening fails, the stage is not recorded, so the next run tries again. Answers counts."""
        counts = {"evidence_due": 0, "evidence_expiring": 0, "evidence_expired": 0, "evidence_reopened": 0, "evidence_conflicts": 0}
        cursor: str | None = None
        while True:
            page = self._store.due_by(now + EXPIRING_WITHIN, page_size, cursor)
            for evidence in page.items:
                counts["evidence_due"] += 1
                stage = evidence.expiry_stage(now)
                if stage is None or evidence.expiry_notice == stage:
                    continue
                until = evidence.valid_until.date().isoformat() if evidence.valid_until else "?"
                stamp = replace(evidence.stamp, updated_at=now, updated_by=by.username, updated_by_role=by.role,
                                change_reason=f"Evidence {'expired on' if stage == 'expired' else 'expires on'} {until}", claimed_context=None)
                try:
                    if stage == "expired" and self._reopen_on_expiry(evidence, until, by):
                        counts["evidence_reopened"] += 1
                    self._store.save(replace(evidence, expiry_notice=stage, stamp=stamp))
                except (EvidenceConflictError, StaleWriteError):  # changed meanwhile: the next run sees it as it is
                    counts["evidence_conflicts"] += 1
                    continue
                counts[f"evidence_{stage}"] += 1
            cursor = page.next_cursor
            if cursor is None:
                return counts

    # -- helpers ------------------------------------------------------------------------------
    def _approval_relies_on(self, model: AIModel, evidence: Evidence) -> bool:
        """Pinned by the approval in force, or current while the model is under review (an approval would seal it)."""
        if model.compliance_status is ComplianceStatus.APPROVED:
            sealed = self._models.approval_in_force(model)
            return sealed is not None and pins_evidence(sealed, evidence.evidence_id, evidence.sha256)
        return model.compliance_status is ComplianceStatus.UNDER_REVIEW and evidence.is_current(self._clock())

    def _reopen_on_expiry(self, evidence: Evidence, until: str, by: Actor) -> bool:
        try:
            model = self._models.get_model(evidence.model_id)
        except NotFoundError:
            return False
        sealed = self._models.approval_in_force(model)
        if sealed is None or not pins_evidence(sealed, evidence.evidence_id, evidence.sha256):
            return False
        why = f"{describe(evidence)} expired on {until}"
        return self._models.reopen_review(model.id, why, governed_part(evidence), by) is not None

    def _check(self, new: NewEvidence) -> None:
        if new.content_type not in ALLOWED_CONTENT_TYPES:
            raise ValidationFailedError(f"Files of type {new.content_type} are not accepted; use one of: {', '.join(ALLOWED_CONTENT_TYPES)}.",
                                        _problem("content_type", "not an accepted type", "content_type"))
        if not 0 < new.size <= self._max_bytes:
            raise ValidationFailedError(f"A document has 1 to {self._max_bytes} bytes; {new.size} were declared.",
                                        _problem("size", f"at most {self._max_bytes} bytes", "size"))
        if not _SHA256.match(new.sha256):
            raise ValidationFailedError("sha256 is the file's SHA-256 as 64 lower-case hex digits.", _problem("sha256", "not a SHA-256", "sha256"))
        if new.valid_from and new.valid_until and new.valid_until <= new.valid_from:
            raise ValidationFailedError("valid_until must be after valid_from.", _problem("valid_until", "not after valid_from", "dates"))

    def _save(self, evidence: Evidence, also: Evidence | None = None) -> Evidence:
        try:
            return self._store.save(evidence, also)
        except EvidenceConflictError:
            current = self._store.get(evidence.model_id, evidence.evidence_id)
            raise self._stale(current or evidence, evidence.revision) from None

    def _check_revision(self, evidence: Evidence, expected: int | None) -> None:
        if expected is not None and expected != evidence.revision:
            raise self._stale(evidence, expected)

    @staticmethod
    def _stale(evidence: Evidence, expected: int | None) -> StaleWriteError:
        return StaleWriteError(
            f"Evidence '{evidence.evidence_id}' has changed since you read it (now at revision {evidence.revision}). Reload and try again.",
            {"current_revision": evidence.revision, "expected_revision": expected},
        )

    def _touch(self, stamp: Stamp, by: Actor, reason: str) -> Stamp:
        return replace(stamp, updated_at=self._clock(), updated_by=by.username, updated_by_role=by.role, change_reason=reason,
                       claimed_context=by.claimed_context)


def _filename(evidence: Evidence) -> str:
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "text/plain": "txt", "text/csv": "csv",
                 "text/markdown": "md", "application/json": "json"}.get(evidence.content_type, "bin")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", evidence.title).strip("-")[:80] or "evidence"
    return f"{safe}.{extension}"


def coverage_of(items: list[Evidence]) -> dict[str, list[Evidence]]:
    """Current items by what they cover."""
    by_ref: dict[str, list[Evidence]] = {}
    for item in items:
        for ref in item.covers:
            by_ref.setdefault(ref, []).append(item)
    return by_ref


def as_manifest_entry(evidence: Evidence) -> dict[str, Any]:
    """One line of the evidence manifest (reports and the offline bundle)."""
    return {
        "evidence_id": evidence.evidence_id, "title": evidence.title, "kind": evidence.kind.value, "covers": list(evidence.covers),
        "status": evidence.status.value, "sha256": evidence.sha256, "size": evidence.size, "content_type": evidence.content_type,
        "object_key": evidence.object_key, "object_version": evidence.object_version,
        "valid_from": evidence.valid_from.isoformat() if evidence.valid_from else None,
        "valid_until": evidence.valid_until.isoformat() if evidence.valid_until else None,
        "uploaded_by": evidence.uploaded_by,
        "signed_off_by": evidence.signoff.by if evidence.signoff else None,
        "signed_off_at": evidence.signoff.at.isoformat() if evidence.signoff else None,
    }
