"""API answers are never stored by a browser or a proxy: every one, success or error, says Cache-Control: no-store."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import Api


@pytest.mark.parametrize(("method", "path", "role"), [
    ("GET", "/api/v1/models", "auditor"),
    ("GET", "/api/v1/models/{id}", "auditor"),
    ("GET", "/api/v1/dashboard/stats", "auditor"),
    ("GET", "/api/v1/models/999999", "auditor"),            # 404
    ("PATCH", "/api/v1/models/{id}", "auditor"),            # 403
    ("GET", "/api/v1/health", None),
    ("GET", "/api/v1/policies/active", "auditor"),
    ("GET", "/api/v1/models/{id}/audit-logs", "auditor"),
])
def test_every_answer_says_no_store(api: Api, model: dict[str, Any], method: str, path: str, role: str | None) -> None:
    answer = api.call(method, path.format(id=model["id"]), {"owner": "x"} if method == "PATCH" else None, role=role)
    headers = {k.lower(): v for k, v in answer.headers.items()}
    assert headers.get("cache-control") == "no-store", (answer.status, headers)
