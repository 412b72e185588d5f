"""`python -m local_stack sweep`: the daily sweeps on demand against a running hub (its state file names it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import local_stack.__main__ as cli


def test_without_a_running_hub_it_says_how_to_start_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["sweep", "--state-file", str(tmp_path / "stack.json")])

    assert code == 1
    assert "Start it with `python -m local_stack`" in capsys.readouterr().err


def test_it_signs_in_as_the_demo_admin_and_runs_the_sweeps_route(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    state = tmp_path / "stack.json"
    state.write_text(json.dumps({"users": {"admin": {"username": "demo-admin", "password": "pw"}}, "client_id": "c",
                                 "aws_endpoint": "http://127.0.0.1:4566", "region": "us-east-1", "api_url": "http://127.0.0.1:3000/api/v1"}))
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr("local_stack.demo.sign_in", lambda *args: calls.append(("sign_in", *args)) or {"IdToken": "token"})
    monkeypatch.setattr("local_stack.demo._call", lambda *args: calls.append(("call", *args)) or {"counts": {"review_sweep": {"reviews_due": 1}}})

    code = cli.main(["sweep", "--state-file", str(state)])

    assert code == 0
    assert calls[0][:3] == ("sign_in", "c", "demo-admin")
    assert calls[1] == ("call", "http://127.0.0.1:3000/api/v1", "token", "POST", "/admin/sweeps")
    assert json.loads(capsys.readouterr().out)["counts"]["review_sweep"]["reviews_due"] == 1
