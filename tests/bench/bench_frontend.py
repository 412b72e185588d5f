"""Benchmark: the dashboard's initial JavaScript weight and its first full render in Chromium.

1. Initial JS: the entry chunk of `frontend/dist/index.html` plus every chunk it imports statically
   (transitively), gzipped at level 9. Lazy routes and the chart library are not part of it.
   Target: under 250 KB.
2. Dashboard render: a signed-in load of `/dashboard` in Debian's Chromium against the running stack,
   timed with the Performance API from navigation start to the last of the app's user-timing marks
   (stats rendered, risk bar chart mounted, status donut mounted). Median of 5 cold page loads,
   each in a fresh browser context (empty cache). First contentful paint is printed beside it.

    python tests/bench/bench_frontend.py            # prints the figures, exits 0 (uses the stack of
                                                    # `make dev` if it runs, else starts one of its own)
    python tests/bench/bench_frontend.py --strict   # exits 1 when a target is missed
    python tests/bench/bench_frontend.py --size-only   # no stack needed
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT)]  # run as a script (python tests/bench/...), the project root is not on the path

from tests.harness import CHROMIUM, CHROMIUM_ARGS, start_stack  # noqa: E402 (needs the path above)

DIST = ROOT / "frontend" / "dist"
STATE_FILE = ROOT / ".local" / "stack.json"
INITIAL_JS_TARGET_KB = 250.0
RUNS = 5
MARKS = ["govhub:dashboard:data", "govhub:dashboard:risk-chart", "govhub:dashboard:status-chart"]
# `import{a as b}from"./chunk.js"` and `import"./chunk.js"` are static; `import("./chunk.js")` is lazy.
STATIC_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*)["'](\./[^"']+\.js)["']""")


class _EntryScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.entries: list[str] = []
        self.preloads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("type") == "module" and values.get("src"):
            self.entries.append(str(values["src"]))
        if tag == "link" and values.get("rel") == "modulepreload" and values.get("href"):
            self.preloads.append(str(values["href"]))


def initial_chunks(dist: Path) -> list[Path]:
    """The entry chunk(s) of index.html, their module preloads and all their static imports."""
    parser = _EntryScripts()
    parser.feed((dist / "index.html").read_text())
    queue = [dist / src.lstrip("/") for src in parser.entries + parser.preloads]
    seen: dict[Path, None] = {}
    while queue:
        chunk = queue.pop().resolve()
        if chunk in seen:
            continue
        seen[chunk] = None
        for relative in STATIC_IMPORT.findall(chunk.read_text()):
            queue.append(chunk.parent / relative)
    return list(seen)


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def report_initial_js(dist: Path) -> float:
    chunks = initial_chunks(dist)
    sizes = {chunk.name: (chunk.stat().st_size, gzip_size(chunk)) for chunk in chunks}
    total_gz = sum(gz for _, gz in sizes.values())
    print("Initial JavaScript (entry chunk + static imports):")
    for name, (raw, gz) in sorted(sizes.items(), key=lambda item: -item[1][1]):
        print(f"  {name:<40} {raw / 1024:8.1f} KB raw {gz / 1024:8.1f} KB gzip")
    lazy = sorted(p for p in (dist / "assets").glob("*.js") if p.resolve() not in set(chunks))
    lazy_gz = sum(gzip_size(p) for p in lazy)
    print(f"  total: {total_gz / 1024:.1f} KB gzip in {len(chunks)} chunk(s) (target < {INITIAL_JS_TARGET_KB:.0f} KB)")
    print(f"  loaded on demand: {len(lazy)} chunk(s), {lazy_gz / 1024:.1f} KB gzip")
    return total_gz / 1024


def sign_in_tokens(web_url: str, username: str, password: str) -> dict[str, Any]:
    """Tokens as the dashboard stores them after its own InitiateAuth call."""
    config = requests.get(f"{web_url}/config.json", timeout=10).json()
    answer = requests.post(
        config["cognitoEndpoint"],
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
        },
        data=json.dumps(
            {
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": config["clientId"],
                "AuthParameters": {"USERNAME": username, "PASSWORD": password},
            }
        ),
        timeout=10,
    )
    answer.raise_for_status()
    result = answer.json()["AuthenticationResult"]
    return {
        "idToken": result["IdToken"],
        "accessToken": result["AccessToken"],
        "refreshToken": result.get("RefreshToken"),
        "expiresAt": int(time.time() * 1000) + int(result.get("ExpiresIn", 3600)) * 1000,
    }


def measure_dashboard(web_url: str, user: dict[str, str], chromium: str, runs: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    tokens = sign_in_tokens(web_url, user["username"], user["password"])
    # The app restores its session from sessionStorage, so each load starts signed in.
    init_script = f"window.sessionStorage.setItem('govhub.session', {json.dumps(json.dumps(tokens))});"
    renders: list[float] = []
    paints: list[float] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                context.add_init_script(init_script)
                page = context.new_page()
                page.goto(f"{web_url}/dashboard")
                page.wait_for_function(
                    "names => names.every(n => performance.getEntriesByName(n, 'mark').length > 0)",
                    arg=MARKS,
                    timeout=30_000,
                )
                timings = page.evaluate(
                    """names => ({
                        render: Math.max(...names.map(n => performance.getEntriesByName(n, 'mark')[0].startTime)),
                        fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null,
                    })""",
                    MARKS,
                )
                renders.append(float(timings["render"]))
                if timings["fcp"] is not None:
                    paints.append(float(timings["fcp"]))
                context.close()
        finally:
            browser.close()
    return renders, paints



def _answers(web_url: str) -> bool:
    try:
        return requests.get(f"{web_url}/config.json", timeout=3).ok
    except requests.RequestException:
        return False


@contextlib.contextmanager
def running_stack(state_file: Path) -> Iterator[dict[str, Any]]:
    """The stack described by `state_file` if it answers, else a local stack of our own on free ports."""
    if state_file.exists():
        info = json.loads(state_file.read_text())
        if _answers(str(info["web_url"]).rstrip("/")):
            yield info
            return
    with tempfile.TemporaryDirectory() as tmp:
        started = start_stack(Path(tmp), demo_data=True)
        try:
            print("(started a local stack for the measurement)")
            yield started.info
        finally:
            started.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, default=DIST)
    parser.add_argument("--state-file", type=Path, default=STATE_FILE,
                        help="stack.json of a running stack (default: the one `make dev` writes)")
    parser.add_argument("--role", default="auditor", help="demo user whose session loads the dashboard")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("--size-only", action="store_true", help="only the bundle size; no stack needed")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    if not (args.dist / "index.html").exists():
        print(f"{args.dist}/index.html is missing: run `npm ci && npm run build` in frontend/", file=sys.stderr)
        return 2
    initial_kb = report_initial_js(args.dist)
    failed = initial_kb >= INITIAL_JS_TARGET_KB

    if not args.size_only:
        with running_stack(args.state_file) as stack:
            web_url = str(stack["web_url"]).rstrip("/")
            renders, paints = measure_dashboard(web_url, stack["users"][args.role], args.chromium, args.runs)
        print(f"\nDashboard first full render ({web_url}/dashboard, {len(renders)} cold loads):")
        print(f"  median {statistics.median(renders):.0f} ms (runs: {', '.join(f'{r:.0f}' for r in renders)} ms)")
        if paints:
            print(f"  first contentful paint: median {statistics.median(paints):.0f} ms")

    if failed:
        print(f"\nInitial JavaScript is over {INITIAL_JS_TARGET_KB:.0f} KB gzip.", file=sys.stderr)
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())
