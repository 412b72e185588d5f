"""Team use cases: register, rename, read, list. Membership is not stored here: it comes with the caller's token."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol

from govhub.domain.entities import Actor, Page, Stamp, Team
from govhub.errors import DuplicateNameError, NotFoundError, StaleWriteError
from govhub.store.repository import ConditionFailedError


class TeamStore(Protocol):
    def get(self, slug: str) -> Team | None: ...
    def list(self, limit: int, cursor: str | None) -> Page: ...
    def create(self, team: Team) -> Team: ...
    def save(self, team: Team) -> Team: ...


class TeamService:
    def __init__(self, store: TeamStore, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._store = store
        self._clock = clock

    def get(self, slug: str) -> Team:
        team = self._store.get(slug)
        if team is None:
            raise NotFoundError(f"Team '{slug}' does not exist.", {"slug": slug})
        return team

    def list(self, limit: int, cursor: str | None) -> Page:
        return self._store.list(limit, cursor)

    def create(self, slug: str, display_name: str, reason: str | None, by: Actor) -> Team:
        now = self._clock()
        team = Team(slug, display_name, Stamp(now, by.username, now, by.username, by.role, reason or f"Team {slug} created"))
        try:
            return self._store.create(team)
        except ConditionFailedError:
            raise DuplicateNameError(f"A team with the slug '{slug}' already exists.", {"slug": slug}) from None

    def rename(self, slug: str, display_name: str, reason: str | None, by: Actor, expected_revision: int | None) -> Team:
        current = self.get(slug)
        if expected_revision is not None and expected_revision != current.revision:
            raise self._stale(current, expected_revision)
        stamp = replace(
            current.stamp, updated_at=self._clock(), updated_by=by.username, updated_by_role=by.role,
            change_reason=reason or f"Team {slug} renamed",
        )
        try:
            return self._store.save(replace(current, display_name=display_name, stamp=stamp))
        except ConditionFailedError:
            raise self._stale(self.get(slug), expected_revision) from None

    @staticmethod
    def _stale(team: Team, expected: int | None) -> StaleWriteError:
        return StaleWriteError(
            f"Team '{team.slug}' has changed since you read it (now at revision {team.revision}). Reload and try again.",
            {"current_revision": team.revision, "expected_revision": expected},
        )
