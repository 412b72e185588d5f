"""Datasets and lineage in the browser: register a dataset, find it with the list's filters, edit its datasheet over
someone else's change, link it and an external base model to a model version, open the lineage graph, and flag the
dataset, which sends the approved model built on it back to review."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Client

from .steps import open_tab, unique_name

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def _classified_model(stack: dict[str, Any]) -> dict[str, Any]:
    owner = Client(stack, "model_owner")
    model = owner.post("/models", json={"name": unique_name("churn-predictor"), "owner": "Payments ML Team",
                                        "risk_level": "minimal", "intended_purpose": "Rank accounts for retention offers"}).json()
    classified = owner.post(f"/models/{model['id']}/classification", json={"answers": {}, "operator_role": "provider"})
    assert classified.status_code == 200, classified.text
    return model


def test_register_a_dataset_link_it_to_a_version_open_the_graph_and_flag_it(
    page: Page, sign_in: Callable[[str], None], stack: dict[str, Any]
) -> None:
    dataset = unique_name("churn-events")
    model = _classified_model(stack)
    sign_in("model_owner")
    # Given the owner registers a dataset with its provenance and bias examination
    page.goto("/datasets")
    page.get_by_role("button", name="Register dataset").click()
    form = page.get_by_role("dialog", name="Register dataset").get_by_role("form", name="Register dataset")
    form.get_by_role("textbox", name=re.compile(r"^Name")).fill(dataset)
    form.get_by_role("textbox", name=re.compile(r"^Provenance")).fill("Product analytics events, 2025, pseudonymised")
    form.get_by_role("textbox", name="Bias examination: what was examined").fill("Churn labels by age band")
    form.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1, name=dataset)).to_be_visible()
    dataset_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    # Then the list finds it by its exact name (in any case), and only it
    page.goto("/datasets")
    page.get_by_role("region", name="Filters").get_by_role("textbox", name="Name").fill(dataset.upper())
    expect(page).to_have_url(re.compile(f"name={dataset.upper()}"))
    table = page.get_by_role("table", name="Datasets")
    expect(table.get_by_role("row")).to_have_count(2)
    table.get_by_role("link", name=dataset).click()
    expect(page.get_by_role("heading", level=1, name=dataset)).to_be_visible()
    # When the owner completes the datasheet while an admin records the licence meanwhile
    page.get_by_role("button", name="Edit datasheet").click()
    edit = page.get_by_role("dialog", name="Edit datasheet")
    edit.get_by_role("textbox", name="Bias examination: outcome").fill("No band differs by more than 3 points")
    edit.get_by_role("textbox", name="Known gaps and limitations").fill("No events from the iOS app before March 2025")
    edit.get_by_role("textbox", name="Reason for change").fill("Gaps found in the data review")
    meanwhile = Client(stack, "admin").patch(f"/datasets/{dataset_id}", json={"licence": "internal", "reason": "Licence recorded"})
    assert meanwhile.status_code == 200, meanwhile.text
    edit.get_by_role("button", name="Save datasheet").click()
    # Then the stale write is refused and said so; after a reload the owner saves over the admin's revision
    expect(edit.get_by_role("alert").filter(has_text="This dataset changed while you were editing")).to_be_visible()
    edit.get_by_role("button", name="Reload latest").click()
    expect(edit.get_by_role("textbox", name="Licence")).to_have_value("internal")
    edit.get_by_role("textbox", name="Bias examination: outcome").fill("No band differs by more than 3 points")
    edit.get_by_role("textbox", name="Known gaps and limitations").fill("No events from the iOS app before March 2025")
    edit.get_by_role("button", name="Save datasheet").click()
    expect(edit).to_be_hidden()
    datasheet = page.get_by_role("region", name="Datasheet")
    expect(datasheet.get_by_text("No events from the iOS app before March 2025")).to_be_visible()
    expect(datasheet.get_by_text("internal", exact=True)).to_be_visible()
    saved = Client(stack, "model_owner").get(f"/datasets/{dataset_id}").json()
    assert saved["revision"] == 3 and saved["licence"] == "internal"
    assert saved["bias_examination"] == {"examined": "Churn labels by age band", "outcome": "No band differs by more than 3 points"}
    # Given a version of the dataset
    versions = page.get_by_role("form", name="Register dataset version")
    versions.get_by_role("textbox", name="Version tag").fill("2026.1")
    versions.get_by_role("textbox", name="Location").fill("s3://datasets/churn-events/2026.1/")
    versions.get_by_role("button", name="Add version").click()
    expect(page.get_by_role("table", name="Dataset versions").get_by_text("2026.1", exact=True)).to_be_visible()
    # When a version of the model is registered as trained on it and fine-tuned from an external general-purpose model
    page.goto(f"/models/{model['id']}")
    open_tab(page, "Versions")
    page.get_by_role("button", name="Register version").click()
    dialog = page.get_by_role("dialog", name="Register version")
    dialog.get_by_role("textbox", name=re.compile(r"^Version tag")).fill("v1.0.0")
    dialog.get_by_role("textbox", name=re.compile(r"^Artifact location")).fill("s3://models/churn/v1.0.0")
    dialog.get_by_role("textbox", name="Training dataset").fill(f"{dataset}@2026.1")
    dialog.get_by_role("radio", name="An external model").check()
    dialog.get_by_role("textbox", name=re.compile(r"^Provider")).fill("Mistral AI")
    dialog.get_by_role("textbox", name=re.compile(r"^Model name")).fill("mistral-7b-instruct")
    dialog.get_by_role("textbox", name="Model version").fill("v0.3")
    dialog.get_by_role("textbox", name="Documentation URL").fill("docs.mistral.ai")
    dialog.get_by_role("button", name="Register version").click()
    expect(dialog.get_by_text("Give an http:// or https:// address")).to_be_visible()
    dialog.get_by_role("textbox", name="Documentation URL").fill("https://docs.mistral.ai/models")
    dialog.get_by_role("checkbox", name=re.compile(r"^General-purpose AI model")).check()
    dialog.get_by_role("button", name="Register version").click()
    expect(dialog).to_be_hidden()
    versions_now = Client(stack, "model_owner").get("/versions", params={"model_id": model["id"]}).json()["items"]
    assert versions_now[0]["inputs"]["base_model"]["external"] == {
        "provider": "Mistral AI", "name": "mistral-7b-instruct", "version": "v0.3", "gpai": True,
        "documentation_url": "https://docs.mistral.ai/models",
    }
    # Then the lineage graph shows the dataset and the base model feeding the version, and a click on the dataset opens it
    open_tab(page, "Lineage")
    graph = page.get_by_role("figure", name="Lineage graph")
    expect(graph).to_be_visible()
    node = graph.locator(".react-flow__node").filter(has_text=f"{dataset}@2026.1")
    expect(node).to_be_visible()
    expect(graph.locator(".react-flow__node").filter(has_text="mistral-7b-instruct")).to_be_visible()
    expect(graph.locator(".react-flow__edge")).to_have_count(2)
    node.click()
    expect(page.get_by_role("heading", level=1, name=dataset)).to_be_visible()
    # Given the model is then submitted and approved (another person approves)
    owner, admin = Client(stack, "model_owner"), Client(stack, "admin")
    assert owner.patch(f"/models/{model['id']}/compliance-status", json={"status": "under_review", "reason": "Ready"}).status_code == 200
    approved = admin.patch(f"/models/{model['id']}/compliance-status", json={"status": "approved", "reason": "Fine"})
    assert approved.status_code == 200, approved.text
    page.reload()
    impact = page.get_by_role("table", name="Impact")
    expect(impact.get_by_role("link", name=model["name"])).to_be_visible()
    expect(impact.get_by_label("Status: Approved")).to_be_visible()
    # When the owner flags the dataset with a reason
    page.get_by_role("button", name="Flag dataset").click()
    flag = page.get_by_role("dialog", name="Flag this dataset")
    flag.get_by_role("textbox", name=re.compile(r"^Reason")).fill("Churn labels leaked from the cancellation date")
    flag.get_by_role("button", name="Flag dataset").click()
    expect(flag).to_be_hidden()
    # Then the page says it is flagged, and the model is back under review with the reason
    expect(page.get_by_text(f"Back to review: {model['name']}")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Churn labels leaked")).to_be_visible()
    expect(page.get_by_role("table", name="Impact").get_by_label("Status: Under review")).to_be_visible()
    now = owner.get(f"/models/{model['id']}").json()
    assert now["compliance_status"] == "under_review" and "Churn labels leaked" in now["last_change_reason"]
