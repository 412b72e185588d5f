"""Repositories: map domain objects to items and back; every read is GetItem or Query, every change a transaction."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from govhub.config import settings
from govhub.domain.classification import ClassificationSummary, OperatorRole
from govhub.domain.entities import (
    AIModel,
    ApprovalState,
    ExternalRef,
    Invalidation,
    Metric,
    ModelDependents,
    ModelVersion,
    Page,
    PolicyViolation,
    Signoff,
    Stamp,
    VersionRef,
)
from govhub.domain.lifecycle import ComplianceStatus, RiskLevel
from govhub.store import keys, lineage, search
from govhub.store.cursors import decode_cursor as decode_cursor  # re-exported: the stores import it from here too
from govhub.store.cursors import encode_cursor as encode_cursor
from govhub.store.items import (
    COUNTER_NAMES,
    MODEL_POINTER_ATTRIBUTES,
    ApprovalItem,
    ApprovalMap,
    ClassificationMap,
    CounterItem,
    DependentsItem,
    ExternalRefMap,
    GuardItem,
    MetricItem,
    ModelItem,
    ModelPointerItem,
    PolicyViolationMap,
    SequenceItem,
    SignoffMap,
    TombstoneItem,
    VersionItem,
)

T = TypeVar("T")
_TRANSACTION_ATTEMPTS = 6


class ConditionFailedError(Exception):
    """A transaction's condition did not hold; the caller reads again to say which one."""


def _connection() -> Connection:
    return _connection_in(settings().region)


@lru_cache(maxsize=4)
def _connection_in(region: str) -> Connection:
    """One connection for the transactions, like the items' own: a new one would build a new botocore
    session and client (endpoint and service data loaded again) for every write."""
    return Connection(region=region)


def _transact(build: Callable[[TransactWrite], None]) -> None:
    """Run a write transaction, retrying conflicts with concurrent transactions (e.g. on the counters)."""
    for attempt in range(_TRANSACTION_ATTEMPTS):
        try:
            with TransactWrite(connection=_connection()) as transaction:
                build(transaction)
            return
        except TransactWriteError as error:
            codes = {reason.code for reason in (error.cancellation_reasons or []) if reason is not None}
            if "ConditionalCheckFailed" in codes:
                raise ConditionFailedError(str(codes)) from error
            # a timeout has no response and so no code: cause_response_code then raises AttributeError
            retryable = "TransactionConflict" in codes or getattr(error, "cause_response_code", None) in (
                "TransactionConflictException",
                "ThrottlingException",
                "ProvisionedThroughputExceededException",
            )
            if not retryable or attempt == _TRANSACTION_ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0, 0.02 * 2**attempt))


def _page(results: Any, mapper: Callable[[Any], T]) -> Page:
    items = [mapper(item) for item in results]
    return Page(items=items, next_cursor=encode_cursor(results.last_evaluated_key))


def _iso(value: datetime) -> str:
    return value.isoformat()


def _stamp_from(item: Any) -> Stamp:
    context = getattr(item, "claimed_context", None)
    return Stamp(
        created_at=datetime.fromisoformat(item.created_at),
        created_by=item.created_by,
        updated_at=datetime.fromisoformat(item.updated_at),
        updated_by=item.updated_by,
        updated_by_role=item.updated_by_role,
        change_reason=item.change_reason,
        claimed_context=dict(context.as_dict()) if context is not None else None,
    )


def _apply_stamp(item: Any, stamp: Stamp) -> None:
    item.created_at = _iso(stamp.created_at)
    item.created_by = stamp.created_by
    item.updated_at = _iso(stamp.updated_at)
    item.updated_by = stamp.updated_by
    item.updated_by_role = stamp.updated_by_role
    item.change_reason = stamp.change_reason
    if hasattr(type(item), "claimed_context"):
        item.claimed_context = dict(stamp.claimed_context) if stamp.claimed_context else None


def _editor_added(username: str) -> Any:
    """The update action that adds a version's or metric's author to the model's editors (no revision bump)."""
    return ModelPointerItem.editors_since_submission.add({username})


def _model_live() -> Condition:
    return ModelPointerItem.pk.exists() & (ModelPointerItem.compliance_status != ComplianceStatus.RETIRED.value)


class SequenceRepository:
    """Integer ids, as the seed's API uses: an atomic counter per kind of record."""

    def allocate(self, kind: str, count: int = 1) -> list[int]:
        sequence = SequenceItem(keys.SEQUENCE_PK, kind)
        sequence.update(actions=[SequenceItem.value.add(count)])
        last = int(sequence.value)
        return list(range(last - count + 1, last + 1))


class StatsRepository:
    def read(self) -> dict[str, int]:
        try:
            item = CounterItem.get(keys.STATS_PK, keys.COUNTERS_SK, consistent_read=True)
        except DoesNotExist:
            return {name: 0 for name in COUNTER_NAMES}
        return {name: int(getattr(item, name) or 0) for name in COUNTER_NAMES}

    @staticmethod
    def add_to(transaction: TransactWrite, delta: dict[str, int]) -> None:
        changes = [getattr(CounterItem, name).add(value) for name, value in delta.items() if value]
        if changes:
            transaction.update(CounterItem(keys.STATS_PK, keys.COUNTERS_SK), actions=changes)


_KEPT_AFTER_DELETE = (keys.TOMBSTONE, keys.APPROVAL)


class ModelRepository:
    def __init__(self, stats: StatsRepository | None = None) -> None:
        self._stats = stats or StatsRepository()

    # -- reads -------------------------------------------------------------------------------
    def get(self, model_id: int) -> AIModel | None:
        try:
            item = ModelItem.get(keys.model_pk(model_id), keys.META, consistent_read=True)
        except DoesNotExist:
            return None
        return self._to_domain(item)

    def id_for_name(self, name: str) -> int | None:
        try:
            guard = GuardItem.get(keys.model_name_guard(name), keys.META, consistent_read=True)
        except DoesNotExist:
            return None
        return int(guard.target_id)

    def list(self, filters: dict[str, str], limit: int, cursor: str | None) -> Page:
        risk, status = filters.get("risk_level"), filters.get("compliance_status")
        owner, domain, team = filters.get("owner"), filters.get("domain"), filters.get("team")
        remaining: list[Condition] = []
        if team:
            index, sort_key, partition = ModelItem.by_team, ModelItem.gsi7sk, keys.team_partition(team)
            if risk:
                remaining.append(ModelItem.risk_level == risk)
            if status:
                remaining.append(ModelItem.compliance_status == status)
        elif risk and status:
            index, sort_key, partition = ModelItem.by_risk_status, ModelItem.gsi6sk, keys.risk_status_partition(risk, status)
        elif risk:
            index, sort_key, partition = ModelItem.by_risk, ModelItem.gsi2sk, keys.risk_partition(risk)
        elif status:
            index, sort_key, partition = ModelItem.by_status, ModelItem.gsi3sk, keys.status_partition(status)
        elif owner:
            index, sort_key, partition = ModelItem.by_owner, ModelItem.gsi4sk, keys.owner_partition(owner)
        elif domain:
            index, sort_key, partition = ModelItem.by_domain, ModelItem.gsi5sk, keys.domain_partition(domain)
        else:
            index, sort_key, partition = ModelItem.by_list, ModelItem.gsi1sk, keys.MODELS_LIST
        if owner and index is not ModelItem.by_owner:
            remaining.append(ModelItem.gsi4pk == keys.owner_partition(owner))
        if domain and index is not ModelItem.by_domain:
            remaining.append(ModelItem.gsi5pk == keys.domain_partition(domain))
        text = filters.get("q")
        if text and search.searchable(text):
            return self._search(text, filters, limit, cursor)
        prefix = text
        range_condition = sort_key.startswith(keys.name_key(prefix)) if prefix else None
        filter_condition = None
        for condition in remaining:
            filter_condition = condition if filter_condition is None else filter_condition & condition
        results = index.query(
            partition,
            range_key_condition=range_condition,
            filter_condition=filter_condition,
            limit=limit,
            page_size=limit,
            last_evaluated_key=decode_cursor(cursor, index, partition),
            scan_index_forward=filters.get("order") != "desc",
        )
        return _page(results, self._to_domain)

    def _search(self, text: str, filters: dict[str, str], limit: int, cursor: str | None) -> Page:
        """Names containing `text`, by name; the other filters apply to the models read (a page may hold fewer)."""
        results = search.query_grams(text, limit, cursor, descending=filters.get("order") == "desc")
        ids = [int(hit.model_id) for hit in results]
        wanted = {
            "risk_level": filters.get("risk_level"),
            "compliance_status": filters.get("compliance_status"),
            "gsi4pk": keys.owner_partition(filters["owner"]) if filters.get("owner") else None,
            "gsi5pk": keys.domain_partition(filters["domain"]) if filters.get("domain") else None,
            "team": filters.get("team"),
        }
        found = {
            int(item.model_id): item
            for item in ModelItem.batch_get([(keys.model_pk(i), keys.META) for i in ids])
            if all(getattr(item, name) == value for name, value in wanted.items() if value)
        }
        items = [self._to_domain(found[i]) for i in ids if i in found]
        return Page(items=items, next_cursor=encode_cursor(results.last_evaluated_key))

    # -- writes ------------------------------------------------------------------------------
    def create(self, model: AIModel, counters: dict[str, int]) -> AIModel:
        item = self._to_item(model)

        def build(transaction: TransactWrite) -> None:
            transaction.save(
                GuardItem(keys.model_name_guard(model.name), keys.META, target_id=model.id),
                condition=GuardItem.pk.does_not_exist(),
            )
            transaction.save(item, condition=ModelItem.pk.does_not_exist())
            search.index_in(transaction, model.id, model.name)
            self._stats.add_to(transaction, counters)

        _transact(build)
        return self._to_domain(item)

    def save(
        self, model: AIModel, counters: dict[str, int], previous_name: str | None = None, sealed: tuple[str, str] | None = None,
        also: Callable[[TransactWrite], None] | None = None,
    ) -> AIModel:
        """Write a changed model; fails with ConditionFailedError if its revision moved on or the new name is taken.

        `sealed` is an approval snapshot `(sha256, canonical JSON)` to store in the same transaction; `also` adds
        the writes of something that changes with the model (its monitoring plan).
        """
        item = self._to_item(model)
        renamed = previous_name is not None and keys.name_key(previous_name) != keys.name_key(model.name)

        # An update of the model's own attributes (never the latest-version pointer), conditioned on its revision.
        keys_and_pointer = {"pk", "sk", "revision", *MODEL_POINTER_ATTRIBUTES}
        actions = [
            attribute.set(getattr(item, name)) if getattr(item, name) is not None else attribute.remove()
            for name, attribute in ModelItem.get_attributes().items()
            if name not in keys_and_pointer
        ]

        def build(transaction: TransactWrite) -> None:
            transaction.update(item, actions=list(actions))
            if renamed:
                transaction.delete(GuardItem(keys.model_name_guard(previous_name or ""), keys.META))
                transaction.save(
                    GuardItem(keys.model_name_guard(model.name), keys.META, target_id=model.id),
                    condition=GuardItem.pk.does_not_exist(),
                )
            if previous_name is not None and previous_name != model.name:
                search.reindex_in(transaction, model.id, previous_name, model.name)
            if sealed is not None:
                transaction.save(self._approval_item(model, *sealed), condition=ApprovalItem.pk.does_not_exist())
            self._stats.add_to(transaction, counters)
            if also is not None:
                also(transaction)

        _transact(build)
        saved = self._to_domain(item)
        saved.latest_version = model.latest_version  # the pointer is not this write's: the answer keeps the one read
        return saved

    def add_editor(self, model_id: int, username: str) -> None:
        """Count `username` among those who changed the model since its submission (no revision bump).

        Fails with ConditionFailedError if the model is gone or retired."""
        try:
            ModelPointerItem(keys.model_pk(model_id), keys.META).update(actions=[_editor_added(username)], condition=_model_live())
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise ConditionFailedError(str(error)) from error
            raise

    @staticmethod
    def _approval_item(model: AIModel, sha256: str, snapshot: str) -> ApprovalItem:
        sealed_at = model.approval.sealed_at or model.stamp.updated_at
        item = ApprovalItem(
            keys.model_pk(model.id),
            keys.approval_sk(_iso(sealed_at), sha256),
            entity=keys.ENTITY_APPROVAL,
            model_id=model.id,
            snapshot_sha256=sha256,
            snapshot=snapshot,
            version_id=model.approved_version_id,
        )
        _apply_stamp(item, model.stamp)
        return item

    def sealed_snapshots(self, model_id: int, limit: int, cursor: str | None) -> Page:
        """The model's sealed approval snapshots, newest first: `(sha256, canonical JSON)`."""
        results = ApprovalItem.query(
            keys.model_pk(model_id),
            ApprovalItem.sk.startswith(keys.APPROVAL),
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=decode_cursor(cursor, ApprovalItem, keys.model_pk(model_id)),
        )
        return _page(results, lambda item: (item.snapshot_sha256, item.snapshot))

    def dependents(self, model_id: int, wanted: int) -> ModelDependents:
        """The versions of other (live) models built on the model's versions: the first `wanted`, and what `delete` needs."""
        return lineage.dependents_of_model(model_id, wanted)

    def delete(self, model: AIModel, deleted: Stamp, counters: dict[str, int], dependents_seen: int | None) -> None:
        """Delete the model with a tombstone saying who and why, then its versions, metrics and lineage edges.

        Fails with ConditionFailedError, deleting nothing, if the model changed since it was read or a version of
        another model was built on one of its versions since `dependents_seen` (ModelDependents.seen) was read."""
        item = self._to_item(model)
        tombstone = TombstoneItem(
            keys.model_pk(model.id),
            keys.tombstone_sk(_iso(deleted.updated_at)),
            entity=keys.ENTITY_TOMBSTONE,
            model_id=model.id,
            name=model.name,
            snapshot=json.dumps(_snapshot(model), default=str, sort_keys=True),
        )
        _apply_stamp(tombstone, deleted)

        marker = DependentsItem(keys.model_pk(model.id), keys.DEPENDENTS)

        def build(transaction: TransactWrite) -> None:
            transaction.delete(item)
            transaction.delete(GuardItem(keys.model_name_guard(model.name), keys.META))
            transaction.save(tombstone, condition=TombstoneItem.pk.does_not_exist())
            search.unindex_in(transaction, model.id, model.name)
            self._stats.add_to(transaction, counters)
            if dependents_seen is None:
                transaction.condition_check(DependentsItem, marker.pk, marker.sk, condition=DependentsItem.pk.does_not_exist())
            else:
                transaction.delete(marker, condition=DependentsItem.latest_version_id == dependents_seen)

        _transact(build)
        self._delete_children(model.id)

    def _delete_children(self, model_id: int) -> None:
        """After the delete's commit (a model's versions and their edges can be far more than a transaction's 100 items):
        each version's partition (the item, its metrics, edges of its own model's later versions), the edges its declared
        inputs put under datasets and base versions, and the rest of the model's partition but its tombstones and sealed
        approvals. Until they are gone, reads skip them: the model they name does not exist."""
        removed: set[tuple[str, str]] = set()

        def remove(item: Any) -> None:
            if (item.pk, item.sk) not in removed:  # a batch refuses the same key twice
                removed.add((item.pk, item.sk))
                batch.delete(item)

        with VersionItem.batch_write() as batch:
            for version in VersionItem.by_list.query(keys.versions_of(model_id)):
                for child in VersionItem.query(version.pk):
                    remove(child)
                for edge in lineage.edge_items(VersionRepository._to_domain(version)):
                    remove(edge)
            # the rest of the model's partition (tag guards, edges left by deleted models, the monitoring plan and review
            # schedule, findings, reviews, attestations, evidence items): a deleted model falls due for nothing and has
            # nothing open. Its tombstones and sealed approvals stay; its audit trail keeps every change, evidence hashes too.
            for leftover in GuardItem.query(keys.model_pk(model_id)):
                if not leftover.sk.startswith(_KEPT_AFTER_DELETE):
                    remove(leftover)

    # -- mapping -----------------------------------------------------------------------------
    @staticmethod
    def _to_item(model: AIModel) -> ModelItem:
        name_key = keys.name_key(model.name)
        risk, status = model.risk_level.value, model.compliance_status.value
        item = ModelItem(
            keys.model_pk(model.id),
            keys.META,
            entity=keys.ENTITY_MODEL,
            model_id=model.id,
            name=model.name,
            name_key=name_key,
            owner=model.owner,
            team=model.team,
            description=model.description,
            domain=model.domain,
            risk_level=risk,
            risk_justification=model.risk_justification,
            compliance_status=status,
            intended_purpose=model.intended_purpose,
            data_sources=model.data_sources,
            oversight_plan=model.oversight_plan,
            submitted_by=model.submitted_by,
            approved_by=model.approved_by,
            approved_at=_iso(model.approved_at) if model.approved_at else None,
            approved_version_id=model.approved_version_id,
            policy_violations=[_violation_item(v) for v in model.policy_violations] or None,
            external_ref=ExternalRefMap(system=model.external_ref.system, name=model.external_ref.name) if model.external_ref else None,
            approval=_approval_map(model.approval),
            editors_since_submission=set(model.editors_since_submission) or None,
            gsi1pk=keys.MODELS_LIST,
            gsi1sk=name_key,
            gsi2pk=keys.risk_partition(risk),
            gsi2sk=name_key,
            gsi3pk=keys.status_partition(status),
            gsi3sk=name_key,
            gsi4pk=keys.owner_partition(model.owner),
            gsi4sk=name_key,
            gsi5pk=keys.domain_partition(model.domain) if model.domain else None,
            gsi5sk=name_key if model.domain else None,
            gsi6pk=keys.risk_status_partition(risk, status),
            gsi6sk=name_key,
            gsi7pk=keys.team_partition(model.team) if model.team else None,
            gsi7sk=name_key if model.team else None,
            operator_role=model.operator_role.value if model.operator_role else None,
            classification=_classification_item(model.classification),
            gsi8pk=keys.CLASSIFICATION_OVERRIDES if model.classification and model.classification.override else None,
            gsi8sk=name_key if model.classification and model.classification.override else None,
        )
        if model.revision is not None:
            item.revision = model.revision
        _apply_stamp(item, model.stamp)
        return item

    @staticmethod
    def _to_domain(item: ModelItem) -> AIModel:
        return AIModel(
            id=int(item.model_id),
            name=item.name,
            owner=item.owner,
            team=item.team,
            stamp=_stamp_from(item),
            description=item.description,
            domain=item.domain,
            risk_level=RiskLevel(item.risk_level),
            risk_justification=item.risk_justification,
            compliance_status=ComplianceStatus(item.compliance_status),
            intended_purpose=item.intended_purpose,
            data_sources=item.data_sources,
            oversight_plan=item.oversight_plan,
            submitted_by=item.submitted_by,
            approved_by=item.approved_by,
            approved_at=datetime.fromisoformat(item.approved_at) if item.approved_at else None,
            approved_version_id=int(item.approved_version_id) if item.approved_version_id is not None else None,
            policy_violations=[_violation(v) for v in item.policy_violations or []],
            external_ref=ExternalRef(item.external_ref.system, item.external_ref.name) if item.external_ref else None,
            approval=_approval(item.approval),
            editors_since_submission=frozenset(item.editors_since_submission or ()),
            revision=int(item.revision) if item.revision is not None else None,
            latest_version=(
                VersionRef(id=int(item.latest_version_id), version_tag=item.latest_version_tag or "")
                if item.latest_version_id is not None
                else None
            ),
            operator_role=OperatorRole(item.operator_role) if item.operator_role else None,
            classification=_classification(item.classification),
        )


def _classification_item(summary: ClassificationSummary | None) -> ClassificationMap | None:
    if summary is None:
        return None
    return ClassificationMap(
        suggested_risk_level=summary.suggested_risk_level.value,
        questionnaire_version=summary.questionnaire_version,
        classified_by=summary.classified_by,
        classified_at=_iso(summary.classified_at),
        answered_yes=sorted(qid for qid, yes in summary.answers.items() if yes),
        override=summary.override,
        justification=summary.justification,
    )


def _classification(item: ClassificationMap | None) -> ClassificationSummary | None:
    if item is None:
        return None
    return ClassificationSummary(
        suggested_risk_level=RiskLevel(item.suggested_risk_level),
        questionnaire_version=item.questionnaire_version,
        classified_by=item.classified_by,
        classified_at=datetime.fromisoformat(item.classified_at),
        answers={str(qid): True for qid in item.answered_yes or []},
        override=bool(item.override),
        justification=item.justification,
    )


def _violation_item(violation: PolicyViolation) -> PolicyViolationMap:
    return PolicyViolationMap(
        rule_id=violation.rule_id,
        kind=violation.kind,
        reason=violation.reason,
        article=violation.article,
        policy_version=violation.policy_version,
        detected_at=_iso(violation.detected_at),
    )


def _violation(item: PolicyViolationMap) -> PolicyViolation:
    return PolicyViolation(
        rule_id=item.rule_id,
        kind=item.kind,
        reason=item.reason,
        article=item.article,
        policy_version=int(item.policy_version),
        detected_at=datetime.fromisoformat(item.detected_at),
    )


def _approval_map(approval: ApprovalState) -> ApprovalMap | None:
    if approval == ApprovalState():
        return None
    invalidated = approval.invalidated
    return ApprovalMap(
        required_signoffs=approval.required_signoffs,
        signoffs=[
            SignoffMap(by=s.by, role=s.role, at=_iso(s.at), reason=s.reason, version_id=s.version_id) for s in approval.signoffs
        ] or None,
        snapshot_sha256=approval.snapshot_sha256,
        sealed_at=_iso(approval.sealed_at) if approval.sealed_at else None,
        policy_version=approval.policy_version,
        invalidated={
            "at": _iso(invalidated.at), "by": invalidated.by, "fields": list(invalidated.fields),
            "snapshot_sha256": invalidated.snapshot_sha256,
        } if invalidated else None,
    )


def _approval(item: ApprovalMap | None) -> ApprovalState:
    if item is None:
        return ApprovalState()
    invalidated = item.invalidated
    return ApprovalState(
        required_signoffs=int(item.required_signoffs or 1),
        signoffs=[
            Signoff(s.by, s.role, datetime.fromisoformat(s.at), s.reason, int(s.version_id) if s.version_id is not None else None)
            for s in item.signoffs or []
        ],
        snapshot_sha256=item.snapshot_sha256,
        sealed_at=datetime.fromisoformat(item.sealed_at) if item.sealed_at else None,
        policy_version=int(item.policy_version) if item.policy_version is not None else None,
        invalidated=Invalidation(
            datetime.fromisoformat(invalidated.at), invalidated.by, tuple(str(name) for name in invalidated.fields or ()), invalidated.snapshot_sha256
        ) if invalidated else None,
    )


def _snapshot(model: AIModel) -> dict[str, Any]:
    data = asdict(model)
    data.pop("stamp", None)
    data.pop("latest_version", None)
    return data


class VersionRepository:
    def get(self, version_id: int) -> ModelVersion | None:
        try:
            item = VersionItem.get(keys.version_pk(version_id), keys.META, consistent_read=True)
        except DoesNotExist:
            return None
        return self._to_domain(item)

    def tag_taken(self, model_id: int, tag: str) -> bool:
        try:
            GuardItem.get(keys.model_pk(model_id), keys.version_tag_guard(tag), consistent_read=True)
        except DoesNotExist:
            return False
        return True

    def list_for_model(self, model_id: int, limit: int, cursor: str | None) -> Page:
        results = VersionItem.by_list.query(
            keys.versions_of(model_id),
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=decode_cursor(cursor, VersionItem.by_list, keys.versions_of(model_id)),
        )
        return _page(results, self._to_domain)

    def create(self, version: ModelVersion) -> ModelVersion:
        """Fails with ConditionFailedError if the model is gone or retired, or the tag is taken."""
        item = self.item_for(version)
        pointer = ModelPointerItem(keys.model_pk(version.model_id), keys.META)

        def build(transaction: TransactWrite) -> None:
            transaction.update(
                pointer,
                actions=[
                    ModelPointerItem.latest_version_id.set(version.id),
                    ModelPointerItem.latest_version_tag.set(version.version_tag),
                    _editor_added(version.stamp.created_by),
                ],
                condition=_model_live(),
            )
            transaction.save(
                GuardItem(keys.model_pk(version.model_id), keys.version_tag_guard(version.version_tag), target_id=version.id),
                condition=GuardItem.pk.does_not_exist(),
            )
            transaction.save(item, condition=VersionItem.pk.does_not_exist())
            lineage.add_edges(transaction, version)  # the lineage adjacency items, in the same transaction

        _transact(build)
        return self._to_domain(item)

    @staticmethod
    def item_for(version: ModelVersion) -> VersionItem:
        item = VersionItem(
            keys.version_pk(version.id),
            keys.META,
            entity=keys.ENTITY_VERSION,
            model_id=version.model_id,
            version_id=version.id,
            version_tag=version.version_tag,
            s3_path=version.s3_path,
            sha256=version.sha256,
            description=version.description,
            inputs=lineage.inputs_text(version.inputs),
            gsi1pk=keys.versions_of(version.model_id),
            gsi1sk=f"{version.id:012d}",
        )
        _apply_stamp(item, version.stamp)
        return item

    @staticmethod
    def _to_domain(item: VersionItem) -> ModelVersion:
        return ModelVersion(
            id=int(item.version_id),
            model_id=int(item.model_id),
            version_tag=item.version_tag,
            s3_path=item.s3_path,
            sha256=item.sha256,
            description=item.description,
            stamp=_stamp_from(item),
            revision=int(item.revision) if item.revision is not None else 1,
            inputs=lineage.inputs_from_text(item.inputs),
        )


class MetricRepository:
    def get(self, metric_id: int) -> Metric | None:
        for item in MetricItem.by_list.query(keys.metric_lookup(metric_id), limit=1):
            return self._to_domain(item)
        return None

    def list_for_version(self, version_id: int, limit: int, cursor: str | None) -> Page:
        results = MetricItem.query(
            keys.version_pk(version_id),
            MetricItem.sk.startswith(keys.METRIC),
            limit=limit,
            page_size=limit,
            last_evaluated_key=decode_cursor(cursor, MetricItem, keys.version_pk(version_id)),
        )
        return _page(results, self._to_domain)

    def create_many(self, metrics: Iterable[Metric]) -> list[Metric]:
        """All or nothing: up to 100 metrics in one transaction."""
        items = [self._to_item(metric) for metric in metrics]

        def build(transaction: TransactWrite) -> None:
            for item in items:
                transaction.save(item, condition=MetricItem.pk.does_not_exist())

        _transact(build)
        return [self._to_domain(item) for item in items]

    @staticmethod
    def _to_item(metric: Metric) -> MetricItem:
        item = MetricItem(
            keys.version_pk(metric.version_id),
            keys.metric_sk(metric.id),
            entity=keys.ENTITY_METRIC,
            model_id=metric.model_id,
            metric_id=metric.id,
            version_id=metric.version_id,
            metric_name=metric.metric_name,
            value=metric.value,
            gsi1pk=keys.metric_lookup(metric.id),
            gsi1sk=keys.METRIC,
        )
        _apply_stamp(item, metric.stamp)
        return item

    @staticmethod
    def _to_domain(item: MetricItem) -> Metric:
        return Metric(
            id=int(item.metric_id),
            version_id=int(item.version_id),
            model_id=int(item.model_id),
            metric_name=item.metric_name,
            value=float(item.value),
            stamp=_stamp_from(item),
        )
