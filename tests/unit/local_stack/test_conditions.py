"""The local stack runs the event rules of the functions the template would deploy with its parameters, and no others."""

from __future__ import annotations

from local_stack.rules import rule_targets
from local_stack.template import Template


def _refs(template: Template, **parameters: str) -> dict[str, str]:
    return {**{name: str(value) for name, value in template.parameter_defaults().items() if value is not None}, **parameters}


def test_conditions_follow_the_parameters() -> None:
    template = Template()
    assert template.condition_holds("HasSageMaker", _refs(template)) is False
    assert template.condition_holds("HasSageMaker", _refs(template, SageMakerModelPackageGroups="fraud,credit")) is True
    assert template.condition_holds("HasSageMakerMetricsBucket", _refs(template, SageMakerModelPackageGroups="fraud")) is False
    assert template.condition_holds("IsProd", _refs(template, Stage="prod")) is True
    assert template.condition_holds("NoSuchCondition", _refs(template)) is True  # unknown: emulated as before


def test_integration_rules_run_only_when_their_integration_is_configured() -> None:
    template = Template()
    assert {t.function for t in rule_targets(template, _refs(template), "s")} == set()
    configured = _refs(template, MlflowTrackingUri="http://127.0.0.1:5000", SageMakerModelPackageGroups="fraud")
    assert {t.function for t in rule_targets(template, configured, "s")} == {
        "MlflowBacksyncFunction", "SageMakerImportFunction", "SageMakerBacksyncFunction"}
