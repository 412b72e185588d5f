"""The template's functions, loaded in this process: one warm "container" per function, one request at a time."""

from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from local_stack.events import LambdaContext
from local_stack.template import Template

ROOT = Path(__file__).resolve().parent.parent
LAYER_PATH = ROOT / "layers" / "govhub"


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
        self._lock = threading.Lock()  # a Lambda container serves one request at a time

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
        finally:
            sys.path.remove(folder)
        return getattr(module, self._handler_name)

    def invoke(self, event: dict[str, Any]) -> Any:
        with self._lock:
            if self._handler is None:
                self._handler = self._load()
            return self._handler(event, LambdaContext(self.name))


def load_functions(template: Template) -> dict[str, FunctionHost]:
    hosts = {}
    for name, function in template.functions().items():
        handler = function["Properties"]["Handler"].rsplit(".", 1)[1]
        hosts[name] = FunctionHost(name, template.handler_path(name), handler)
    return hosts
