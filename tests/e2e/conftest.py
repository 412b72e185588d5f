"""The local stack, started once per test session in its own process on free ports, exactly as `make dev` runs it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.harness import StackDidNotStartError, start_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The running hub with its demo data: the dict `.local/stack.json` holds (api_url, users, ci credentials, ...)."""
    try:
        started = start_stack(tmp_path_factory.mktemp("stack"), demo_data=True)
    except StackDidNotStartError as error:
        pytest.fail(str(error))
    yield started.info
    started.stop()
