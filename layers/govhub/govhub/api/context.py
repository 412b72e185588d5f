"""Per-request helpers the routes use: the caller and the registry."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel

if TYPE_CHECKING:
    from govhub.classification.service import ClassificationService
    from govhub.domain.entities import Actor, AIModel
    from govhub.domain.lifecycle import ComplianceStatus
    from govhub.policy.service import PolicyService, TransitionVerdict
    from govhub.services.registry import Registry


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The registry over the table, built on first use: the data layer (pynamodb, botocore) loads with its
    first query, like the clients it creates, so routes that never touch the table never load it."""
    from govhub.services.registry import default_registry

    return default_registry()


@lru_cache(maxsize=1)
def policy_service() -> PolicyService:
    """The policy set and its evaluation, built on first use like the registry: a function whose requests never
    change a status (most of the models function's) never loads the policy engine."""
    from govhub.policy.service import PolicyService
    from govhub.store.classification import ObligationSourcesOfTheTable
    from govhub.store.datasets import DatasetFactsOfTheTable
    from govhub.store.monitoring import MonitoringFactsReader
    from govhub.store.policies import EvidenceRepository, PolicyRepository

    return PolicyService(PolicyRepository(), EvidenceRepository(), obligation_sources=ObligationSourcesOfTheTable(),
                         monitoring=MonitoringFactsReader(), datasets=DatasetFactsOfTheTable())


@lru_cache(maxsize=1)
def classification_service() -> ClassificationService:
    """The questionnaire, the timeline, attestations and overrides (govhub.classification), built on first use."""
    from govhub.classification.service import ClassificationService
    from govhub.store.classification import AttestationRepository, OverrideRepository, TimelineRepository

    return ClassificationService(registry(), TimelineRepository(), AttestationRepository(), OverrideRepository())


def policy_gate() -> Callable[[AIModel, ComplianceStatus, Actor], TransitionVerdict]:
    """The registry's `check_policy` hook: every status change is judged by the active policy set (and each
    refusal counted: a rising PolicyRefusals is a team missing evidence, or a policy set too strict)."""
    from govhub.observability import POLICY_REFUSALS, count
    from govhub.policy.errors import PolicyViolationError

    check = policy_service().check_transition

    def gate(model: AIModel, to: ComplianceStatus, actor: Actor) -> TransitionVerdict:
        try:
            return check(model, to, actor)
        except PolicyViolationError:
            count(POLICY_REFUSALS)
            raise

    return gate


def approved_changes_rule() -> Callable[[], str]:
    """What the active policy does with a change to an approved model's governed fields, read only when one happens."""
    return lambda: policy_service().approved_changes()


def created(body: BaseModel, location: str | None = None) -> Response:
    """201 with the new object as JSON (and where to find it)."""
    headers = {"Location": location} if location else None
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=body, headers=headers)
