"""What a function loads in its INIT phase (the cold start a user waits for): neither the table's ORM (pynamodb) nor
the PDF library (reportlab). They load with the first request that needs them; `make bench` times the difference
(tests/bench/bench_backbone.py, "Cold start")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from local_stack.template import Template

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("pynamodb", "reportlab")
TEMPLATE = Template()


@pytest.mark.parametrize("function", sorted(TEMPLATE.functions()))
def test_a_function_s_init_loads_neither_the_orm_nor_the_pdf_library(function: str) -> None:
    path = TEMPLATE.handler_path(function)
    parameters = {k: str(v) for k, v in TEMPLATE.parameter_defaults().items() if v is not None}
    # the function's own environment; resources a stack would name get placeholders (settings are checked at import)
    environment = {"PATH": "/usr/bin:/bin", "AWS_REGION": "us-east-1",
                   **{k: v or f"test-{k.lower()}" for k, v in TEMPLATE.environment(function, parameters).items()}}
    code = (
        "import sys, importlib.util; "
        f"sys.path[:0] = [{str(ROOT / 'layers' / 'govhub')!r}, {str(path.parent)!r}]; "
        f"spec = importlib.util.spec_from_file_location('app', {str(path)!r}); "
        "spec.loader.exec_module(importlib.util.module_from_spec(spec)); "
        f"print(' '.join(sorted({{n.split('.')[0] for n in sys.modules}} & set({HEAVY!r}))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], env=environment, cwd=ROOT, capture_output=True, text=True, timeout=60)

    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert loaded.stdout.split() == [], f"{function} imports {loaded.stdout.strip()} at INIT: import it where it is first used"
