"""Cold start of the API functions (issue "Audit trail at scale", point 6): CPU time of a fresh interpreter

* importing the function's handler module (what Lambda's INIT phase runs) [<= 0.7x a fresh
  `import boto3; boto3.client("dynamodb")`], and
* importing it and building its resolver (INIT plus what the first request loads: the resolver, the
  validation machinery, the routers and their shapes), printed beside it so the moved cost stays visible;

each median of RUNS runs alternating with the baseline. With ``--profiles`` it also writes
``python -X importtime`` profiles of both to tests/bench/profiles/ (committed with the figures).

    python tests/bench/bench_cold_start.py [--runs 7] [--profiles]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

from bench_backbone import ENV, ROOT, _side_by_side  # noqa: E402

from local_stack.template import Template  # noqa: E402

API_FUNCTIONS = ("AuditFunction", "DashboardFunction", "MetricsFunction", "ModelsFunction", "PoliciesFunction", "VersionsFunction")
TARGET = 0.7
PROFILES = HERE / "profiles"


def _code(template: Template, name: str, first_request: bool) -> str:
    path = template.handler_path(name)
    return (
        "import sys, importlib.util; "
        f"sys.path[:0] = [{str(ROOT / 'layers' / 'govhub')!r}, {str(path.parent)!r}]; "
        f"spec = importlib.util.spec_from_file_location('app', {str(path)!r}); "
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)"
        + ("; module.app.resolver" if first_request else "")
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profiles", action="store_true", help="write -X importtime profiles to tests/bench/profiles/")
    args = parser.parse_args()
    template = Template()
    parameters = {k: str(v) for k, v in template.parameter_defaults().items() if v is not None}
    baseline = [sys.executable, "-c", "import boto3; boto3.client('dynamodb', region_name='us-east-1')"]
    print(f"Cold start (CPU, median of {args.runs} fresh interpreters alternating with the baseline, load {os.getloadavg()[0]:.1f})")
    print(f"   {'function':<20} {'INIT (import)':>14} {'baseline':>9} {'ratio':>6}   {'+ first request':>15} {'ratio':>6}")
    missed = []
    for name in API_FUNCTIONS:
        # the function's own environment; resources (unresolved without a stack) get placeholder names, as the
        # module checks at import that its settings are there
        environment = {**ENV, **{k: v or f"bench-{k.lower()}" for k, v in template.environment(name, parameters).items()}}
        init, base = _side_by_side([sys.executable, "-c", _code(template, name, False)], environment, baseline, args.runs)
        full, base_full = _side_by_side([sys.executable, "-c", _code(template, name, True)], environment, baseline, args.runs)
        ok = init / base <= TARGET
        missed += [] if ok else [name]
        print(f"   {name:<20} {init * 1000:11.1f} ms {base * 1000:6.1f} ms {init / base:5.2f}x   "
              f"{full * 1000:12.1f} ms {full / base_full:5.2f}x   {'ok' if ok else 'OVER TARGET'} (INIT target <= {TARGET}x)")
        if args.profiles:
            PROFILES.mkdir(exist_ok=True)
            for suffix, first in (("init", False), ("first-request", True)):
                profile = subprocess.run([sys.executable, "-X", "importtime", "-c", _code(template, name, first)], env=environment,
                                         cwd=ROOT, capture_output=True, text=True, check=True).stderr
                (PROFILES / f"{name}.{suffix}.importtime.txt").write_text(profile)
    if args.profiles:
        subprocess.run([sys.executable, "-X", "importtime", *baseline[1:]], env=ENV, cwd=ROOT, check=True,
                       stderr=(PROFILES / "baseline-boto3-dynamodb.importtime.txt").open("w"))
    if missed:
        print(f"   over target: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
