"""Fixtures of the fuzzing suite: the proof stack (empty registry, so fuzzing creates what it needs)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.infra.proof_stack import shared_stack


@pytest.fixture(scope="session")
def proof_stack() -> Iterator[dict[str, Any]]:
    yield from shared_stack()
