"""Post-market monitoring in the single table: plans, review schedules, findings, reviews and observations.

Plans, findings and reviews are audited in their model's chain; the review schedule and the observations are not
(bookkeeping and production data, not changes of the record). The schedule still carries an `entity` and a stamp:
the notifier announces its changes of state (`Review Due`, `Review Overdue`) from the stream, saying who and why. It
sits in the sparse GSI9 under DUE#review by its due date, so the daily sweep reads only what falls due.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from govhub.domain.entities import Page
from govhub.monitoring.domain import (
    Finding,
    FindingStatus,
    MetricBound,
    MonitoringPlan,
    Observation,
    Review,
    ReviewOutcome,
    ReviewSchedule,
    ReviewState,
)
from govhub.policy.facts import MonitoringFacts
from govhub.store import keys
from govhub.store.items import _index, _Stamped, _TableMeta
from govhub.store.repository import ConditionFailedError, _apply_stamp, _iso, _stamp_from, _transact, decode_cursor, encode_cursor

DueIndex = _index(keys.GSI_DUE)


class BoundMap(MapAttribute):
    metric = UnicodeAttribute()
    min = NumberAttribute(null=True)
    max = NumberAttribute(null=True)
    description = UnicodeAttribute(null=True)


class MonitoringPlanItem(_Stamped):
    class Meta(_TableMeta):
        pass

    revision = VersionAttribute()
    metrics = ListAttribute(of=BoundMap)
    review_cadence_days = NumberAttribute()
    reviewers = ListAttribute(of=UnicodeAttribute, default=list)
    method_notes = UnicodeAttribute(null=True)


class ReviewScheduleItem(_Stamped):
    class Meta(_TableMeta):
        pass

    due_at = UnicodeAttribute()
    cadence_days = NumberAttribute()
    state = UnicodeAttribute(default=ReviewState.SCHEDULED.value)
    last_review_at = UnicodeAttribute(null=True)
    marked_at = UnicodeAttribute(null=True)
    gsi9pk = UnicodeAttribute(null=True, attr_name="GSI9PK")
    gsi9sk = UnicodeAttribute(null=True, attr_name="GSI9SK")

    by_due = DueIndex()


class FindingItem(_Stamped):
    class Meta(_TableMeta):
        pass

    revision = VersionAttribute()
    metric = UnicodeAttribute()
    status = UnicodeAttribute()
    opened_at = UnicodeAttribute()
    reason = UnicodeAttribute()
    last_value = NumberAttribute()
    last_observed_at = UnicodeAttribute()
    environment = UnicodeAttribute()
    min = NumberAttribute(null=True)
    max = NumberAttribute(null=True)
    breaches = NumberAttribute(default=0)
    resolved_at = UnicodeAttribute(null=True)

    by_list = _index(keys.GSI_LIST)()


class ReviewItem(_Stamped):
    class Meta(_TableMeta):
        pass

    review_id = UnicodeAttribute()
    outcome = UnicodeAttribute()
    notes = UnicodeAttribute()
    reviewed_at = UnicodeAttribute()
    next_due_at = UnicodeAttribute()


class ObservationItem(Model):
    class Meta(_TableMeta):
        pass

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    model_id = NumberAttribute()
    metric = UnicodeAttribute()
    value = NumberAttribute()
    observed_at = UnicodeAttribute()
    environment = UnicodeAttribute()
    recorded_by = UnicodeAttribute()
    recorded_at = UnicodeAttribute()


class MonitoringRepository:
    # -- plan and schedule ------------------------------------------------------------------------
    def get_plan(self, model_id: int) -> MonitoringPlan | None:
        try:
            item = MonitoringPlanItem.get(keys.model_pk(model_id), keys.MONITORING_PLAN_SK, consistent_read=True)
        except DoesNotExist:
            return None
        return _plan(item)

    def plan_writer(self, plan: MonitoringPlan, schedule: ReviewSchedule) -> Callable[[TransactWrite], None]:
        """The writes of a new or changed plan (conditioned on its revision) and its review schedule."""
        item = _plan_item(plan)

        def write(transaction: TransactWrite) -> None:
            transaction.save(item)  # a new plan: must not exist; a changed one: at the revision read (VersionAttribute)
            transaction.save(_schedule_item(schedule))

        return write

    def get_schedule(self, model_id: int) -> ReviewSchedule | None:
        try:
            item = ReviewScheduleItem.get(keys.model_pk(model_id), keys.REVIEW_SCHEDULE_SK, consistent_read=True)
        except DoesNotExist:
            return None
        return _schedule(item)

    def schedules_due_by(self, until: datetime, limit: int | None = None, cursor: str | None = None) -> tuple[list[ReviewSchedule], str | None]:
        """Schedules whose due date is at or before `until` (the sweep reads only these), earliest first."""
        bound = keys.due_sort_key(_iso(until), "~")
        results = ReviewScheduleItem.by_due.query(
            keys.due_partition(keys.DUE_REVIEW), ReviewScheduleItem.gsi9sk <= bound,
            limit=limit, page_size=limit,
            last_evaluated_key=decode_cursor(cursor, ReviewScheduleItem.by_due, keys.due_partition(keys.DUE_REVIEW)),
        )
        items = [_schedule(item) for item in results]
        return items, encode_cursor(results.last_evaluated_key) if limit is not None else None

    def mark_schedule(self, schedule: ReviewSchedule) -> None:
        """Write the schedule's state with who marked it and why. Fails with ConditionFailedError when a review recorded
        meanwhile moved the due date."""
        if schedule.stamp is None:
            raise ValueError("a schedule is marked with the stamp of who marked it")
        item = _schedule_item(schedule)
        marked = ReviewScheduleItem.marked_at.set(_iso(schedule.marked_at)) if schedule.marked_at else ReviewScheduleItem.marked_at.remove()
        stamp = schedule.stamp
        try:
            item.update(actions=[
                ReviewScheduleItem.state.set(schedule.state.value), marked,
                ReviewScheduleItem.entity.set(keys.ENTITY_REVIEW_SCHEDULE),
                # a schedule written before schedules were stamped gets its creation from this mark
                ReviewScheduleItem.created_at.set(ReviewScheduleItem.created_at | _iso(stamp.created_at)),
                ReviewScheduleItem.created_by.set(ReviewScheduleItem.created_by | stamp.created_by),
                ReviewScheduleItem.updated_at.set(_iso(stamp.updated_at)),
                ReviewScheduleItem.updated_by.set(stamp.updated_by),
                ReviewScheduleItem.updated_by_role.set(stamp.updated_by_role),
                ReviewScheduleItem.change_reason.set(stamp.change_reason) if stamp.change_reason else ReviewScheduleItem.change_reason.remove(),
            ], condition=ReviewScheduleItem.due_at == _iso(schedule.due_at))
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise ConditionFailedError(str(error)) from error
            raise

    # -- reviews --------------------------------------------------------------------------------
    def record_review(self, review: Review, schedule: ReviewSchedule) -> None:
        item = ReviewItem(
            keys.model_pk(review.model_id), keys.review_sk(_iso(review.reviewed_at), review.review_id),
            entity=keys.ENTITY_REVIEW, model_id=review.model_id, review_id=review.review_id, outcome=review.outcome.value,
            notes=review.notes, reviewed_at=_iso(review.reviewed_at), next_due_at=_iso(review.next_due_at),
        )
        _apply_stamp(item, review.stamp)

        def build(transaction: TransactWrite) -> None:
            transaction.save(item, condition=ReviewItem.pk.does_not_exist())
            transaction.save(_schedule_item(schedule))

        _transact(build)

    def list_reviews(self, model_id: int, limit: int, cursor: str | None) -> Page:
        results = ReviewItem.query(
            keys.model_pk(model_id), ReviewItem.sk.startswith(keys.REVIEW), scan_index_forward=False,
            limit=limit, page_size=limit, last_evaluated_key=decode_cursor(cursor, ReviewItem, keys.model_pk(model_id)),
        )
        return Page(items=[_review(item) for item in results], next_cursor=encode_cursor(results.last_evaluated_key))

    # -- observations and findings --------------------------------------------------------------
    def put_observations(self, observations: Iterable[Observation]) -> int:
        """Store each observation (a resent one overwrites itself: same metric, time and environment, also within one
        batch, where the last one counts: DynamoDB refuses a batch that writes one key twice)."""
        latest = {(o.model_id, o.metric, _iso(o.observed_at), o.environment): o for o in observations}
        count = 0
        with ObservationItem.batch_write() as batch:
            for o in latest.values():
                batch.save(ObservationItem(
                    keys.observation_pk(o.model_id, o.metric), keys.observation_sk(_iso(o.observed_at), o.environment),
                    model_id=o.model_id, metric=o.metric, value=o.value, observed_at=_iso(o.observed_at),
                    environment=o.environment, recorded_by=o.recorded_by, recorded_at=_iso(o.recorded_at),
                ))
                count += 1
        return count

    def observations(self, model_id: int, metric: str, since: datetime | None, until: datetime | None,
                     limit: int, cursor: str | None) -> Page:
        """One metric's observations by time: one Query (a year of daily values is one page of 366)."""
        low = _iso(since) if since else "0"
        high = f"{_iso(until)}#~" if until else "~"
        results = ObservationItem.query(
            keys.observation_pk(model_id, metric), ObservationItem.sk.between(low, high),
            limit=limit, page_size=limit, last_evaluated_key=decode_cursor(cursor, ObservationItem, keys.observation_pk(model_id, metric)),
        )
        return Page(items=[_observation(item) for item in results], next_cursor=encode_cursor(results.last_evaluated_key))

    def findings(self, model_id: int) -> list[Finding]:
        """Every finding of the model (one per metric), in one Query."""
        return [_finding(item) for item in FindingItem.query(
            keys.model_pk(model_id), FindingItem.sk.startswith(keys.FINDING), consistent_read=True)]

    def save_findings(self, findings: list[Finding]) -> None:
        """Open, update or resolve findings in one transaction (each at the revision read)."""
        items = [_finding_item(f) for f in findings]

        def build(transaction: TransactWrite) -> None:
            for item in items:
                transaction.save(item)

        if items:
            _transact(build)

    def open_findings(self, limit: int, cursor: str | None) -> Page:
        """Open findings of every model, oldest first (the dashboard's needs-attention panel)."""
        results = FindingItem.by_list.query(keys.FINDINGS_OPEN, limit=limit, page_size=limit, last_evaluated_key=decode_cursor(cursor, FindingItem.by_list, keys.FINDINGS_OPEN))
        return Page(items=[_finding(item) for item in results], next_cursor=encode_cursor(results.last_evaluated_key))


# -- mapping ---------------------------------------------------------------------------------------
def _plan_item(plan: MonitoringPlan) -> MonitoringPlanItem:
    item = MonitoringPlanItem(
        keys.model_pk(plan.model_id), keys.MONITORING_PLAN_SK, entity=keys.ENTITY_MONITORING_PLAN, model_id=plan.model_id,
        metrics=[BoundMap(metric=b.metric, min=b.min, max=b.max, description=b.description) for b in plan.metrics],
        review_cadence_days=plan.review_cadence_days, reviewers=list(plan.reviewers), method_notes=plan.method_notes,
    )
    _apply_stamp(item, plan.stamp)
    if plan.revision is not None:
        item.revision = plan.revision
    return item


def _plan(item: MonitoringPlanItem) -> MonitoringPlan:
    return MonitoringPlan(
        model_id=int(item.model_id),
        metrics=tuple(MetricBound(b.metric, _num(b.min), _num(b.max), b.description) for b in item.metrics),
        review_cadence_days=int(item.review_cadence_days),
        reviewers=tuple(str(r) for r in item.reviewers or ()),
        method_notes=item.method_notes,
        stamp=_stamp_from(item),
        revision=int(item.revision) if item.revision else None,
    )


def _schedule_item(schedule: ReviewSchedule) -> ReviewScheduleItem:
    due = _iso(schedule.due_at)
    item = ReviewScheduleItem(
        keys.model_pk(schedule.model_id), keys.REVIEW_SCHEDULE_SK, entity=keys.ENTITY_REVIEW_SCHEDULE, model_id=schedule.model_id,
        due_at=due, cadence_days=schedule.cadence_days, state=schedule.state.value,
        last_review_at=_iso(schedule.last_review_at) if schedule.last_review_at else None,
        marked_at=_iso(schedule.marked_at) if schedule.marked_at else None,
        gsi9pk=keys.due_partition(keys.DUE_REVIEW), gsi9sk=keys.due_sort_key(due, f"{schedule.model_id:012d}"),
    )
    if schedule.stamp is not None:
        _apply_stamp(item, schedule.stamp)
    return item


def _schedule(item: ReviewScheduleItem) -> ReviewSchedule:
    return ReviewSchedule(
        model_id=int(item.model_id), due_at=datetime.fromisoformat(item.due_at), cadence_days=int(item.cadence_days),
        state=ReviewState(item.state), last_review_at=_time(item.last_review_at), marked_at=_time(item.marked_at),
        stamp=_stamp_from(item) if item.updated_at else None,  # none on a schedule written before schedules were stamped
    )


def _finding_item(finding: Finding) -> FindingItem:
    opened = _iso(finding.opened_at)
    item = FindingItem(
        keys.model_pk(finding.model_id), keys.finding_sk(finding.metric), entity=keys.ENTITY_FINDING, model_id=finding.model_id,
        metric=finding.metric, status=finding.status.value, opened_at=opened, reason=finding.reason,
        last_value=finding.last_value, last_observed_at=_iso(finding.last_observed_at), environment=finding.environment,
        min=finding.min, max=finding.max, breaches=finding.breaches,
        resolved_at=_iso(finding.resolved_at) if finding.resolved_at else None,
    )
    if finding.status is FindingStatus.OPEN:  # only open findings are in the needs-attention index
        item.gsi1pk = keys.FINDINGS_OPEN
        item.gsi1sk = keys.finding_open_sk(opened, finding.model_id, finding.metric)
    _apply_stamp(item, finding.stamp)
    if finding.revision is not None:
        item.revision = finding.revision
    return item


def _finding(item: FindingItem) -> Finding:
    return Finding(
        model_id=int(item.model_id), metric=item.metric, status=FindingStatus(item.status),
        opened_at=datetime.fromisoformat(item.opened_at), reason=item.reason, last_value=float(item.last_value),
        last_observed_at=datetime.fromisoformat(item.last_observed_at), environment=item.environment,
        min=_num(item.min), max=_num(item.max), breaches=int(item.breaches or 0), stamp=_stamp_from(item),
        resolved_at=_time(item.resolved_at), revision=int(item.revision) if item.revision else None,
    )


def _review(item: ReviewItem) -> Review:
    return Review(
        model_id=int(item.model_id), review_id=item.review_id, outcome=ReviewOutcome(item.outcome), notes=item.notes,
        reviewed_at=datetime.fromisoformat(item.reviewed_at), next_due_at=datetime.fromisoformat(item.next_due_at),
        stamp=_stamp_from(item),
    )


def _observation(item: ObservationItem) -> Observation:
    return Observation(
        model_id=int(item.model_id), metric=item.metric, value=float(item.value),
        observed_at=datetime.fromisoformat(item.observed_at), environment=item.environment,
        recorded_by=item.recorded_by, recorded_at=datetime.fromisoformat(item.recorded_at),
    )


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class MonitoringFactsReader:
    """What the policy's monitoring rules judge (govhub.policy.service.MonitoringEvidence): two reads per check."""

    def __init__(self, store: MonitoringRepository | None = None) -> None:
        self._store = store or MonitoringRepository()

    def monitoring_facts(self, model_id: int) -> MonitoringFacts:
        plan = self._store.get_plan(model_id)
        open_findings = tuple(
            {"metric": f.metric, "reason": f.reason, "value": f.last_value, "opened_at": f.opened_at.isoformat()}
            for f in self._store.findings(model_id) if f.status is FindingStatus.OPEN
        )
        return MonitoringFacts(plan.as_json() if plan else None, open_findings)
