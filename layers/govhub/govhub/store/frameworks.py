"""The control library: a versioned document (store/documents.py) under `PK=FRAMEWORKS`, audited as entity `frameworks`."""

from __future__ import annotations

from govhub.frameworks.library import FrameworkDocument, parse_frameworks
from govhub.store import keys
from govhub.store.documents import VersionedDocuments


class FrameworkRepository(VersionedDocuments[FrameworkDocument]):
    def __init__(self) -> None:
        super().__init__(keys.FRAMEWORKS_PK, keys.ENTITY_FRAMEWORKS, parse_frameworks, "control library")
