"""In-memory stores behind the evidence service's ports (govhub.evidence.service): a dict of items whose writes are
conditioned on the item's revision, as the table's are, and a bucket of bytes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from govhub.domain.entities import Page
from govhub.evidence.model import Evidence
from govhub.evidence.service import EvidenceConflictError, StoredObject
from govhub.store.repository import ConditionFailedError


class Store:
    def __init__(self) -> None:
        self.items: dict[str, Evidence] = {}

    def get(self, model_id: int, evidence_id: str) -> Evidence | None:
        return self.items.get(evidence_id)

    def create(self, evidence: Evidence) -> Evidence:
        stored = replace(evidence, revision=1)
        self.items[evidence.evidence_id] = stored
        return stored

    def save(self, evidence: Evidence, also: Evidence | None = None) -> Evidence:
        for item in (evidence, also):
            if item is not None and self.items[item.evidence_id].revision != item.revision:
                raise EvidenceConflictError(item.evidence_id)
        if also is not None:
            self.items[also.evidence_id] = replace(also, revision=(also.revision or 0) + 1)
        stored = replace(evidence, revision=(evidence.revision or 0) + 1)
        self.items[evidence.evidence_id] = stored
        return stored

    def writer(self, evidence: Evidence) -> Callable[[Any], None]:
        """The item's write inside the registry's transaction: a failed condition fails the whole of it."""
        def write(_: Any) -> None:
            if self.items[evidence.evidence_id].revision != evidence.revision:
                raise ConditionFailedError(evidence.evidence_id)
            self.items[evidence.evidence_id] = replace(evidence, revision=(evidence.revision or 0) + 1)
        return write

    def listing(self, *args: Any) -> Page:
        return Page(items=list(self.items.values()))

    def for_model(self, model_id: int) -> list[Evidence]:
        return list(self.items.values())

    def due_by(self, until: datetime, limit: int, cursor: str | None) -> Page:
        return Page(items=[e for e in self.items.values() if e.valid_until and e.valid_until <= until])


class Files:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def upload_url(self, key: str, content_type: str, size: int, sha256_b64: str, ttl_seconds: int) -> str:
        return f"https://bucket/{key}?ttl={ttl_seconds}"

    def download_url(self, key: str, version_id: str | None, ttl_seconds: int, filename: str) -> str:
        return f"https://bucket/{key}?v={version_id}"

    def open(self, key: str) -> StoredObject | None:
        data = self.objects.get(key)
        return None if data is None else StoredObject(len(data), "v1", data[:512], iter([data]))
