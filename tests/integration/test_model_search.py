"""Substring search on model names: the trigram index written with the model, queried without Scan."""

from __future__ import annotations

import pytest

from govhub.store import search
from tests.integration.conftest import Api
from tests.integration.test_storage import dynamodb_calls  # noqa: F401 - the recording fixture


def _names(api: Api, query: str) -> list[str]:
    return [m["name"] for m in api.get("/api/v1/models", query=f"{query}&limit=100").body["items"]]


def _register(api: Api, name: str, **fields: str) -> dict:
    return api.post("/api/v1/models", {"name": name, "owner": fields.get("owner", "ML Team"), **fields}).body


def test_a_part_of_a_name_finds_it_whatever_the_case_accents_or_punctuation(api: Api) -> None:
    for name in ["fraud-detector-v2", "Credit Fraud Scorer", "cv-screening", "Détecteur de fraude"]:
        _register(api, name)
    assert _names(api, "q=detector") == ["fraud-detector-v2"]
    assert _names(api, "q=FRAUD") == ["Credit Fraud Scorer", "Détecteur de fraude", "fraud-detector-v2"]
    assert _names(api, "q=detecteur") == ["Détecteur de fraude"]
    assert _names(api, "q=detector v2") == ["fraud-detector-v2"]
    assert _names(api, "q=screen") == ["cv-screening"]
    assert _names(api, "q=nowhere") == []
    # two characters: the start of names, as the list index is sorted by name
    assert _names(api, "q=cv") == ["cv-screening"]


def test_search_combines_with_the_other_filters_and_pages_with_a_cursor(api: Api) -> None:
    for i in range(7):
        _register(api, f"churn-model-{i}", risk_level=["high", "minimal"][i % 2], owner=["Team A", "Team B"][i % 2])
    _register(api, "unrelated")
    assert _names(api, "q=model&risk_level=high") == ["churn-model-0", "churn-model-2", "churn-model-4", "churn-model-6"]
    assert _names(api, "q=model&owner=team b") == ["churn-model-1", "churn-model-3", "churn-model-5"]
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        query = "q=urn-mod&limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = api.get("/api/v1/models", query=query).body
        seen += [m["name"] for m in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"churn-model-{i}" for i in range(7)]


def test_a_rename_moves_the_model_in_the_index_and_a_delete_removes_it(api: Api) -> None:
    model = _register(api, "sentiment-analyser")
    api.patch(f"/api/v1/models/{model['id']}", {"name": "tone-classifier", "reason": "clearer name"})
    assert _names(api, "q=sentiment") == []
    assert _names(api, "q=classif") == ["tone-classifier"]
    api.call("DELETE", f"/api/v1/models/{model['id']}", query="reason=cleanup")
    assert _names(api, "q=classif") == []


def test_searching_reads_the_index_without_scan(api: Api, dynamodb_calls: list[str]) -> None:  # noqa: F811
    _register(api, "anomaly-watch")
    assert _names(api, "q=maly-wat") == ["anomaly-watch"]
    assert "Query" in dynamodb_calls and "Scan" not in dynamodb_calls


@pytest.mark.parametrize("length", [10, 128])
def test_a_long_name_keeps_its_rename_inside_one_transaction(api: Api, length: int) -> None:
    first = "".join(chr(ord("a") + (i * 7) % 26) + str(i % 10) for i in range(length))[:length]
    second = first[::-1]
    model = _register(api, first)
    renamed = api.patch(f"/api/v1/models/{model['id']}", {"name": second, "reason": "reversed"})
    assert renamed.status == 200
    assert len(search.grams(search.normalise(first))) <= search.MAX_GRAMS
    assert _names(api, f"q={second[:12]}") == [second]


def test_models_written_before_the_index_are_found_after_a_reindex(api: Api) -> None:
    model = _register(api, "legacy-ranker")
    for gram in search.grams(search.normalise(model["name"])):
        for item in search.NameGramItem.query(search.keys.name_gram_pk(gram)):
            item.delete()
    assert _names(api, "q=ranker") == []
    assert search.reindex_all() >= 1
    assert _names(api, "q=ranker") == [model["name"]]


def test_names_sort_both_ways_with_and_without_search(api: Api) -> None:
    for name in ["beta-model", "alpha-model", "gamma-model"]:
        _register(api, name)
    assert _names(api, "order=desc") == ["gamma-model", "beta-model", "alpha-model"]
    assert _names(api, "order=asc&q=model") == ["alpha-model", "beta-model", "gamma-model"]
    assert _names(api, "order=desc&q=model") == ["gamma-model", "beta-model", "alpha-model"]
    assert api.get("/api/v1/models", query="order=sideways").status == 422
