"""Hostile request bodies and text: every function's body parser and every shared text type refuse them cleanly."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import FRAUD_DETECTOR, Api

NESTED = ("[" * 30_000 + "]" * 30_000).encode()
WRITE_ROUTES = [
    ("POST", "/api/v1/models"),
    ("PATCH", "/api/v1/models/1"),
    ("POST", "/api/v1/versions"),
    ("POST", "/api/v1/metrics"),
    ("PUT", "/api/v1/policies/active"),
    ("POST", "/api/v1/reports/bulk"),
    ("POST", "/api/v1/imports"),
    ("POST", "/api/v1/teams"),
]


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES)
def test_a_body_nested_thirty_thousand_deep_is_a_400_on_every_body_route(api: Api, method: str, path: str) -> None:
    answer = api.call(method, path, raw=NESTED)
    assert answer.status == 400, answer.body
    assert answer.body["error"]["code"] == "bad_request"
    assert "nested" in answer.body["error"]["message"]


def test_a_body_just_past_the_documented_depth_is_refused_and_one_at_it_is_read(api: Api) -> None:
    from govhub.api.bodies import MAX_JSON_DEPTH

    def nested(depth: int) -> dict[str, Any]:
        value: Any = "x"
        for _ in range(depth - 1):
            value = [value]
        return {**FRAUD_DETECTOR, "description": value}

    too_deep = api.post("/api/v1/models", nested(MAX_JSON_DEPTH + 1), role="model_owner")
    assert too_deep.status == 400 and "nested" in too_deep.body["error"]["message"]
    at_limit = api.post("/api/v1/models", nested(MAX_JSON_DEPTH), role="model_owner")
    assert at_limit.status == 422  # read, then refused by its schema: a description is text, not a list


def test_an_idempotent_request_with_a_deep_body_is_a_400_too(api: Api) -> None:
    answer = api.call("POST", "/api/v1/models", raw=NESTED, role="model_owner", headers={"Idempotency-Key": "deep-1"})
    assert answer.status == 400, answer.body


BAD_TEXT = {
    "NUL": "fraud\x00detector",
    "escape": "fraud\x1b[31mdetector",
    "C1 control": "fraud\x9bdetector",
    "right-to-left override": "fraud\u202edetector",
    "left-to-right embedding": "fraud\u202adetector",
    "first strong isolate": "fraud\u2068detector",
    "zero width space": "fraud\u200bdetector",
    "zero width joiner": "fraud\u200ddetector",
    "byte order mark": "fraud\ufeffdetector",
    "newline in a name": "fraud\ndetector",
}


@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
@pytest.mark.parametrize("field", ["name", "owner", "domain"])
def test_control_bidi_and_invisible_characters_are_refused_in_short_text(api: Api, field: str, text: str) -> None:
    answer = api.post("/api/v1/models", {**FRAUD_DETECTOR, field: text}, role="model_owner")
    assert answer.status == 422, answer.body
    assert answer.body["error"]["details"][0]["field"] == field


@pytest.mark.parametrize("text", [BAD_TEXT["right-to-left override"], BAD_TEXT["escape"]], ids=["bidi", "escape"])
def test_reasons_and_tags_refuse_them_too(api: Api, model: dict[str, Any], text: str) -> None:
    status = api.patch(f"/api/v1/models/{model['id']}/compliance-status", {"status": "retired", "reason": text}, role="model_owner")
    assert status.status == 422, status.body
    tag = api.post("/api/v1/versions", {"model_id": model["id"], "version_tag": f"v1{text}", "s3_path": "s3://m/v1"}, role="model_owner")
    assert tag.status == 422, tag.body
    deleted = api.call("DELETE", f"/api/v1/models/{model['id']}", query=f"reason=gone{text}", role="admin")
    assert deleted.status == 422, deleted.body


def test_long_text_keeps_newlines_and_tabs_but_not_other_controls(api: Api) -> None:
    kept = api.post("/api/v1/models", {**FRAUD_DETECTOR, "description": "line one\n\tline two"}, role="model_owner")
    assert kept.status == 201, kept.body
    assert kept.body["description"] == "line one\n\tline two"
    refused = api.post("/api/v1/models", {**FRAUD_DETECTOR, "name": "other", "description": "a\x07b\u202ec"}, role="model_owner")
    assert refused.status == 422, refused.body


def test_a_look_alike_name_collides_with_the_registered_one(api: Api, model: dict[str, Any]) -> None:
    fullwidth = "ｆｒａｕｄ－ｄｅｔｅｃｔｏｒ－ｖ２"  # NFKC: fraud-detector-v2
    answer = api.post("/api/v1/models", {**FRAUD_DETECTOR, "name": fullwidth}, role="model_owner")
    assert answer.status == 409, answer.body
    assert answer.body["error"]["code"] == "duplicate_name"


def test_a_name_is_stored_in_its_nfkc_form(api: Api) -> None:
    answer = api.post("/api/v1/models", {**FRAUD_DETECTOR, "name": "ﬁnance-scorer"}, role="model_owner")  # ﬁ ligature
    assert answer.status == 201, answer.body
    assert answer.body["name"] == "finance-scorer"


def test_a_delete_reason_in_the_body_is_held_to_the_same_rule(api: Api, model: dict[str, Any]) -> None:
    answer = api.call("DELETE", f"/api/v1/models/{model['id']}", {"reason": "gone\u2066"}, role="admin")
    assert answer.status == 422, answer.body


def test_a_deeply_nested_run_context_header_is_a_400(api: Api) -> None:
    answer = api.call("GET", "/api/v1/models", role="model_owner", headers={"X-Govhub-Run-Context": "[" * 1020 + "]" * 1020})
    assert answer.status == 400, answer.body


def test_a_cursor_is_good_only_for_the_list_that_issued_it(api: Api) -> None:
    from tests.classify import classification_path

    # Given three overridden models with two versions each, two teams, and a next-page cursor from each of six lists
    assert api.post("/api/v1/teams", {"slug": "risk-office", "display_name": "Risk office"}, role="admin").status == 201
    ids = []
    for n in range(3):
        model = api.post("/api/v1/models/", {**FRAUD_DETECTOR, "name": f"cursor-model-{n}", "risk_level": "high"}, role="admin").body
        ids.append(model["id"])
        classified = api.post(classification_path(model["id"]), {"answers": {}, "operator_role": "provider", "risk_level": "high",
                                                                 "justification": "the deployer uses it for credit decisions"}, role="admin")
        assert classified.status == 200, classified.body
        for tag in ("v1.0.0", "v1.1.0"):
            api.post("/api/v1/versions", {"model_id": model["id"], "version_tag": tag, "s3_path": f"s3://m/{n}/{tag}.pkl"}, role="admin")
    lists = {
        "models": ("/api/v1/models", "limit=1"),
        "search": ("/api/v1/models", "limit=1&q=cursor-model"),
        "overrides": ("/api/v1/classification/overrides", "limit=1"),
        "versions of the first": ("/api/v1/versions", f"model_id={ids[0]}&limit=1"),
        "teams": ("/api/v1/teams", "limit=1"),
        "approvals": ("/api/v1/models/1/approvals", "limit=1"),
    }
    issued = {}
    for name, (path, query) in lists.items():
        page = api.get(path, query=query, role="auditor")
        assert page.status in (200, 404), (name, page.body)
        if page.status == 200 and page.body.get("next_cursor"):
            issued[name] = page.body["next_cursor"]
    assert {"models", "search", "overrides", "versions of the first", "teams"} <= set(issued)
    # When each list is given its own cursor, then every other list's
    for name, (path, query) in lists.items():
        if name not in issued:
            continue
        own = api.get(path, query=f"{query}&cursor={issued[name]}", role="auditor")
        assert own.status == 200, (name, own.body)
        for other, cursor in issued.items():
            if other == name:
                continue
            # Then a foreign cursor is the 400 a made-up one is, never a 500 (or another list's page)
            answer = api.get(path, query=f"{query}&cursor={cursor}", role="auditor")
            assert answer.status == 400, (name, other, answer.body)
            assert (answer.body["error"]["code"], answer.body["error"]["message"]) == ("bad_request", "The cursor is not one this API issued for this list.")
    # And a cursor of the first model's versions does not page the second model's
    other_model = api.get("/api/v1/versions", query=f"model_id={ids[1]}&limit=1&cursor={issued['versions of the first']}", role="auditor")
    assert other_model.status == 400
