"""The template's functions: in this process (`FunctionHost`, for tests), or in warm containers (`FunctionPool`).

A container is a process of its own serving one invocation at a time, with its own module state, as in Lambda:
a function answers as many requests at once as it has containers, and requests to one function never share a
resolver, a current event or a cache with requests to another.
"""

from __future__ import annotations

import functools
import importlib.util
import multiprocessing
import signal
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from local_stack.events import LambdaContext
from local_stack.template import Template

ROOT = Path(__file__).resolve().parent.parent
LAYER_PATH = ROOT / "layers" / "govhub"


class Function(Protocol):
    """What the gateway and the stream pump invoke: a function in this process or in its containers."""

    name: str

    def invoke(self, event: dict[str, Any]) -> Any: ...


def ensure_layer_on_path() -> None:
    """Lambda puts the layer's python/ folder on sys.path; locally the layer's source folder stands in."""
    if str(LAYER_PATH) not in sys.path:
        sys.path.insert(0, str(LAYER_PATH))


class FunctionHost:
    def __init__(self, name: str, handler_path: Path, handler_name: str = "lambda_handler") -> None:
        self.name = name
        self._path = handler_path
        self._handler_name = handler_name
        self._handler: Callable[[dict[str, Any], Any], Any] | None = None
        self._module: ModuleType | None = None
        self._lock = threading.Lock()  # a Lambda container serves one request at a time

    @property
    def module(self) -> ModuleType:
        """The handler's module, loaded (a cold start) if it was not yet: its clients and caches, for tests."""
        with self._lock:
            if self._handler is None:
                self._handler = self._load()
        assert self._module is not None
        return self._module

    def _load(self) -> Callable[[dict[str, Any], Any], Any]:
        ensure_layer_on_path()
        module_name = f"govhub_fn_{self.name}"
        spec = importlib.util.spec_from_file_location(module_name, self._path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {self._path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        # the function's own folder is on the path in Lambda, for sibling modules
        folder = str(self._path.parent)
        sys.path.insert(0, folder)
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[module_name]  # a failed cold start leaves nothing half-loaded, as a failed import does
            raise
        finally:
            sys.path.remove(folder)
        self._module = module
        return getattr(module, self._handler_name)

    def invoke(self, event: dict[str, Any]) -> Any:
        with self._lock:
            if self._handler is None:
                self._handler = self._load()
            return self._handler(event, LambdaContext(self.name))


def _handlers(template: Template) -> dict[str, tuple[Path, str]]:
    """Each function's handler file and handler name (`app.lambda_handler` → app.py, lambda_handler)."""
    return {name: (template.handler_path(name), function["Properties"]["Handler"].rsplit(".", 1)[1])
            for name, function in template.functions().items()}


def load_functions(template: Template) -> dict[str, FunctionHost]:
    return {name: FunctionHost(name, path, handler) for name, (path, handler) in _handlers(template).items()}


def function_pools(template: Template, max_containers: int) -> dict[str, FunctionPool]:
    return {name: FunctionPool(name, path, handler, max_containers) for name, (path, handler) in _handlers(template).items()}


class FunctionError(Exception):
    """What the function raised in its container (its message; the container's traceback is a note)."""


# Containers are forked from a server process that has already imported what the functions share (never from
# this threaded process): a cold start costs a fork and the function's own modules, not a whole interpreter.
_PRELOAD = [
    "boto3", "botocore.client", "pydantic", "pynamodb.models", "pynamodb.transactions", "jose.jwt",
    "aws_lambda_powertools.event_handler", "aws_lambda_powertools.logging", "aws_lambda_powertools.utilities.batch",
    "local_stack.container_warmup",
]


@functools.cache
def _containers() -> Any:
    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows: a fresh interpreter per container
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


class Container:
    """One warm container: a process that loads the function on its first event and answers one event at a time."""

    def __init__(self, name: str, handler_path: Path, handler_name: str) -> None:
        self.name = name
        self.alive = True
        self._pipe, theirs = _containers().Pipe()
        self._process = _containers().Process(target=_serve, args=(theirs, name, str(handler_path), handler_name),
                                       name=f"container-{name}", daemon=True)
        self._process.start()
        theirs.close()

    def invoke(self, event: dict[str, Any]) -> Any:
        try:
            self._pipe.send(event)
            outcome, payload = self._pipe.recv()
        except (EOFError, OSError) as error:
            self.alive = False
            raise FunctionError(f"the {self.name} container exited") from error
        if outcome == "error":
            failure = FunctionError(payload["message"])
            failure.add_note(payload["traceback"])
            raise failure
        return payload

    def stop(self) -> None:
        self.alive = False
        self._pipe.close()  # the container reads the end of its events and exits
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)


def _serve(pipe: Connection, name: str, handler_path: str, handler_name: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the stack stops us
    host = FunctionHost(name, Path(handler_path), handler_name)
    while True:
        try:
            event = pipe.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[str, Any] = ("ok", host.invoke(event))
        except Exception as error:  # noqa: BLE001 - the caller gets it, as Lambda's invoke reports a function error
            answer = ("error", {"message": str(error), "traceback": traceback.format_exc()})
        try:
            pipe.send(answer)
        except (EOFError, OSError):
            return


IDLE_SECONDS = 120.0  # a container idle this long is stopped (the function's warmest one stays), as Lambda retires them


class FunctionPool:
    """A function's warm containers: an idle one takes the event, or a new one starts (a cold start), up to a limit;
    beyond it the event waits for the first container to finish, as a function at its concurrency limit would.
    Containers left idle after a burst are stopped after a while, all but the warmest."""

    def __init__(self, name: str, handler_path: Path, handler_name: str = "lambda_handler", max_containers: int = 8,
                 idle_seconds: float = IDLE_SECONDS) -> None:
        self.name = name
        self._path, self._handler_name, self._max = handler_path, handler_name, max(1, max_containers)
        self._idle_seconds = idle_seconds
        self._idle: list[tuple[Container, float]] = []  # with when each became idle; the most recently used last
        self._started = 0
        self._stopped = False
        self._changed = threading.Condition()
        _REAPER.watch(self)

    def invoke(self, event: dict[str, Any]) -> Any:
        container = self._take()
        try:
            return container.invoke(event)
        finally:
            self._give_back(container)

    def _take(self) -> Container:
        with self._changed:
            while not self._stopped and not self._idle and self._started >= self._max:
                self._changed.wait()
            if self._stopped:
                raise FunctionError(f"the {self.name} function is stopped")
            if self._idle:
                return self._idle.pop()[0]  # the most recently used: the warmest
            self._started += 1
        try:
            return Container(self.name, self._path, self._handler_name)
        except BaseException:
            with self._changed:
                self._started -= 1
                self._changed.notify()
            raise

    def _give_back(self, container: Container) -> None:
        with self._changed:
            keep = container.alive and not self._stopped
            if keep:
                self._idle.append((container, time.monotonic()))
            else:
                self._started -= 1
            self._changed.notify()
        if not keep:
            container.stop()

    def retire_idle(self, now: float) -> None:
        """Stop the containers idle for longer than the pool keeps them, except the most recently used one."""
        with self._changed:
            older = self._idle[:-1]  # the most recently used one stays warm
            retired = [container for container, since in older if now - since > self._idle_seconds]
            self._idle = [entry for entry in self._idle if entry[0] not in retired]
            self._started -= len(retired)
            self._changed.notify()
        for container in retired:
            container.stop()

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            idle, self._idle = self._idle, []
            self._changed.notify_all()
        for container, _ in idle:
            container.stop()


class _Reaper:
    """One thread for every pool: every few seconds, each pool stops the containers it no longer needs."""

    def __init__(self, every_seconds: float = 10) -> None:
        self._pools: weakref.WeakSet[FunctionPool] = weakref.WeakSet()
        self._every = every_seconds
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def watch(self, pool: FunctionPool) -> None:
        with self._lock:
            self._pools.add(pool)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="container-reaper", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(self._every)
            with self._lock:
                pools = list(self._pools)
            for pool in pools:
                pool.retire_idle(time.monotonic())


_REAPER = _Reaper()
