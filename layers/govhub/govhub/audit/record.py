"""Building one audit record (before it is sealed) and where it is stored.

The record format is described in ``docs/audit-trail.md``. ``audit_stream`` turns a committed
change (a stream record's old and new images) into ``new_record(...)``, seals it with
``chain.seal(record, prev_hash)`` and stores ``chain.encode_record(sealed)`` under
``audit_record_key(model_id, sequence)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from govhub.audit.chain import SCHEMA

Entity = Literal["model", "version", "metric", "report", "policy", "approval", "team", "timeline", "attestation", "evidence", "frameworks",
                 "monitoring_plan", "finding", "review", "incident", "incident_deadlines", "dataset", "dataset_version"]
Action = Literal["create", "update", "status_change", "risk_change", "delete", "report_generated", "approval_sealed"]
ENTITIES: tuple[str, ...] = ("model", "version", "metric", "report", "policy", "approval", "team", "timeline", "attestation", "evidence", "frameworks",
                             "monitoring_plan", "finding", "review", "incident", "incident_deadlines", "dataset", "dataset_version")
ACTIONS: tuple[str, ...] = ("create", "update", "status_change", "risk_change", "delete", "report_generated", "approval_sealed")

AUDIT_PREFIX = "audit/"
_KEY = re.compile(r"^audit/model=(\d+)/(\d{10})\.json$")


def audit_model_prefix(model_id: int) -> str:
    """The S3 prefix under which one model's records sort in sequence order."""
    return f"{AUDIT_PREFIX}model={model_id}/"


def audit_record_key(model_id: int, sequence: int) -> str:
    """``audit/model=<model_id>/<sequence:010d>.json``."""
    if sequence < 1:
        raise ValueError("audit sequences start at 1")
    return f"{audit_model_prefix(model_id)}{sequence:010d}.json"


def parse_audit_record_key(key: str) -> tuple[int, int]:
    """``(model_id, sequence)`` of an audit record key; ValueError for any other key."""
    match = _KEY.match(key)
    if match is None:
        raise ValueError(f"not an audit record key: {key!r}")
    return int(match.group(1)), int(match.group(2))


def field_changes(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    exclude: Iterable[str] = (),
) -> dict[str, dict[str, Any]]:
    """``{field: {"before", "after"}}`` for every field whose value differs.

    A create (``before`` None) lists every field with ``before`` null; a delete (``after`` None)
    lists every field with ``after`` null, which keeps the deleted object's last state.
    """
    skip = set(exclude)
    old = before or {}
    new = after or {}
    changes: dict[str, dict[str, Any]] = {}
    for name in sorted(set(old) | set(new)):
        if name in skip:
            continue
        was, now = old.get(name), new.get(name)
        if before is None or after is None or was != now:
            changes[name] = {"before": was if before is not None else None, "after": now if after is not None else None}
    return changes


def new_record(
    *,
    model_id: int,
    sequence: int,
    entity: Entity,
    entity_id: int,
    action: Action,
    actor: Mapping[str, str],
    reason: str | None,
    time: datetime | str,
    changes: Mapping[str, Mapping[str, Any]],
    event_id: str,
    claimed_context: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """An unsealed record: everything but ``prev_hash`` and ``hash``.

    ``claimed_context`` (only present when a caller sent one) is what a pipeline said about its run: repository,
    run id, commit. It is recorded as claimed, never verified, and never used for a decision."""
    if entity not in ENTITIES:
        raise ValueError(f"unknown audit entity {entity!r}")
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if sequence < 1:
        raise ValueError("audit sequences start at 1")
    if not actor.get("username") or not actor.get("role"):
        raise ValueError("an audit record names its actor's username and role")
    record = {
        "schema": SCHEMA,
        "model_id": model_id,
        "sequence": sequence,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "actor": {"username": actor["username"], "role": actor["role"]},
        "reason": reason,
        "time": format_time(time),
        "changes": {name: {"before": c.get("before"), "after": c.get("after")} for name, c in changes.items()},
        "event_id": event_id,
    }
    if claimed_context:
        record["claimed_context"] = dict(claimed_context)
    return record


def format_time(value: datetime | str) -> str:
    """ISO 8601 in UTC with microseconds, e.g. ``2026-11-25T14:03:11.123456+00:00``."""
    moment = parse_time(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        raise ValueError("audit times must carry a time zone")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_time(value: str) -> datetime:
    """A record's ``time`` as an aware datetime."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"audit time without a time zone: {value!r}")
    return moment
