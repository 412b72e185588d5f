"""`python -m local_stack`: start the whole hub locally and keep it running until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from local_stack.stack import LocalStack, StackOptions


def sweep(state_file: Path) -> int:
    """`python -m local_stack sweep`: run the daily sweeps now on the running hub (as its demo admin), print the counts."""
    import json

    from local_stack.demo import _call, sign_in

    if not state_file.exists():
        print(f"No running hub: {state_file} is missing. Start it with `python -m local_stack`.", file=sys.stderr)
        return 1
    info = json.loads(state_file.read_text())
    admin = info["users"]["admin"]
    token = sign_in(info["client_id"], admin["username"], admin["password"], info["aws_endpoint"], info["region"])["IdToken"]
    print(json.dumps(_call(info["api_url"], token, "POST", "/admin/sweeps"), indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["sweep"]:  # the daily sweeps on demand (reviews due, incident deadlines), for tests and demos
        state = Path(argv[argv.index("--state-file") + 1]) if "--state-file" in argv else StackOptions.state_file
        return sweep(state)
    parser = argparse.ArgumentParser(prog="python -m local_stack", description="Run the AI Governance Hub locally (no Docker, no AWS account).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000, help="people's API, dashboard and docs (default 3000)")
    parser.add_argument("--machine-port", type=int, default=3001, help="SigV4 machine API for CI (default 3001)")
    parser.add_argument("--aws-port", type=int, default=4566, help="the local AWS endpoint (default 4566)")
    parser.add_argument("--state-file", type=Path, default=StackOptions.state_file)
    parser.add_argument("--no-demo-data", action="store_true", help="start with an empty registry")
    parser.add_argument("--containers", type=int, default=StackOptions.containers_per_function,
                        help="warm containers (processes) per function: how many requests one function answers at once (default %(default)s)")
    parser.add_argument("--mlflow", action="store_true",
                        help="also start an MLflow tracking server (SQLite in .local/mlflow) wired to the hub, with a demo model")
    parser.add_argument("--mlflow-port", type=int, default=StackOptions.mlflow_port, help="the MLflow server's port (default %(default)s)")
    args = parser.parse_args(argv)
    options = StackOptions(host=args.host, port=args.port, machine_port=args.machine_port, aws_port=args.aws_port,
                           state_file=args.state_file, demo_data=not args.no_demo_data, containers_per_function=args.containers,
                           mlflow=args.mlflow, mlflow_port=args.mlflow_port)
    stack = LocalStack(options)
    stopped = threading.Event()
    # Ctrl-C and `kill` stop it alike, also when it was started in the background (where a shell starts it with
    # SIGINT ignored, so Python would never raise KeyboardInterrupt)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    try:
        info = stack.start()
        _banner(info, options.state_file)
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping the hub…", file=sys.stderr)
        stack.stop()
    return 0


def _banner(info: dict, state_file: Path) -> None:
    mlflow = f"  MLflow           {info['mlflow_url']}   (its registry's changes arrive in the hub)\n" if info.get("mlflow_url") else ""
    users = "\n".join(f"    {role:<12} {u['username']:<14} {u['password']}" for role, u in info["users"].items())
    print(
        f"""
AI Governance Hub is running locally.

  Dashboard        {info['web_url']}
  API              {info['api_url']}
  API docs         {info['docs_url']}   (OpenAPI: {info['openapi_url']})
  Machine API      {info['machine_api_url']}   (SigV4; CI credentials in {state_file})
  AWS endpoint     {info['aws_endpoint']}   (region {info['region']})
{mlflow}
  Demo users (role, username, password):
{users}

  Endpoints, ids and credentials: {state_file}
  Press Ctrl-C to stop.
""",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
