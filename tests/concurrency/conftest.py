"""Fixtures of the concurrency suite: the proof stack and tokens for separate clients."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.helpers import Client, sign_in
from tests.infra.proof_stack import shared_stack


@pytest.fixture(scope="session")
def proof_stack() -> Iterator[dict[str, Any]]:
    yield from shared_stack()


@pytest.fixture(scope="module")
def tokens(proof_stack: dict[str, Any]) -> dict[str, str]:
    return {role: sign_in(proof_stack, role)["IdToken"] for role in ("admin", "model_owner", "auditor")}


@pytest.fixture(scope="module")
def admin(proof_stack: dict[str, Any], tokens: dict[str, str]) -> Client:
    return Client(proof_stack, token=tokens["admin"])
