"""As-of replay: what the model looked like at a past moment, from its audit records alone."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from audit_factory import ADMIN, APPROVAL_SNAPSHOT, OWNER, History, realistic_history

from govhub.audit import state_as_of

HOUR = timedelta(hours=1)


@pytest.fixture
def history() -> History:
    return realistic_history()


def test_before_the_model_was_registered_there_is_nothing(history: History) -> None:
    assert state_as_of(history.records, history.at(1) - timedelta(microseconds=1)) is None


def test_at_the_moment_of_creation_the_model_is_a_draft_without_versions(history: History) -> None:
    # When asked at exactly the create record's time (the bound is inclusive)
    state = state_as_of(history.records, history.at(1))

    # Then the model is there as registered
    assert state is not None
    assert state["model"]["id"] == 7
    assert state["model"]["name"] == "fraud-detector-v2"
    assert state["model"]["owner"] == "ML Team"
    assert state["model"]["compliance_status"] == "draft"
    assert state["model"]["risk_level"] == "minimal"
    assert state["model"]["intended_purpose"] == "Flag suspicious card payments for human review"
    assert state["latest_version"] is None
    assert state["metrics"] == {}
    assert state["approved"] is None
    assert state["deleted"] is False
    assert state["last_change"] == {
        "sequence": 1,
        "time": history.records[0]["time"],
        "actor": OWNER,
        "action": "create",
        "entity": "model",
        "entity_id": 7,
        "reason": "Registered",
    }


def test_after_evaluation_the_first_version_carries_its_metrics(history: History) -> None:
    state = state_as_of(history.records, history.at(4) + HOUR)

    assert state is not None
    assert state["latest_version"] == {
        "id": 31,
        "version_tag": "v1.0.0",
        "s3_path": "s3://models/fraud/v1.0.0.tar.gz",
        "sha256": "a" * 64,
    }
    assert state["metrics"] == {"accuracy": 0.91, "f1": 0.88}
    assert state["model"]["compliance_status"] == "draft"


def test_under_review_the_model_is_not_approved_and_the_reason_is_kept(history: History) -> None:
    state = state_as_of(history.records, history.at(5) + HOUR)

    assert state is not None
    assert state["model"]["compliance_status"] == "under_review"
    assert state["approved"] is None
    assert state["last_change"]["action"] == "status_change"
    assert state["last_change"]["reason"] == "Ready for compliance review"


def test_the_risk_change_shows_with_its_justification(history: History) -> None:
    state = state_as_of(history.records, history.at(6))

    assert state is not None
    assert state["model"]["risk_level"] == "high"
    assert state["model"]["risk_justification"] == "Credit decisions: Annex III 5(b)"
    assert state["last_change"]["actor"] == ADMIN


def test_once_approved_it_names_the_version_and_the_approver(history: History) -> None:
    state = state_as_of(history.records, history.at(7) + HOUR)

    assert state is not None
    assert state["model"]["compliance_status"] == "approved"
    assert state["approved"] == {
        "version_id": 31,
        "version_tag": "v1.0.0",
        "by": "demo-admin",
        "role": "admin",
        "time": history.records[6]["time"],
        "reason": "Bias audit passed",
        "snapshot_sha256": APPROVAL_SNAPSHOT,
        "signoffs": [{"by": "demo-admin", "role": "admin", "at": "2025-01-07T09:00:00+00:00", "reason": "Bias audit passed"}],
    }


def test_a_newer_version_does_not_change_which_version_was_approved(history: History) -> None:
    # Given v1.1.0 registered and evaluated after v1.0.0 was approved
    state = state_as_of(history.records, history.at(9) + HOUR)

    # Then the latest version and its metrics are v1.1.0's, but the approval still names v1.0.0
    assert state is not None
    assert state["latest_version"] is not None
    assert state["latest_version"]["version_tag"] == "v1.1.0"
    assert state["metrics"] == {"accuracy": 0.93}
    assert state["approved"] is not None
    assert state["approved"]["version_id"] == 31
    assert state["approved"]["version_tag"] == "v1.0.0"


def test_after_retirement_no_approval_is_in_force(history: History) -> None:
    state = state_as_of(history.records, history.at(10) + timedelta(days=365))

    assert state is not None
    assert state["model"]["compliance_status"] == "retired"
    assert state["approved"] is None
    assert state["last_change"]["sequence"] == 10
    assert state["last_change"]["reason"] == "Replaced by fraud-detector-v3"


def test_the_answer_does_not_depend_on_the_order_records_are_given(history: History) -> None:
    shuffled = list(history.records)
    random.Random(4).shuffle(shuffled)
    moment = history.at(8)
    assert state_as_of(shuffled, moment) == state_as_of(history.records, moment)


def test_a_time_without_a_zone_is_taken_as_utc(history: History) -> None:
    moment = history.at(7)
    assert state_as_of(history.records, moment.replace(tzinfo=None)) == state_as_of(history.records, moment)


def test_without_an_approved_version_id_the_latest_version_at_approval_is_named() -> None:
    # Given records that do not carry approved_version_id
    h = History()
    h.add("model", 7, "create", {"name": (None, "scorer"), "compliance_status": (None, "draft")})
    h.add("version", 40, "create", {"version_tag": (None, "v1"), "s3_path": (None, "s3://m/v1")})
    h.add("version", 41, "create", {"version_tag": (None, "v2"), "s3_path": (None, "s3://m/v2")})
    h.add("model", 7, "status_change", {"compliance_status": ("draft", "under_review")})
    h.add("model", 7, "status_change", {"compliance_status": ("under_review", "approved")}, actor=ADMIN, reason="ok")

    state = state_as_of(h.records, h.at(5))

    assert state is not None
    assert state["approved"] is not None
    assert (state["approved"]["version_id"], state["approved"]["version_tag"], state["approved"]["by"]) == (41, "v2", "demo-admin")


def test_a_re_approval_after_review_names_the_new_version_and_approver() -> None:
    h = realistic_history()
    h.records = h.records[:9]  # up to v1.1.0's metrics, while v1.0.0 is approved
    h.times = h.times[:9]
    h.add("model", 7, "status_change", {"compliance_status": ("approved", "under_review")}, reason="New version")
    h.add(
        "model",
        7,
        "status_change",
        {"compliance_status": ("under_review", "approved"), "approved_version_id": (31, 32)},
        actor={"username": "officer", "role": "admin"},
        reason="v1.1.0 passed",
    )

    during_review = state_as_of(h.records, h.at(10))
    approved_again = state_as_of(h.records, h.at(11))

    assert during_review is not None
    assert during_review["approved"] is None
    assert approved_again is not None
    assert approved_again["approved"] is not None
    assert (approved_again["approved"]["version_id"], approved_again["approved"]["by"]) == (32, "officer")


def test_the_last_value_recorded_for_a_metric_wins() -> None:
    h = History()
    h.add("model", 7, "create", {"name": (None, "scorer")})
    h.add("version", 40, "create", {"version_tag": (None, "v1")})
    h.add("metric", 1, "create", {"metric_name": (None, "auc"), "value": (None, 0.8), "version_id": (None, 40)})
    h.add("metric", 2, "create", {"metric_name": (None, "auc"), "value": (None, 0.82), "version_id": (None, 40)})

    assert state_as_of(h.records, h.at(3))["metrics"] == {"auc": 0.8}
    assert state_as_of(h.records, h.at(4))["metrics"] == {"auc": 0.82}


def test_a_deleted_model_keeps_its_last_state_and_says_who_deleted_it(history: History) -> None:
    # Given the admin deletes the model with a reason; the delete record carries its last state
    last = state_as_of(history.records, history.at(10))
    assert last is not None
    last_state = {name: value for name, value in last["model"].items() if name != "id"}
    history.add(
        "model",
        7,
        "delete",
        {name: (value, None) for name, value in last_state.items()},
        actor=ADMIN,
        reason="Duplicate registration",
    )

    before = state_as_of(history.records, history.at(11) - timedelta(microseconds=1))
    after = state_as_of(history.records, history.at(11))

    assert before is not None
    assert before["deleted"] is False
    assert after is not None
    assert after["deleted"] is True
    assert after["model"] == last["model"]
    assert after["last_change"]["action"] == "delete"
    assert after["last_change"]["actor"] == ADMIN
    assert after["last_change"]["reason"] == "Duplicate registration"


def test_a_deleted_version_is_no_longer_the_latest() -> None:
    h = History()
    h.add("model", 7, "create", {"name": (None, "scorer")})
    h.add("version", 40, "create", {"version_tag": (None, "v1")})
    h.add("version", 41, "create", {"version_tag": (None, "v2")})
    h.add("version", 41, "delete", {"version_tag": ("v2", None)})

    state = state_as_of(h.records, h.at(4))
    assert state is not None
    assert state["latest_version"] is not None
    assert state["latest_version"]["id"] == 40


def test_records_of_two_models_are_refused(history: History) -> None:
    other = dict(history.records[0], model_id=8)
    with pytest.raises(ValueError, match="several models"):
        state_as_of([*history.records, other], history.at(10))


PLAN = [{"metric": "accuracy", "min": 0.9, "max": None, "description": None}]


def test_the_monitoring_plan_in_force_is_the_one_written_before_the_moment(history: History) -> None:
    # Given a plan written after the model was registered, then its cadence shortened
    history.add("monitoring_plan", 7, "create", {"metrics": (None, PLAN), "review_cadence_days": (None, 90),
                                                 "reviewers": (None, ["officer"]), "method_notes": (None, "Weekly drift job")},
                reason="Monitoring plan written")
    first = history.at(len(history.records))
    history.add("monitoring_plan", 7, "update", {"review_cadence_days": (90, 30)}, actor=ADMIN, reason="Quarterly is too slow")

    # When asked before the plan, between the two writes, and after the change
    before = state_as_of(history.records, history.at(1))
    between = state_as_of(history.records, first)
    after = state_as_of(history.records, history.at(len(history.records)))

    # Then each answer shows the plan in force then, with who changed it last and why
    assert before is not None and before["monitoring_plan"] is None
    assert between is not None and between["monitoring_plan"] == {
        "metrics": PLAN, "review_cadence_days": 90, "reviewers": ["officer"], "method_notes": "Weekly drift job",
        "changed_at": history.records[-2]["time"], "changed_by": "demo-owner", "reason": "Monitoring plan written",
    }
    assert after is not None and after["monitoring_plan"]["review_cadence_days"] == 30
    assert after["monitoring_plan"]["metrics"] == PLAN
    assert after["monitoring_plan"]["changed_by"] == "demo-admin"
    assert after["monitoring_plan"]["reason"] == "Quarterly is too slow"


def test_a_version_shows_the_datasets_and_base_model_it_declared(history: History) -> None:
    declared = {"datasets": [{"role": "training", "dataset": "card-transactions", "version_tag": "2025.12"}],
                "base_model": None}
    history.add("version", 33, "create", {"version_tag": (None, "v2.0.0"), "s3_path": (None, "s3://models/fraud/v2.0.0"),
                                          "sha256": (None, "d" * 64), "inputs": (None, json.dumps(declared))})

    state = state_as_of(history.records, history.at(len(history.records)))

    assert state is not None
    assert state["latest_version"]["version_tag"] == "v2.0.0"
    assert state["latest_version"]["inputs"] == declared
