"""Concurrent writers over HTTP, each with its own connection: optimistic locking, unique names, exact counters.

The local gateway, like one Lambda container per function, runs one request at a time per function; the
requests still arrive together from separate clients, so every write below races on `expected_revision`,
on the name guard and on the counters exactly as concurrent Lambda containers would.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
import requests

from local_stack.demo import DEMO_PIPELINE_TEAM
from tests.concurrency.recount import (
    all_models,
    dashboard_counters,
    recount,
    settled_audit_records,
)
from tests.e2e.helpers import Client
from tests.infra.results import note

pytestmark = pytest.mark.e2e

CLIENTS = 50
TEAM = DEMO_PIPELINE_TEAM  # the demo model owner's team: the races mix admins and that owner
T = TypeVar("T")


def all_at_once(count: int, call: Callable[[int, requests.Session], T]) -> list[T]:
    """Run `call(i, session)` in `count` threads, each with its own session, released together by a barrier."""
    barrier = threading.Barrier(count)

    def run(i: int) -> T:
        with requests.Session() as session:
            barrier.wait(timeout=60)
            return call(i, session)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def _code(answer: requests.Response) -> str | None:
    try:
        return answer.json().get("error", {}).get("code")
    except ValueError:
        return None


def test_fifty_updates_with_the_same_expected_revision_let_exactly_one_through(
    proof_stack: dict[str, Any], tokens: dict[str, str], admin: Client
) -> None:
    # Given a model at some revision
    model = admin.post("/models", json={"name": f"race-update-{uuid.uuid4().hex[:8]}", "owner": "Race", "team": TEAM}).json()
    revision = model["revision"]
    url = f"{proof_stack['api_url']}/models/{model['id']}"

    # When fifty clients each send an update based on that same revision
    def update(i: int, session: requests.Session) -> requests.Response:
        token = tokens["admin" if i % 2 else "model_owner"]
        return session.patch(url, json={"description": f"writer {i}", "expected_revision": revision},
                             headers={"Authorization": f"Bearer {token}"}, timeout=60)

    answers = all_at_once(CLIENTS, update)
    # Then exactly one is applied, and the other 49 are told the model moved on
    assert Counter(a.status_code for a in answers) == {200: 1, 409: CLIENTS - 1}
    assert {_code(a) for a in answers if a.status_code == 409} == {"stale_revision"}
    winner = next(a.json() for a in answers if a.status_code == 200)
    after = admin.get(f"/models/{model['id']}").json()
    assert after["revision"] == revision + 1
    assert after["description"] == winner["description"]
    note("concurrency", "same-revision updates", f"{CLIENTS} clients: 1 applied, {CLIENTS - 1} x 409 stale_revision")


def test_fifty_status_changes_from_the_same_revision_move_the_model_once(
    proof_stack: dict[str, Any], tokens: dict[str, str], admin: Client
) -> None:
    # Given a draft model with a registered version (what the policy set asks before a review)
    model = admin.post("/models", json={"name": f"race-status-{uuid.uuid4().hex[:8]}", "owner": "Race", "team": TEAM}).json()
    version = admin.post("/versions", json={"model_id": model["id"], "version_tag": "v1", "s3_path": "s3://models/race/v1"})
    assert version.status_code == 201, version.text
    model = admin.get(f"/models/{model['id']}").json()
    url = f"{proof_stack['api_url']}/models/{model['id']}/compliance-status"

    # When fifty reviewers submit it for review at once, all from the revision they read
    def submit(i: int, session: requests.Session) -> requests.Response:
        return session.patch(url, json={"status": "under_review", "reason": f"reviewer {i}", "expected_revision": model["revision"]},
                             headers={"Authorization": f"Bearer {tokens['model_owner']}"}, timeout=60)

    answers = all_at_once(CLIENTS, submit)
    # Then one submission is recorded; the rest are refused as stale, and the model moved exactly one step
    assert Counter(a.status_code for a in answers) == {200: 1, 409: CLIENTS - 1}
    assert {_code(a) for a in answers if a.status_code == 409} == {"stale_revision"}
    after = admin.get(f"/models/{model['id']}").json()
    assert (after["compliance_status"], after["revision"]) == ("under_review", model["revision"] + 1)
    note("concurrency", "same-revision status changes", f"{CLIENTS} clients: 1 applied, {CLIENTS - 1} x 409 stale_revision")


def test_fifty_creates_of_the_same_name_make_one_model(proof_stack: dict[str, Any], tokens: dict[str, str], admin: Client) -> None:
    # Given a name nobody uses yet, and the dashboard total
    name = f"race-create-{uuid.uuid4().hex[:8]}"
    total = dashboard_counters(admin)["total"]

    # When fifty clients register it at once (half of them in upper case: names are unique case-insensitively)
    def create(i: int, session: requests.Session) -> requests.Response:
        spelled = name.upper() if i % 2 else name
        return session.post(f"{proof_stack['api_url']}/models", json={"name": spelled, "owner": f"Team {i}"},
                            headers={"Authorization": f"Bearer {tokens['model_owner']}"}, timeout=60)

    answers = all_at_once(CLIENTS, create)
    # Then one model exists, and the other 49 callers are pointed at it
    assert Counter(a.status_code for a in answers) == {201: 1, 409: CLIENTS - 1}
    winner = next(a.json() for a in answers if a.status_code == 201)
    assert {(_code(a), a.json()["error"]["details"]["model_id"]) for a in answers if a.status_code == 409} == {("duplicate_name", winner["id"])}
    found = admin.get("/models", params={"name": name}).json()["items"]
    assert [m["id"] for m in found] == [winner["id"]]
    assert dashboard_counters(admin)["total"] == total + 1
    note("concurrency", "same-name creates", f"{CLIENTS} clients: 1 model, {CLIENTS - 1} x 409 duplicate_name naming it")


# -- a burst of mixed writes ----------------------------------------------------------------------------
# What a correct API answers correct clients racing each other (and the active policy set refusing a transition).
ALLOWED_REFUSALS = {404: {"not_found"}, 409: {"stale_revision", "transition_not_allowed", "model_retired", "duplicate_version"},
                    422: {"policy_violation"}}


@dataclass
class Ledger:
    """What the writers were told was committed, per model: (entity, action) of every acknowledged write."""

    changes: dict[int, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    versions: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    deleted: set[int] = field(default_factory=set)
    refusals: Counter[str] = field(default_factory=Counter)
    unexpected: list[tuple[str, int, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, model_id: int, entity: str, action: str) -> None:
        with self.lock:
            self.changes[model_id].append((entity, action))


class Writer:
    def __init__(self, base: str, token: str, ledger: Ledger, models: list[int], rng: random.Random, admin: bool) -> None:
        self.base, self.ledger, self.models, self.rng, self.admin = base, ledger, models, rng, admin
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response | None:
        answer = self.session.request(method, f"{self.base}{path}", timeout=60, **kwargs)
        if answer.status_code >= 400:
            code = _code(answer) or str(answer.status_code)
            with self.ledger.lock:
                if code in ALLOWED_REFUSALS.get(answer.status_code, set()):
                    self.ledger.refusals[code] += 1
                else:
                    self.ledger.unexpected.append((f"{method} {path}", answer.status_code, answer.text[:300]))
            return None
        return answer

    def step(self) -> None:
        kind = self.rng.choices(["create", "update", "risk", "status", "version", "metric", "delete"],
                                weights=[2, 3, 2, 3, 3, 3, 1 if self.admin else 0])[0]
        if kind == "create" or not self.models:
            body = {"name": f"burst-{uuid.uuid4().hex[:10]}", "owner": "Burst", "team": TEAM,
                    "risk_level": self.rng.choice(["minimal", "limited", "high"])}
            answer = self._send("POST", "/models", json=body)
            if answer is not None:
                with self.ledger.lock:
                    self.models.append(answer.json()["id"])
                self.ledger.record(answer.json()["id"], "model", "create")
            return
        model_id = self.rng.choice(self.models)
        current = self._send("GET", f"/models/{model_id}")
        if current is None:
            return
        model = current.json()
        revision = model["revision"]
        if kind == "update":
            answer = self._send("PATCH", f"/models/{model_id}", json={"description": uuid.uuid4().hex, "expected_revision": revision})
            entity, action = "model", "update"
        elif kind == "risk":
            level = self.rng.choice([r for r in ("minimal", "limited", "high", "unacceptable") if r != model["risk_level"]])
            answer = self._send("PATCH", f"/models/{model_id}/risk-profile",
                                json={"risk_level": level, "justification": "burst", "expected_revision": revision})
            entity, action = "model", "risk_change"
        elif kind == "status":
            choices = [s for s in model["allowed_transitions"] if s != "retired" or self.rng.random() < 0.2]
            if not choices:
                return
            answer = self._send("PATCH", f"/models/{model_id}/compliance-status",
                                json={"status": self.rng.choice(choices), "reason": "burst", "expected_revision": revision})
            entity, action = "model", "status_change"
        elif kind == "version":
            answer = self._send("POST", "/versions", json={"model_id": model_id, "version_tag": f"v{uuid.uuid4().hex[:6]}",
                                                           "s3_path": f"s3://models/burst/{model_id}"})
            if answer is not None:
                with self.ledger.lock:
                    self.ledger.versions[model_id].append(answer.json()["id"])
            entity, action = "version", "create"
        elif kind == "metric":
            versions = self.ledger.versions.get(model_id)
            if not versions:
                return
            answer = self._send("POST", "/metrics", json={"version_id": self.rng.choice(versions), "metric_name": "accuracy",
                                                          "value": round(self.rng.random(), 4)})
            entity, action = "metric", "create"
        else:
            answer = self._send("DELETE", f"/models/{model_id}", params={"reason": "burst clean-up"})
            if answer is not None:
                with self.ledger.lock:
                    self.ledger.deleted.add(model_id)
                    self.models.remove(model_id)
            entity, action = "model", "delete"
        if answer is not None:
            self.ledger.record(model_id, entity, action)


def test_after_a_burst_of_mixed_writes_counters_equal_a_recount_and_every_change_is_audited_once(
    proof_stack: dict[str, Any], tokens: dict[str, str], admin: Client
) -> None:
    # Given a few shared models the writers will fight over
    ledger = Ledger()
    shared: list[int] = []
    for _ in range(4):
        model = admin.post("/models", json={"name": f"burst-shared-{uuid.uuid4().hex[:8]}", "owner": "Burst", "team": TEAM,
                                            "risk_level": "high"})
        shared.append(model.json()["id"])
        ledger.record(model.json()["id"], "model", "create")

    # When ten writers (admins and model owners, each on its own connection) make twelve changes each at once
    def write(i: int, session: requests.Session) -> None:
        writer = Writer(proof_stack["api_url"], tokens["admin" if i % 3 == 0 else "model_owner"], ledger, shared,
                        random.Random(i), admin=i % 3 == 0)
        for _ in range(12):
            writer.step()

    all_at_once(10, write)

    # Then no write failed in an unexpected way, and some really raced
    assert ledger.unexpected == []
    assert sum(len(c) for c in ledger.changes.values()) > 40
    # And the dashboard's counters equal a recount of the models themselves
    models = all_models(admin)
    assert dashboard_counters(admin) == recount(models)
    listed = {m["id"] for m in models}
    assert set(ledger.changes) - ledger.deleted <= listed
    assert not ledger.deleted & listed
    # And each model's audit trail holds exactly one record per acknowledged change, and verifies
    expected = {model_id: len(changes) for model_id, changes in ledger.changes.items()}
    trails = settled_audit_records(admin, expected)
    assert {m: len(r) for m, r in trails.items()} == expected
    assert {m: Counter((r["entity"], r["action"]) for r in records) for m, records in trails.items()} == \
        {m: Counter(_as_recorded(c) for c in changes) for m, changes in ledger.changes.items()}
    for model_id, records in trails.items():
        verification = admin.get(f"/models/{model_id}/audit-logs/verify").json()
        assert verification["intact"] is True and verification["records"] == len(records), (model_id, verification)
    note("concurrency", "mixed burst", f"10 writers, {sum(expected.values())} acknowledged changes over {len(expected)} models, "
         f"refusals {dict(ledger.refusals)}: counters equal the recount of {len(models)} models; every change audited once, "
         "every chain verifies")


def _as_recorded(change: tuple[str, str]) -> tuple[str, str]:
    return change
