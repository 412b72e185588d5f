"""/api/v1/frameworks: the control library (EU AI Act ↔ ISO/IEC 42001 ↔ NIST AI RMF crosswalk, versioned data admins
replace), each model's coverage per framework, and the ISO/IEC 42001 statement of applicability (JSON or CSV).

Served by the `evidence` function beside the evidence routes (coverage counts evidence documents)."""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import ConfigDict, Field, StringConstraints

from govhub.api.context import policy_service, registry
from govhub.api.documents import DocumentVersionOut, active_version, replaced, version_page
from govhub.frameworks.service import FrameworkService
from govhub.schemas import Schema

router = APIGatewayHttpRouter()

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]


@lru_cache(maxsize=1)
def frameworks() -> FrameworkService:
    from govhub.store.frameworks import FrameworkRepository

    return FrameworkService(FrameworkRepository())


class FrameworksOut(DocumentVersionOut):
    pass


class FrameworksPage(Schema):
    items: list[FrameworksOut]
    next_cursor: str | None


class FrameworksReplace(Schema):
    model_config = ConfigDict(extra="forbid")

    document: Annotated[dict[str, Any], Field(description="The whole control library (docs/frameworks.md): schema govhub.frameworks/1, name, "
                                                          "frameworks [{id, title, source, controls [{id, description}]}], mappings.")]
    reason: Reason
    expected_version: Annotated[int | None, Field(ge=0, description="The active version you edited; 409 if it moved on.")] = None


class ControlCoverOut(Schema):
    source: Literal["records", "evidence", "attestation"]
    ref: str
    detail: str


class ControlCoverageOut(Schema):
    id: str
    description: str
    status: Literal["covered", "partial", "open", "not_in_force", "not_applicable"]
    obligations: list[dict[str, str]]
    covered_by: list[ControlCoverOut]
    open: list[str]


class FrameworkCoverageOut(Schema):
    framework: str
    title: str
    source: str
    model_id: int
    model_name: str
    library_version: int
    summary: dict[str, int]
    controls: list[ControlCoverageOut]


class ApplicabilityRow(Schema):
    control: str
    description: str
    applicable: Literal["yes", "no", "undecided"]
    justification: str
    eu_ai_act_obligations: list[str]


class ApplicabilityOut(Schema):
    framework: str
    library_version: int
    library_name: str
    rows: list[ApplicabilityRow]


@router.get("/frameworks")
def get_frameworks() -> FrameworksOut:
    """The active control library: ISO/IEC 42001 Annex A controls, NIST AI RMF subcategories and the crosswalk to the EU AI Act."""
    return active_version(frameworks(), FrameworksOut.from_domain)


@router.put("/frameworks")
def replace_frameworks(body: Annotated[FrameworksReplace, Body()]) -> FrameworksOut:
    """Store a new version of the control library and make it active (admins; validated, audited with the reason)."""
    return replaced(frameworks(), body, router.context["principal"].actor, FrameworksOut.from_domain)


@router.get("/frameworks/versions")
def list_framework_versions(
    limit: Annotated[int, Query(ge=1, le=100, description="Page size (1..100).")] = 20,
    cursor: Annotated[str | None, Query(description="The next_cursor of the previous page.")] = None,
) -> FrameworksPage:
    """Every version of the control library, newest first; the built-in one (version 0) comes last."""
    return version_page(frameworks(), limit, cursor, FrameworksOut.from_domain, FrameworksPage)


@router.get("/frameworks/<framework>/coverage")
def framework_coverage(framework: str, model_id: Annotated[int, Query(ge=1, description="The model whose coverage to show.")]) -> FrameworkCoverageOut:
    """Per control of iso42001, nist-ai-rmf or eu-ai-act: what covers it for the model (the hub's records, evidence documents,
    attestations) and which of its obligations are open."""
    service = frameworks()
    service.check_framework(framework)
    model = registry().get_model(model_id)
    checklist = policy_service().obligations(model)
    from govhub.api.evidence import evidence_service

    result = service.coverage(framework, checklist, evidence_service().current(model_id))
    data = result.as_json()
    return FrameworkCoverageOut(model_id=model.id, model_name=model.name, library_version=service.active().version, **data)


@router.get(
    "/frameworks/<framework>/statement-of-applicability",
    responses={200: {"description": "The statement of applicability",
                     "content": {"application/json": {"model": ApplicabilityOut}, "text/csv": {"schema": {"type": "string"}}}},
               404: {"description": "Only iso42001 has a statement of applicability"}},
)
def statement_of_applicability(  # type: ignore[no-untyped-def]  # no return type: the body is JSON or CSV
    framework: str,
    format: Annotated[Literal["json", "csv"], Query(description="json (default) or csv.")] = "json",
):
    """The organisation-wide ISO/IEC 42001 statement of applicability: each Annex A control, applicable or not and why,
    and the EU AI Act obligations it serves (from the active control library)."""
    service = frameworks()
    if framework != "iso42001":
        service.check_framework(framework)
        from govhub.errors import NotFoundError

        raise NotFoundError("A statement of applicability exists for iso42001 only.", {"framework": framework})
    active, rows = service.statement_of_applicability()
    if format == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["control", "description", "applicable", "justification", "eu_ai_act_obligations"])
        for row in rows:
            writer.writerow([_cell(row["control"]), _cell(row["description"]), row["applicable"], _cell(row["justification"]),
                             " ".join(row["eu_ai_act_obligations"])])
        return Response(status_code=200, content_type="text/csv; charset=utf-8", body=out.getvalue(),
                        headers={"Content-Disposition": 'attachment; filename="iso42001-statement-of-applicability.csv"'})
    body = ApplicabilityOut(framework="iso42001", library_version=active.version, library_name=active.document.name,
                            rows=[ApplicabilityRow(**row) for row in rows])
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=json.dumps(body.model_dump(mode="json")))


def _cell(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: such text gets a leading quote."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
