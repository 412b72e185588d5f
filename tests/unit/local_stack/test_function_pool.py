"""The local stack's warm containers: a function answers several requests at once, each container with its own state.

A function here is a small handler file; the pool runs it as the stack runs the template's functions.
"""

from __future__ import annotations

import os
import textwrap
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from local_stack.functions import FunctionError, FunctionPool

HANDLER = textwrap.dedent("""
    import os
    import time

    calls = 0  # module state, as a warm container keeps it

    def lambda_handler(event, context):
        global calls
        calls += 1
        if event.get("fail"):
            raise ValueError(event["fail"])
        if event.get("exit"):
            os._exit(3)
        time.sleep(event.get("sleep", 0))
        return {"pid": os.getpid(), "calls": calls, "function": context.function_name}
""")


@pytest.fixture
def handler(tmp_path: Path) -> Path:
    path = tmp_path / "app.py"
    path.write_text(HANDLER)
    return path


@pytest.fixture
def pools(handler: Path) -> Iterator[Any]:
    started: list[FunctionPool] = []

    def pool(max_containers: int) -> FunctionPool:
        started.append(FunctionPool("Probe", handler, "lambda_handler", max_containers))
        return started[-1]

    yield pool
    for each in started:
        each.stop()


def at_once(pool: FunctionPool, events: list[dict[str, Any]]) -> list[Any]:
    with ThreadPoolExecutor(len(events)) as threads:
        return list(threads.map(pool.invoke, events))


def test_a_function_answers_as_many_requests_at_once_as_it_has_containers(pools: Any) -> None:
    # Given a function with three containers, all warm
    pool = pools(3)
    at_once(pool, [{"sleep": 0.3}] * 3)
    # When three requests that take a second each arrive together
    started = time.monotonic()
    answers = at_once(pool, [{"sleep": 1}] * 3)
    # Then they are answered together, by three containers
    assert time.monotonic() - started < 2.5
    assert len({a["pid"] for a in answers}) == 3
    assert {a["function"] for a in answers} == {"Probe"}


def test_beyond_its_containers_a_request_waits_for_one(pools: Any) -> None:
    # Given a function with two containers
    pool = pools(2)
    # When five requests arrive together
    answers = at_once(pool, [{"sleep": 0.2}] * 5)
    # Then all are answered, by no more than two containers
    assert len(answers) == 5
    assert len({a["pid"] for a in answers}) <= 2


def test_a_warm_container_keeps_its_module_state_and_others_do_not_share_it(pools: Any) -> None:
    # Given a function with one container, called three times
    single = pools(1)
    answers = [single.invoke({}) for _ in range(3)]
    # Then one process answered, and its module state carried over
    assert [a["calls"] for a in answers] == [1, 2, 3]
    assert len({a["pid"] for a in answers}) == 1
    assert answers[0]["pid"] != os.getpid()
    # And a container of another pool starts from its own module state
    assert pools(1).invoke({})["calls"] == 1


def test_the_functions_error_reaches_the_caller_with_its_message_and_traceback(pools: Any) -> None:
    pool = pools(1)
    with pytest.raises(FunctionError) as failed:
        pool.invoke({"fail": "Unauthorized"})
    assert str(failed.value) == "Unauthorized"  # what the gateway reads from an authorizer that refuses
    assert any("ValueError: Unauthorized" in note for note in failed.value.__notes__)
    assert pool.invoke({})["calls"] == 2  # the container lives on


def test_a_container_that_dies_is_replaced(pools: Any) -> None:
    # Given a warm container
    pool = pools(1)
    first = pool.invoke({})["pid"]
    # When the function makes its process exit
    with pytest.raises(FunctionError, match="container exited"):
        pool.invoke({"exit": True})
    # Then the next request gets a new container
    answer = pool.invoke({})
    assert answer["pid"] != first and answer["calls"] == 1


def test_stopping_the_pool_ends_its_containers(pools: Any) -> None:
    # Given a function with two warm containers
    pool = pools(2)
    pids = {a["pid"] for a in at_once(pool, [{"sleep": 0.3}] * 2)}
    # When the pool stops
    pool.stop()
    # Then their processes are gone, and a late request is refused
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)
    with pytest.raises(FunctionError, match="stopped"):
        pool.invoke({})


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped) counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_after_a_burst_idle_containers_are_retired_but_the_warmest(handler: Path) -> None:
    # Given a function that scaled to three containers for a burst
    pool = FunctionPool("Probe", handler, "lambda_handler", 3, idle_seconds=60)
    try:
        burst = {a["pid"] for a in at_once(pool, [{"sleep": 0.5}] * 3)}
        assert len(burst) == 3
        # When they have been idle for longer than the pool keeps them
        pool.retire_idle(time.monotonic() + 61)
        # Then two are stopped, and the next requests are answered warm by the one left
        survivors = {a["pid"] for a in at_once(pool, [{}] * 2)}
        assert len(survivors & burst) >= 1
        alive = [pid for pid in burst if _alive(pid)]
        deadline = time.monotonic() + 10
        while len(alive) > 1 and time.monotonic() < deadline:
            time.sleep(0.1)
            alive = [pid for pid in burst if _alive(pid)]
        assert len(alive) == 1
    finally:
        pool.stop()


def test_recently_used_containers_are_kept(pools: Any) -> None:
    # Given a function with two warm containers, just used
    pool = pools(2)
    used = {a["pid"] for a in at_once(pool, [{"sleep": 0.3}] * 2)}
    # When the reaper looks before they have been idle for long
    pool.retire_idle(time.monotonic())
    # Then both still answer
    assert {a["pid"] for a in at_once(pool, [{"sleep": 0.3}] * 2)} == used


def test_a_containers_botocore_sessions_use_the_data_read_before_the_fork(tmp_path: Path) -> None:
    # Given a function that makes a DynamoDB client in its container, as the functions do on first use
    path = tmp_path / "app.py"
    path.write_text(textwrap.dedent("""
        import sys
        import botocore.session

        def lambda_handler(event, context):
            session = botocore.session.Session()
            session.create_client("dynamodb", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
            warmed = sys.modules["local_stack.container_warmup"]._shared
            return {"shared": session.get_component("data_loader") is warmed}
    """))
    pool = FunctionPool("Probe", path, "lambda_handler", 1)
    try:
        # Then its session reads from the loader warmed in the server the container was forked from
        assert pool.invoke({}) == {"shared": True}
    finally:
        pool.stop()
