"""Teams in the single table: one item per team (audited in the global chain), listed through GSI1 by slug."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from govhub.domain.entities import Page, Team
from govhub.store import keys
from govhub.store.cursors import decode_cursor, encode_cursor
from govhub.store.items import TeamItem
from govhub.store.repository import _apply_stamp, _stamp_from, _transact


class TeamRepository:
    def get(self, slug: str) -> Team | None:
        try:
            item = TeamItem.get(keys.team_pk(slug), keys.META, consistent_read=True)
        except DoesNotExist:
            return None
        return _to_domain(item)

    def exists(self, slug: str) -> bool:
        return self.get(slug) is not None

    def list(self, limit: int, cursor: str | None) -> Page:
        results = TeamItem.by_list.query(keys.TEAMS_LIST, limit=limit, page_size=limit, last_evaluated_key=decode_cursor(cursor, TeamItem.by_list, keys.TEAMS_LIST))
        items = [_to_domain(item) for item in results]
        return Page(items=items, next_cursor=encode_cursor(results.last_evaluated_key))

    def create(self, team: Team) -> Team:
        """Fails with ConditionFailedError if the slug is taken."""
        item = _to_item(team)

        def build(transaction: TransactWrite) -> None:
            transaction.save(item, condition=TeamItem.pk.does_not_exist())

        _transact(build)
        return _to_domain(item)

    def save(self, team: Team) -> Team:
        """Fails with ConditionFailedError if the team changed since `team.revision` was read."""
        item = _to_item(team)

        def build(transaction: TransactWrite) -> None:
            transaction.save(item)  # pynamodb conditions the save on the item's revision (VersionAttribute)

        _transact(build)
        return _to_domain(item)


def _to_item(team: Team) -> TeamItem:
    item = TeamItem(
        keys.team_pk(team.slug),
        keys.META,
        entity=keys.ENTITY_TEAM,
        model_id=keys.GLOBAL_MODEL_ID,
        slug=team.slug,
        display_name=team.display_name,
        gsi1pk=keys.TEAMS_LIST,
        gsi1sk=team.slug,
    )
    _apply_stamp(item, team.stamp)
    if team.revision is not None:
        item.revision = team.revision
    return item


def _to_domain(item: TeamItem) -> Team:
    return Team(slug=item.slug, display_name=item.display_name, stamp=_stamp_from(item), revision=int(item.revision) if item.revision else None)
