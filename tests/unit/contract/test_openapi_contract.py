"""The OpenAPI document is the contract: docs/openapi.json is what the routes document, and the dashboard's API
types (frontend/src/api/schema.d.ts) are generated from it. `make openapi` regenerates both."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic.fields import FieldInfo

from govhub import schemas
from govhub.api.openapi import openapi_json

ROOT = Path(__file__).resolve().parents[3]
CONTRACT = ROOT / "docs" / "openapi.json"
FRONTEND = ROOT / "frontend"
REGENERATE = "run `make openapi` and commit docs/openapi.json and frontend/src/api/schema.d.ts"


def differences(committed: Any, live: Any, where: str = "") -> list[str]:
    """Where two JSON documents differ, as dotted paths (`components.schemas.ModelOut.properties.team: ...`)."""
    if isinstance(committed, dict) and isinstance(live, dict):
        found = []
        for key in sorted(committed.keys() | live.keys()):
            path = f"{where}.{key}" if where else key
            if key not in live:
                found.append(f"{path}: only in docs/openapi.json")
            elif key not in committed:
                found.append(f"{path}: only in the routes' document")
            else:
                found += differences(committed[key], live[key], path)
        return found
    if isinstance(committed, list) and isinstance(live, list) and len(committed) == len(live):
        return [d for i, (a, b) in enumerate(zip(committed, live, strict=True)) for d in differences(a, b, f"{where}[{i}]")]
    return [] if committed == live else [f"{where}: {json.dumps(committed)[:80]} in docs/openapi.json, {json.dumps(live)[:80]} in the routes"]


def test_the_committed_contract_is_what_the_routes_document() -> None:
    drift = differences(json.loads(CONTRACT.read_text()), json.loads(openapi_json()))
    assert drift == [], f"docs/openapi.json is out of date ({REGENERATE}):\n" + "\n".join(drift[:20])


@pytest.fixture
def field_added_to_model_out() -> Iterator[str]:
    """ModelOut gains a field in the schema only, as a change that forgot the contract would."""
    schemas.ModelOut.model_fields["cost_centre"] = FieldInfo(annotation=str | None, default=None)
    schemas.ModelOut.model_rebuild(force=True)
    try:
        yield "cost_centre"
    finally:
        del schemas.ModelOut.model_fields["cost_centre"]
        schemas.ModelOut.model_rebuild(force=True)


def test_a_field_added_to_an_output_schema_alone_is_drift(field_added_to_model_out: str) -> None:
    drift = differences(json.loads(CONTRACT.read_text()), json.loads(openapi_json()))
    assert f"components.schemas.ModelOut.properties.{field_added_to_model_out}: only in the routes' document" in drift


@pytest.mark.skipif(shutil.which("node") is None or not (FRONTEND / "node_modules" / "openapi-typescript").exists(),
                    reason="needs node and frontend/node_modules (make install)")
def test_the_dashboards_api_types_are_generated_from_the_committed_contract() -> None:
    check = subprocess.run(["node", "scripts/api-types.mjs", "--check"], cwd=FRONTEND, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr


def test_every_route_in_the_permission_table_is_in_the_contract() -> None:
    # the permission table lists every route the functions serve (a route missing from it is refused)
    from govhub.auth.permissions import ROUTE_PERMISSIONS

    documented = {(method.upper(), path) for path, operations in json.loads(CONTRACT.read_text())["paths"].items() for method in operations}
    assert set(ROUTE_PERMISSIONS) - documented == set(), f"served but not in docs/openapi.json: add its router to govhub/api/openapi.py, then {REGENERATE}"
