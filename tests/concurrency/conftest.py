"""Fixtures of the concurrency suite: tokens for separate clients of the proof stack (tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.helpers import Client, sign_in


@pytest.fixture(scope="module")
def tokens(proof_stack: dict[str, Any]) -> dict[str, str]:
    return {role: sign_in(proof_stack, role)["IdToken"] for role in ("admin", "model_owner", "auditor")}


@pytest.fixture(scope="module")
def admin(proof_stack: dict[str, Any], tokens: dict[str, str]) -> Client:
    return Client(proof_stack, token=tokens["admin"])
