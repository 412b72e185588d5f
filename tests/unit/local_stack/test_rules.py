"""The local stack's EventBridge rules: each function's rule, on its bus, with the template's parameters filled in."""

from __future__ import annotations

from local_stack.rules import rule_targets
from local_stack.template import Template

REFS = {"EventBus": "govhub-local-governance", "SageMakerModelPackageGroups": ""}


def _targets(refs: dict[str, str]) -> dict[str, tuple[str, dict]]:
    return {t.function: (t.bus, t.pattern) for t in rule_targets(Template(), refs, "govhub-local")}


def test_the_back_sync_functions_hear_status_changes_on_the_governance_bus() -> None:
    # (each is deployed only with its integration configured: an MLflow tracking URI, a SageMaker package group)
    targets = _targets({**REFS, "MlflowTrackingUri": "http://127.0.0.1:5000", "SageMakerModelPackageGroups": "fraud"})
    expected = ("govhub-local-governance", {"source": ["govhub.registry"], "detail-type": ["Compliance Status Changed"]})
    assert targets["MlflowBacksyncFunction"] == expected
    assert targets["SageMakerBacksyncFunction"] == expected


def test_sagemaker_imports_listen_on_the_default_bus_only_for_the_groups_named() -> None:
    assert "SageMakerImportFunction" not in _targets(REFS)  # no group named: a rule would match nothing
    bus, pattern = _targets({**REFS, "SageMakerModelPackageGroups": "credit-scoring, fraud"})["SageMakerImportFunction"]
    assert bus == "default"
    assert pattern["detail"] == {"ModelPackageGroupName": ["credit-scoring", "fraud"]}
