"""/api/v1/teams: the teams that own models (administrators register and rename them; membership is the IdP's)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from govhub.api.context import created
from govhub.schemas import TeamCreate, TeamOut, TeamPage, TeamUpdate
from govhub.teams.service import TeamService

router = APIGatewayHttpRouter()


@lru_cache(maxsize=1)
def teams() -> TeamService:
    from govhub.store.teams import TeamRepository

    return TeamService(TeamRepository())


@router.get("/")
def list_teams(
    limit: Annotated[int, Query(ge=1, le=100, description="Page size (1..100).")] = 50,
    cursor: Annotated[str | None, Query(description="The next_cursor of the previous page.")] = None,
) -> TeamPage:
    page = teams().list(limit, cursor)
    return TeamPage(items=[TeamOut.from_domain(t) for t in page.items], next_cursor=page.next_cursor)


@router.post("/", status_code=201)
def create_team(body: Annotated[TeamCreate, Body()]) -> Response[TeamOut]:
    team = teams().create(body.slug, body.display_name, body.reason, router.context["principal"].actor)
    return created(TeamOut.from_domain(team), f"/api/v1/teams/{team.slug}")


@router.get("/<slug>")
def get_team(slug: str) -> TeamOut:
    return TeamOut.from_domain(teams().get(slug))


@router.patch("/<slug>")
def rename_team(slug: str, body: Annotated[TeamUpdate, Body()]) -> TeamOut:
    team = teams().rename(slug, body.display_name, body.reason, router.context["principal"].actor, body.expected_revision)
    return TeamOut.from_domain(team)
