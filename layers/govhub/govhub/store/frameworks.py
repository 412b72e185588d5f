"""The control library's versions in the single table, in the policy set's item shapes under their own partition:
`PK=FRAMEWORKS SK=V#<version:06d>` (entity `frameworks`, model id 0: audited in the global chain) and
`PK=FRAMEWORKS SK=ACTIVE`, the active pointer with a copy of the document (one GetItem to read it)."""

from __future__ import annotations

import json
from datetime import datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from govhub.domain.entities import Page
from govhub.frameworks.library import FrameworkVersion, parse_frameworks
from govhub.policy.versions import StoreConflictError
from govhub.store import keys
from govhub.store.policies import PolicyItem, PolicyPointerItem
from govhub.store.repository import ConditionFailedError, _transact, decode_cursor, encode_cursor


class FrameworkRepository:
    def active(self) -> FrameworkVersion | None:
        try:
            pointer = PolicyPointerItem.get(keys.FRAMEWORKS_PK, keys.POLICY_ACTIVE_SK, consistent_read=True)
        except DoesNotExist:
            return None
        return FrameworkVersion(int(pointer.version), parse_frameworks(json.loads(pointer.document)),
                                datetime.fromisoformat(pointer.created_at), pointer.created_by, pointer.created_by_role, pointer.reason)

    def listing(self, limit: int, cursor: str | None) -> Page:
        results = PolicyItem.query(keys.FRAMEWORKS_PK, PolicyItem.sk.startswith(keys.POLICY_VERSION), scan_index_forward=False,
                                   limit=limit, page_size=limit, last_evaluated_key=decode_cursor(cursor, PolicyItem, keys.FRAMEWORKS_PK))
        items = [FrameworkVersion(int(item.version), parse_frameworks(json.loads(item.document)), datetime.fromisoformat(item.created_at),
                                  item.created_by, item.updated_by_role, item.change_reason) for item in results]
        return Page(items=items, next_cursor=encode_cursor(results.last_evaluated_key))

    def activate(self, new: FrameworkVersion, replaces: int) -> None:
        if new.created_at is None:
            raise ValueError("a stored version has a creation time")
        at, text = new.created_at.isoformat(), new.document.to_text()
        item = PolicyItem(keys.FRAMEWORKS_PK, keys.policy_version_sk(new.version), entity=keys.ENTITY_FRAMEWORKS, model_id=keys.GLOBAL_MODEL_ID,
                          version=new.version, name=new.document.name[:128], document=text, created_at=at, created_by=new.created_by,
                          updated_at=at, updated_by=new.created_by, updated_by_role=new.created_by_role, change_reason=new.reason)
        pointer = PolicyPointerItem(keys.FRAMEWORKS_PK, keys.POLICY_ACTIVE_SK, version=new.version, document=text, created_at=at,
                                    created_by=new.created_by, created_by_role=new.created_by_role, reason=new.reason)
        still_there = PolicyPointerItem.pk.does_not_exist() if replaces == 0 else PolicyPointerItem.version == replaces

        def build(transaction: TransactWrite) -> None:
            transaction.save(item, condition=PolicyItem.pk.does_not_exist())
            transaction.save(pointer, condition=still_there)

        try:
            _transact(build)
        except ConditionFailedError:
            raise StoreConflictError(f"the active control library is no longer version {replaces}") from None
