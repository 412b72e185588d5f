"""Audit records and chains for the tests: random ones for properties, a realistic model history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from govhub.audit import GENESIS_HASH, new_record, seal

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
OWNER = {"username": "demo-owner", "role": "model_owner"}
ADMIN = {"username": "demo-admin", "role": "admin"}

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
# Generating records dominates the run time; no example needs a deadline, a few dozen find the edge cases.
thorough = settings(deadline=None, max_examples=60)

json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@st.composite
def record_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """What an unsealed record's free-form parts may hold: any text, any number, nested values."""
    fields = draw(st.dictionaries(st.text(min_size=1, max_size=12), json_values, max_size=4))
    return {
        "entity": draw(st.sampled_from(["model", "version", "metric", "report", "policy"])),
        "entity_id": draw(st.integers(min_value=1, max_value=10_000)),
        "action": draw(st.sampled_from(["create", "update", "status_change", "risk_change", "delete"])),
        "actor": {"username": draw(st.text(min_size=1, max_size=12)), "role": draw(st.sampled_from(["admin", "model_owner"]))},
        "reason": draw(st.none() | st.text(max_size=40)),
        "changes": {name: {"before": None, "after": value} for name, value in fields.items()},
    }


def chain_from(bodies: list[dict[str, Any]], model_id: int = 7) -> list[dict[str, Any]]:
    """Seal ``bodies`` into one model's chain, a minute apart."""
    records: list[dict[str, Any]] = []
    prev = GENESIS_HASH
    for index, body in enumerate(bodies):
        sequence = index + 1
        record = seal(
            new_record(
                model_id=model_id,
                sequence=sequence,
                time=T0 + timedelta(minutes=index),
                event_id=f"event-{model_id}-{sequence}",
                **body,
            ),
            prev,
        )
        prev = record["hash"]
        records.append(record)
    return records


def chains_of(min_size: int = 1, max_size: int = 10) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Random sealed chains of one model."""
    return st.lists(record_bodies(), min_size=min_size, max_size=max_size).map(chain_from)


chains = chains_of()


def simple_chain(length: int, model_id: int = 7) -> list[dict[str, Any]]:
    """A chain of ``length`` plain model updates."""
    bodies = [
        {
            "entity": "model",
            "entity_id": model_id,
            "action": "update",
            "actor": OWNER,
            "reason": f"edit {n}",
            "changes": {"description": {"before": f"text {n}", "after": f"text {n + 1}"}, "score": {"before": n / 10, "after": (n + 1) / 10}},
        }
        for n in range(length)
    ]
    return chain_from(bodies, model_id)


class History:
    """One model's life, as the audit stream would record it; ``at(n)`` is when step n committed."""

    MODEL_ID = 7

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.times: list[datetime] = []

    def at(self, step: int) -> datetime:
        return self.times[step - 1]

    def add(
        self,
        entity: str,
        entity_id: int,
        action: str,
        changes: dict[str, tuple[Any, Any]],
        actor: dict[str, str] = OWNER,
        reason: str | None = None,
        when: datetime | None = None,
    ) -> int:
        sequence = len(self.records) + 1
        moment = when or (self.times[-1] + timedelta(days=1) if self.times else T0)
        record = seal(
            new_record(
                model_id=self.MODEL_ID,
                sequence=sequence,
                entity=entity,
                entity_id=entity_id,
                action=action,
                actor=actor,
                reason=reason,
                time=moment,
                changes={name: {"before": before, "after": after} for name, (before, after) in changes.items()},
                event_id=f"evt-{sequence}",
            ),
            self.records[-1]["hash"] if self.records else GENESIS_HASH,
        )
        self.records.append(record)
        self.times.append(moment)
        return sequence


APPROVAL_SNAPSHOT = "c" * 64  # the sealed snapshot's hash the approving change records on the model

MODEL_FIELDS = {
    "name": "fraud-detector-v2",
    "owner": "ML Team",
    "description": "Scores card transactions for fraud",
    "domain": "finance",
    "risk_level": "minimal",
    "risk_justification": None,
    "compliance_status": "draft",
    "intended_purpose": "Flag suspicious card payments for human review",
    "approved_version_id": None,
}


def realistic_history() -> History:
    """create → v1.0.0 → metrics → under_review → high risk → approved → v1.1.0 → metrics → retired.

    Steps (``History.at(step)``): 1 create, 2 version 31, 3 accuracy, 4 f1, 5 under_review, 6 risk high,
    7 approved (version 31, by demo-admin), 8 version 32, 9 accuracy of 32, 10 retired.
    """
    h = History()
    h.add("model", 7, "create", {name: (None, value) for name, value in MODEL_FIELDS.items()}, reason="Registered")
    h.add("version", 31, "create", {"version_tag": (None, "v1.0.0"), "s3_path": (None, "s3://models/fraud/v1.0.0.tar.gz"), "sha256": (None, "a" * 64)})
    h.add("metric", 501, "create", {"metric_name": (None, "accuracy"), "value": (None, 0.91), "version_id": (None, 31)})
    h.add("metric", 502, "create", {"metric_name": (None, "f1"), "value": (None, 0.88), "version_id": (None, 31)})
    h.add("model", 7, "status_change", {"compliance_status": ("draft", "under_review")}, reason="Ready for compliance review")
    h.add(
        "model",
        7,
        "risk_change",
        {"risk_level": ("minimal", "high"), "risk_justification": (None, "Credit decisions: Annex III 5(b)")},
        actor=ADMIN,
        reason="Credit decisions: Annex III 5(b)",
    )
    h.add(
        "model",
        7,
        "status_change",
        {"compliance_status": ("under_review", "approved"), "approved_version_id": (None, 31),
         "approval": (None, {"snapshot_sha256": APPROVAL_SNAPSHOT, "required_signoffs": 1, "signoffs": [
             {"by": "demo-admin", "role": "admin", "at": "2025-01-07T09:00:00+00:00", "reason": "Bias audit passed", "version_id": 31}]})},
        actor=ADMIN,
        reason="Bias audit passed",
    )
    h.add("version", 32, "create", {"version_tag": (None, "v1.1.0"), "s3_path": (None, "s3://models/fraud/v1.1.0.tar.gz"), "sha256": (None, "b" * 64)})
    h.add("metric", 503, "create", {"metric_name": (None, "accuracy"), "value": (None, 0.93), "version_id": (None, 32)})
    h.add("model", 7, "status_change", {"compliance_status": ("approved", "retired")}, actor=ADMIN, reason="Replaced by fraud-detector-v3")
    return h
