"""Versioned documents in the single table (the policy set, the timeline, the control library, the incident deadlines),
each under its own partition `<PK>`:

- `PK=<PK> SK=V#<version:06d>` (the document's entity, model_id 0): one immutable item per version; its INSERT is the
  audit fact (who, why, the whole document) in the global chain.
- `PK=<PK> SK=ACTIVE` (no entity, not audited): the active pointer with a copy of the document, so reading the active
  version is one GetItem. Replacing it writes both in one transaction, conditioned on the pointer still being where
  the caller read it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any, Generic

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from govhub.domain.documents import D, DocumentVersion, StoreConflictError
from govhub.domain.entities import Page
from govhub.store import keys
from govhub.store.cursors import decode_cursor, encode_cursor
from govhub.store.items import _Stamped, _TableMeta
from govhub.store.repository import ConditionFailedError, _transact

NAME_LENGTH = 128  # the item's `name` labels the version in the audit trail; the document holds it whole


class DocumentItem(_Stamped):
    class Meta(_TableMeta):
        pass

    version = NumberAttribute()
    name = UnicodeAttribute()
    document = UnicodeAttribute()


class DocumentPointerItem(Model):
    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    version = NumberAttribute()
    document = UnicodeAttribute(null=True)  # absent from the incident deadlines' first pointers: they held the version alone
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_by_role = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)


class VersionedDocuments(Generic[D]):
    """One document's versions under `partition`, audited as `entity`; `parse` reads a stored document back (it was
    validated when written: each distinct text is parsed once per container); `label` names it in a conflict."""

    def __init__(self, partition: str, entity: str, parse: Callable[[Any], D], label: str) -> None:
        self._partition = partition
        self._entity = entity
        self._parse: Callable[[str], D] = lru_cache(maxsize=32)(lambda text: parse(json.loads(text)))
        self._label = label

    def active(self) -> DocumentVersion[D] | None:
        try:
            pointer = DocumentPointerItem.get(self._partition, keys.DOCUMENT_ACTIVE_SK, consistent_read=True)
        except DoesNotExist:
            return None
        if pointer.document is None:
            return self.get(int(pointer.version))
        return DocumentVersion(int(pointer.version), self._parse(pointer.document), datetime.fromisoformat(pointer.created_at),
                               pointer.created_by, pointer.created_by_role, pointer.reason)

    def get(self, version: int) -> DocumentVersion[D] | None:
        try:
            item = DocumentItem.get(self._partition, keys.document_version_sk(version), consistent_read=True)
        except DoesNotExist:
            return None
        return self._to_domain(item)

    def list(self, limit: int, cursor: str | None) -> Page:
        """Newest first."""
        results = DocumentItem.query(
            self._partition,
            DocumentItem.sk.startswith(keys.DOCUMENT_VERSION),
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=decode_cursor(cursor, DocumentItem, self._partition),
        )
        items = [self._to_domain(item) for item in results]
        return Page(items=items, next_cursor=encode_cursor(results.last_evaluated_key))

    def activate(self, new: DocumentVersion[D], replaces: int) -> None:
        """Store `new` and point the active pointer at it, if the pointer is still at `replaces`; else StoreConflictError."""
        if new.created_at is None:
            raise ValueError("a stored version has a creation time")
        created_at = new.created_at.isoformat()
        text = new.document.to_text()
        item = DocumentItem(
            self._partition,
            keys.document_version_sk(new.version),
            entity=self._entity,
            model_id=keys.GLOBAL_MODEL_ID,
            version=new.version,
            name=new.document.name[:NAME_LENGTH],
            document=text,
            created_at=created_at,
            created_by=new.created_by,
            updated_at=created_at,
            updated_by=new.created_by,
            updated_by_role=new.created_by_role,
            change_reason=new.reason,
        )
        pointer = DocumentPointerItem(
            self._partition,
            keys.DOCUMENT_ACTIVE_SK,
            version=new.version,
            document=text,
            created_at=created_at,
            created_by=new.created_by,
            created_by_role=new.created_by_role,
            reason=new.reason,
        )
        still_there = DocumentPointerItem.pk.does_not_exist() if replaces == 0 else DocumentPointerItem.version == replaces

        def build(transaction: TransactWrite) -> None:
            transaction.save(item, condition=DocumentItem.pk.does_not_exist())
            transaction.save(pointer, condition=still_there)

        try:
            _transact(build)
        except ConditionFailedError:
            raise StoreConflictError(f"the active {self._label} is no longer version {replaces}") from None

    def _to_domain(self, item: DocumentItem) -> DocumentVersion[D]:
        return DocumentVersion(
            int(item.version),
            self._parse(item.document),
            datetime.fromisoformat(item.created_at),
            item.created_by,
            item.updated_by_role,
            item.change_reason,
        )
