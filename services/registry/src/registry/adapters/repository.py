"""The registry's repository: what the use cases read and write, as domain objects (`RegistryRepository`), and its
SQLAlchemy implementation over the version tables and their current-state projection. Each write adds a version
row and moves the projection to it in the same transaction; history is only ever added."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hrss.auth.secrets import AesGcmSecretCipher
from registry.adapters.orm import (
    check_item,
    check_item_version,
    entity_current,
    entity_version,
    inspector_current,
    inspector_version,
    interest,
)
from registry.adapters.rows import (
    entity_current_row,
    entity_from_row,
    entity_version_row,
    inspector_current_row,
    inspector_from_row,
    inspector_version_row,
)
from registry.domain.entities import EntityState
from registry.domain.versions import Change, Interest, StoredCheckItem, StoredEntity, StoredInspector


class RegistryRepository(ABC):
    """The checklist, entities and inspectors a registry keeps; `lock_*` reads hold the record until the transaction
    ends."""

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

    @abstractmethod
    def inspector_id_by_credential(self, credential_no: str) -> str | None:
        """The id of the inspector registered under the credential number `credential_no`, if any."""

    @abstractmethod
    def lock_inspector(self, inspector_id: str) -> StoredInspector | None:
        """The inspector's current version, locked (which also orders declarations of interest); None if unknown."""

    @abstractmethod
    def add_inspector_version(self, inspector: StoredInspector, change: Change, *, first: bool) -> None:
        """Keep `inspector` as a new version (personal data encrypted at rest) and make it the current one."""

    @abstractmethod
    def interests(self, inspector_id: str) -> list[Interest]:
        """The interests the inspector has declared and not withdrawn, the latest declaration per USCC, by USCC."""

    @abstractmethod
    def interest_revision(self, inspector_id: str) -> int:
        """How many declarations and withdrawals the inspector has made (the revision of its interests)."""

    @abstractmethod
    def add_interest(self, inspector_id: str, declared: Interest) -> None:
        """Keep a declaration or withdrawal (declarations are only ever added)."""

    @abstractmethod
    def check_item_id(self, node: str, number: str) -> str | None:
        """The id of the item listed as `number` on `node`'s list, if any."""

    @abstractmethod
    def lock_check_item(self, item_id: str) -> StoredCheckItem | None:
        """The item with its latest version, locked; None if there is no such item."""

    @abstractmethod
    def add_check_item(self, item: StoredCheckItem, *, at: datetime, by: str, reason: str | None) -> None:
        """Keep `item`'s version (a new item when it is version 1: listed as its number on its node's list)."""


class SqlRegistryRepository(RegistryRepository):
    """The repository in a unit of work's session (`registry.entity_version`, `registry.entity_current`)."""

    def __init__(self, session: Session, cipher: AesGcmSecretCipher) -> None:
        self.session = session
        self.cipher = cipher

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

    def inspector_id_by_credential(self, credential_no: str) -> str | None:
        return self.session.execute(
            select(inspector_current.c.id).where(inspector_current.c.credential_no == credential_no)
        ).scalar_one_or_none()

    def lock_inspector(self, inspector_id: str) -> StoredInspector | None:
        row = self.session.execute(
            select(inspector_current).where(inspector_current.c.id == inspector_id).with_for_update()
        ).first()
        if row is None:
            return None
        state = inspector_from_row(row, self.cipher, inspector_id)
        return StoredInspector(str(row.id), row.version, state, row.content_hash)

    def add_inspector_version(self, inspector: StoredInspector, change: Change, *, first: bool) -> None:
        key, version, digest = inspector.id, inspector.version, inspector.content_hash
        row = inspector_version_row(key, version, inspector.state, change, digest, self.cipher)
        self.session.execute(insert(inspector_version).values(row))
        current = inspector_current_row(row, change.applied_at)
        if first:
            self.session.execute(insert(inspector_current).values(current))
        else:
            self.session.execute(update(inspector_current).where(inspector_current.c.id == key).values(current))

    def interests(self, inspector_id: str) -> list[Interest]:
        return current_interests(self.session, inspector_id)

    def interest_revision(self, inspector_id: str) -> int:
        return len(self.session.execute(select(interest.c.id).where(interest.c.inspector_id == inspector_id)).all())

    def add_interest(self, inspector_id: str, declared: Interest) -> None:
        self.session.execute(
            insert(interest).values(
                inspector_id=inspector_id,
                uscc=declared.uscc,
                action=declared.action,
                reason=declared.reason,
                at=declared.at,
                by=declared.by,
            )
        )

    def check_item_id(self, node: str, number: str) -> str | None:
        return self.session.execute(
            select(check_item.c.id).where(check_item.c.node == node, check_item.c.number == number)
        ).scalar_one_or_none()

    def lock_check_item(self, item_id: str) -> StoredCheckItem | None:
        item = self.session.execute(select(check_item).where(check_item.c.id == item_id).with_for_update()).first()
        if item is None:
            return None
        v = check_item_version
        current = self.session.execute(
            select(v).where(v.c.item_id == item_id).order_by(v.c.version.desc()).limit(1)
        ).one()
        return StoredCheckItem(
            str(item.id),
            item.node,
            item.number,
            current.version,
            current.spec,
            current.line,
            tuple(current.qualifications or ()),
            current.status,
            current.content_hash,
        )

    def add_check_item(self, item: StoredCheckItem, *, at: datetime, by: str, reason: str | None) -> None:
        if item.version == 1:
            self.session.execute(
                insert(check_item).values(id=item.id, node=item.node, number=item.number, created_at=at, created_by=by)
            )
        self.session.execute(
            insert(check_item_version).values(
                item_id=item.id,
                version=item.version,
                spec=item.spec,
                line=item.line,
                qualifications=list(item.qualifications),
                status=item.status,
                content_hash=item.content_hash,
                changed_at=at,
                changed_by=by,
                reason=reason,
            )
        )


def current_interests(session: Session, inspector_id: str) -> list[Interest]:
    """The interests an inspector has declared and not withdrawn (the latest declaration per USCC), by USCC."""
    rows = session.execute(
        select(interest).where(interest.c.inspector_id == inspector_id).order_by(interest.c.uscc, interest.c.id)
    ).all()
    latest: dict[str, Any] = {}
    for row in rows:
        latest[row.uscc] = row
    return [Interest(r.uscc, r.action, r.reason, r.at, r.by) for r in latest.values() if r.action == "declare"]


def _stored(result: Any) -> StoredEntity | None:
    row = result.first()
    if row is None:
        return None
    state: EntityState = entity_from_row(row)
    return StoredEntity(str(row.id), row.version, state, row.content_hash)


def sql_repository(cipher: AesGcmSecretCipher) -> Callable[[Any], RegistryRepository]:
    """The SQLAlchemy repository in a unit of work's session, personal data under `cipher` (what `bootstrap`
    injects)."""

    def in_uow(uow: Any) -> RegistryRepository:
        return SqlRegistryRepository(uow.session, cipher)

    return in_uow
