"""Idempotency-Key: a retried create returns the first answer and creates nothing twice."""

from __future__ import annotations

from tests.integration.conftest import Api


def test_the_same_key_twice_creates_one_version(api: Api, model: dict) -> None:
    body = {"model_id": model["id"], "version_tag": "v1.0.0", "s3_path": "s3://b/v1"}
    first = api.post("/api/v1/versions", body, headers={"Idempotency-Key": "run-42-version"})
    retry = api.post("/api/v1/versions", body, headers={"Idempotency-Key": "run-42-version"})
    assert first.status == retry.status == 201
    assert retry.body == first.body
    assert len(api.get(f"/api/v1/models/{model['id']}/versions").body["items"]) == 1


def test_the_same_key_with_another_body_is_refused(api: Api) -> None:
    api.post("/api/v1/models", {"name": "a", "owner": "x"}, headers={"Idempotency-Key": "k1"})
    other = api.post("/api/v1/models", {"name": "b", "owner": "x"}, headers={"Idempotency-Key": "k1"})
    assert other.status == 422 and other.body["error"]["code"] == "idempotency_key_reused"
    assert api.get("/api/v1/dashboard/stats").body["total"] == 1


def test_a_failed_request_is_not_remembered(api: Api, model: dict) -> None:
    missing = api.post("/api/v1/versions", {"model_id": 999, "version_tag": "v1", "s3_path": "s3://b"}, headers={"Idempotency-Key": "k2"})
    assert missing.status == 404
    fixed = api.post("/api/v1/versions", {"model_id": 999, "version_tag": "v1", "s3_path": "s3://b"}, headers={"Idempotency-Key": "k2"})
    assert fixed.status == 404  # still answered, not replayed from a store


def test_keys_are_per_caller(api: Api) -> None:
    first = api.post("/api/v1/models", {"name": "per-caller", "owner": "x"}, headers={"Idempotency-Key": "shared"}, user="one")
    second = api.post("/api/v1/models", {"name": "per-caller", "owner": "x"}, headers={"Idempotency-Key": "shared"}, user="two")
    assert first.status == 201 and second.status == 409  # not a replay of someone else's answer


def test_a_metric_batch_retried_records_once(api: Api, model: dict) -> None:
    version = api.post("/api/v1/versions", {"model_id": model["id"], "version_tag": "v1", "s3_path": "s3://b"}).body
    batch = {"version_id": version["id"], "metrics": [{"metric_name": f"m{i}", "value": i / 10} for i in range(5)]}
    for _ in range(3):
        assert api.post("/api/v1/metrics", batch, headers={"Idempotency-Key": "eval-7"}).status == 201
    assert len(api.get(f"/api/v1/versions/{version['id']}/metrics").body["items"]) == 5
