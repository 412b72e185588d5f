"""Incidents in the single table: one item per incident (audited in its model's chain), listed through GSI1 (all),
GSI2 (one model's) and GSI3 (one status), newest awareness first; an unreported serious incident sits in the sparse
GSI9 (DUE#incident_report) by its Art. 73 deadline. The deadline rules: a versioned document (store/documents.py)
under `PK=INCIDENTDEADLINES`, audited as entity `incident_deadlines`."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from govhub.domain.entities import Page
from govhub.incidents.deadlines import DeadlinesDocument, parse_deadlines
from govhub.incidents.domain import Incident, IncidentStatus, ProviderNotification, Severity, Step
from govhub.store import keys
from govhub.store.documents import VersionedDocuments
from govhub.store.items import _index, _Stamped, _TableMeta
from govhub.store.repository import (
    ConditionFailedError,
    SequenceRepository,
    _apply_stamp,
    _iso,
    _stamp_from,
    _transact,
    decode_cursor,
    encode_cursor,
)


class StepMap(MapAttribute):
    status = UnicodeAttribute()
    at = UnicodeAttribute()
    reference = UnicodeAttribute(null=True)
    by = UnicodeAttribute()
    note = UnicodeAttribute(null=True)


class NotificationMap(MapAttribute):
    notified_at = UnicodeAttribute()
    provider = UnicodeAttribute()
    reference = UnicodeAttribute(null=True)
    by = UnicodeAttribute()


class IncidentItem(_Stamped):
    class Meta(_TableMeta):
        pass

    revision = VersionAttribute()
    incident_id = NumberAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute()
    occurred_at = UnicodeAttribute()
    aware_at = UnicodeAttribute()
    severity = UnicodeAttribute()
    kind = UnicodeAttribute(null=True)
    deadline_at = UnicodeAttribute(null=True)
    deadline_days = NumberAttribute(null=True)
    deadline_article = UnicodeAttribute(null=True)
    deadlines_version = NumberAttribute(null=True)
    status = UnicodeAttribute()
    steps = ListAttribute(of=StepMap, default=list)
    overdue_marked_at = UnicodeAttribute(null=True)
    reported_late = BooleanAttribute(default=False)
    team = UnicodeAttribute(null=True)
    provider_notification = NotificationMap(null=True)
    gsi2pk = UnicodeAttribute(null=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(null=True, attr_name="GSI2SK")
    gsi3pk = UnicodeAttribute(null=True, attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(null=True, attr_name="GSI3SK")
    gsi9pk = UnicodeAttribute(null=True, attr_name="GSI9PK")
    gsi9sk = UnicodeAttribute(null=True, attr_name="GSI9SK")

    by_list = _index(keys.GSI_LIST)()
    by_model = _index(keys.GSI_RISK)()
    by_status = _index(keys.GSI_STATUS)()
    by_due = _index(keys.GSI_DUE)()


class DeadlineRulesRepository(VersionedDocuments[DeadlinesDocument]):
    def __init__(self) -> None:
        super().__init__(keys.INCIDENT_DEADLINES_PK, keys.ENTITY_INCIDENT_DEADLINES, parse_deadlines, "incident deadlines")


class IncidentRepository:
    def __init__(self, sequences: SequenceRepository | None = None) -> None:
        self._sequences = sequences or SequenceRepository()
        self.deadlines = DeadlineRulesRepository()

    def allocate_id(self) -> int:
        (incident_id,) = self._sequences.allocate("incident")
        return incident_id

    def get(self, incident_id: int) -> Incident | None:
        try:
            return _incident(IncidentItem.get(keys.incident_pk(incident_id), keys.META, consistent_read=True))
        except DoesNotExist:
            return None

    def create(self, incident: Incident) -> Incident:
        item = _item(incident)

        def build(transaction: TransactWrite) -> None:
            transaction.save(item, condition=IncidentItem.pk.does_not_exist())

        _transact(build)
        return _incident(item)

    def save(self, incident: Incident) -> Incident:
        """Fails with ConditionFailedError if the incident changed since `incident.revision` was read."""
        item = _item(incident)

        def build(transaction: TransactWrite) -> None:
            transaction.save(item)

        _transact(build)
        return _incident(item)

    def list(self, filters: dict[str, Any], limit: int, cursor: str | None) -> Page:
        """Newest awareness first; by one index-backed filter (status or model) or none."""
        if filters.get("status"):
            partition = keys.incidents_in_status(str(filters["status"]))
            results = IncidentItem.by_status.query(partition, scan_index_forward=False, limit=limit, page_size=limit,
                                                   last_evaluated_key=decode_cursor(cursor, IncidentItem.by_status, partition))
        elif filters.get("model_id") is not None:
            partition = keys.incidents_of_model(int(filters["model_id"]))
            results = IncidentItem.by_model.query(partition, scan_index_forward=False, limit=limit, page_size=limit,
                                                  last_evaluated_key=decode_cursor(cursor, IncidentItem.by_model, partition))
        else:
            results = IncidentItem.by_list.query(keys.INCIDENTS_LIST, scan_index_forward=False, limit=limit, page_size=limit,
                                                 last_evaluated_key=decode_cursor(cursor, IncidentItem.by_list, keys.INCIDENTS_LIST))
        return Page(items=[_incident(item) for item in results], next_cursor=encode_cursor(results.last_evaluated_key))

    def report_due_by(self, until: datetime) -> builtins.list[Incident]:
        """Serious incidents whose initial report is owed by `until` (the due-date index holds only unreported ones)."""
        bound = keys.due_sort_key(_iso(until), "~")
        return [_incident(item) for item in IncidentItem.by_due.query(
            keys.due_partition(keys.DUE_INCIDENT_REPORT), IncidentItem.gsi9sk <= bound)]


def _item(incident: Incident) -> IncidentItem:
    aware = _iso(incident.aware_at)
    order = keys.incident_sort_key(aware, incident.id)
    item = IncidentItem(
        keys.incident_pk(incident.id), keys.META, entity=keys.ENTITY_INCIDENT, model_id=incident.model_id,
        incident_id=incident.id, title=incident.title, description=incident.description,
        occurred_at=_iso(incident.occurred_at), aware_at=aware, severity=incident.severity.value, kind=incident.kind,
        deadline_at=_iso(incident.deadline_at) if incident.deadline_at else None, deadline_days=incident.deadline_days,
        deadline_article=incident.deadline_article, deadlines_version=incident.deadlines_version, status=incident.status.value,
        steps=[StepMap(status=s.status.value, at=_iso(s.at), reference=s.reference, by=s.by, note=s.note) for s in incident.steps],
        overdue_marked_at=_iso(incident.overdue_marked_at) if incident.overdue_marked_at else None,
        reported_late=incident.reported_late, team=incident.team,
        provider_notification=NotificationMap(
            notified_at=_iso(incident.provider_notification.notified_at), provider=incident.provider_notification.provider,
            reference=incident.provider_notification.reference, by=incident.provider_notification.by,
        ) if incident.provider_notification else None,
        gsi1pk=keys.INCIDENTS_LIST, gsi1sk=order,
        gsi2pk=keys.incidents_of_model(incident.model_id), gsi2sk=order,
        gsi3pk=keys.incidents_in_status(incident.status.value), gsi3sk=order,
    )
    if incident.status is IncidentStatus.OPEN and incident.deadline_at is not None:  # the initial report is owed
        item.gsi9pk = keys.due_partition(keys.DUE_INCIDENT_REPORT)
        item.gsi9sk = keys.due_sort_key(_iso(incident.deadline_at), f"{incident.id:012d}")
    _apply_stamp(item, incident.stamp)
    if incident.revision is not None:
        item.revision = incident.revision
    return item


def _incident(item: IncidentItem) -> Incident:
    note = item.provider_notification
    return Incident(
        id=int(item.incident_id), model_id=int(item.model_id), title=item.title, description=item.description,
        occurred_at=datetime.fromisoformat(item.occurred_at), aware_at=datetime.fromisoformat(item.aware_at),
        severity=Severity(item.severity), stamp=_stamp_from(item), kind=item.kind,
        deadline_at=_time(item.deadline_at), deadline_days=int(item.deadline_days) if item.deadline_days is not None else None,
        deadline_article=item.deadline_article,
        deadlines_version=int(item.deadlines_version) if item.deadlines_version is not None else None,
        status=IncidentStatus(item.status),
        steps=[Step(IncidentStatus(s.status), datetime.fromisoformat(s.at), s.reference, s.by, s.note) for s in item.steps or []],
        overdue_marked_at=_time(item.overdue_marked_at), reported_late=bool(item.reported_late), team=item.team,
        provider_notification=ProviderNotification(datetime.fromisoformat(note.notified_at), note.provider, note.reference, note.by)
        if note is not None else None,
        revision=int(item.revision) if item.revision else None,
    )


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


__all__ = ["ConditionFailedError", "IncidentRepository"]
