"""The registry's repository: what the use cases read and write, as domain objects (`RegistryRepository`), and its
SQLAlchemy implementation over the version tables and their current-state projection. Each write adds a version
row and moves the projection to it in the same transaction; history is only ever added."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from registry.adapters.orm import entity_current, entity_version
from registry.adapters.rows import entity_current_row, entity_from_row, entity_version_row
from registry.domain.entities import EntityState
from registry.domain.versions import Change, StoredEntity


class RegistryRepository(ABC):
    """The entities (so far) a registry keeps; `lock_*` reads hold the record until the transaction ends."""

    @abstractmethod
    def entity_id_by_uscc(self, uscc: str) -> str | None:
        """The id of the entity registered under `uscc`, if any."""

    @abstractmethod
    def lock_entity(self, entity_id: str) -> StoredEntity | None:
        """The entity's current version, locked against concurrent changes; None if there is no such entity."""

    @abstractmethod
    def lock_entity_by_uscc(self, uscc: str) -> StoredEntity | None:
        """The current version of the entity registered under `uscc`, locked; None if there is none."""

    @abstractmethod
    def add_entity_version(self, entity: StoredEntity, change: Change, *, first: bool) -> None:
        """Keep `entity` (its id, version, state and hash) as a new version and make it the current one."""


class SqlRegistryRepository(RegistryRepository):
    """The repository in a unit of work's session (`registry.entity_version`, `registry.entity_current`)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def entity_id_by_uscc(self, uscc: str) -> str | None:
        return self.session.execute(
            select(entity_current.c.id).where(entity_current.c.uscc == uscc)
        ).scalar_one_or_none()

    def lock_entity(self, entity_id: str) -> StoredEntity | None:
        return _stored(
            self.session.execute(select(entity_current).where(entity_current.c.id == entity_id).with_for_update())
        )

    def lock_entity_by_uscc(self, uscc: str) -> StoredEntity | None:
        return _stored(
            self.session.execute(select(entity_current).where(entity_current.c.uscc == uscc).with_for_update())
        )

    def add_entity_version(self, entity: StoredEntity, change: Change, *, first: bool) -> None:
        key, version, state, digest = entity.id, entity.version, entity.state, entity.content_hash
        self.session.execute(insert(entity_version).values(entity_version_row(key, version, state, change, digest)))
        current = entity_current_row(key, version, state, digest, change.applied_at)
        if first:
            self.session.execute(insert(entity_current).values(current))
        else:
            self.session.execute(update(entity_current).where(entity_current.c.id == key).values(current))


def _stored(result: Any) -> StoredEntity | None:
    row = result.first()
    if row is None:
        return None
    state: EntityState = entity_from_row(row)
    return StoredEntity(str(row.id), row.version, state, row.content_hash)


def sql_repository(uow: Any) -> RegistryRepository:
    """The SQLAlchemy repository in the unit of work's session (what `bootstrap` injects)."""
    return SqlRegistryRepository(uow.session)
