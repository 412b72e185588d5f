"""Text from the server never reaches the terminal raw: escape sequences, bidi overrides and invisible characters
are printed as their escapes, in tables, records, errors and JSON."""

from __future__ import annotations

import re
from typing import Any

HOSTILE = "fraud\x1b[2K\x1b]0;pwned\x07\u202eexe.txt\u200b\x9b"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def test_a_table_shows_a_hostile_name_escaped(govhub: Any, api: Any) -> None:
    api.add_model(name=HOSTILE, owner="ML\u2066 Team")
    result = govhub("list")
    assert result.code == 0, result.err
    assert not RAW.search(result.out), repr(result.out)
    assert "fraud\\x1b[2K" in result.out and "\\u202e" in result.out


def test_a_record_shows_hostile_fields_escaped(govhub: Any, api: Any) -> None:
    api.add_model(name="fraud", oversight_plan=f"review\x1b[31m weekly {HOSTILE}")
    result = govhub("show", "fraud")
    assert result.code == 0, result.err
    assert not RAW.search(result.out), repr(result.out)


def test_json_output_escapes_them_and_stays_the_same_data(govhub: Any, api: Any) -> None:
    api.add_model(name=HOSTILE)
    result = govhub("list", "--json")
    assert not RAW.search(result.out), repr(result.out)
    assert result.json()[0]["name"] == HOSTILE


def test_an_error_message_from_the_server_is_escaped(govhub: Any, api: Any) -> None:
    api.fail("GET", "/models", 400, body={"error": {"code": "bad_request", "message": f"no \x1b[8m{HOSTILE}",
                                                    "details": [{"field": "q\u202e", "message": "bad\x07"}]}})
    result = govhub("list")
    assert result.code != 0
    assert not RAW.search(result.err), repr(result.err)
    assert "no \\x1b[8m" in result.err
