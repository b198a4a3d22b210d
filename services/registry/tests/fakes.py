"""In-memory stand-ins for the registry's adapters, for the handler tests: `FakeRegistryRepository` keeps what
`SqlRegistryRepository` keeps and answers the same (tests/integration/test_repository_contract.py runs both through
one suite); `fake_components` are the real region table, calendar and cipher around it with a clock the test sets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from registry.adapters.repository import RegistryRepository
from registry.domain.regions import RegionTable
from registry.domain.versions import Change, Interest, StoredCheckItem, StoredEntity, StoredInspector
from registry.service_layer.components import Components
from registry_testkit import personal_key

from hrss.auth.secrets import AesGcmSecretCipher
from hrss.workdays import default_calendar


class FakeRegistryRepository(RegistryRepository):
    """Entities and inspectors as lists of (version, change) by id, the last one the current version; declarations
    of interest as a list per inspector, in the order they were made."""

    def __init__(self) -> None:
        self.entities: dict[str, list[tuple[StoredEntity, Change]]] = {}
        self.inspectors: dict[str, list[tuple[StoredInspector, Change]]] = {}
        self.declarations: dict[str, list[Interest]] = {}
        self.check_items: dict[str, list[tuple[StoredCheckItem, datetime, str, str | None]]] = {}

    def _current(self) -> list[StoredEntity]:
        return [versions[-1][0] for versions in self.entities.values()]

    def entity_id_by_uscc(self, uscc: str) -> str | None:
        return next((e.id for e in self._current() if e.state.uscc == uscc), None)

    def lock_entity(self, entity_id: str) -> StoredEntity | None:
        versions = self.entities.get(entity_id)
        return versions[-1][0] if versions else None

    def lock_entity_by_uscc(self, uscc: str) -> StoredEntity | None:
        return next((e for e in self._current() if e.state.uscc == uscc), None)

    def add_entity_version(self, entity: StoredEntity, change: Change, *, first: bool) -> None:
        versions = self.entities.setdefault(entity.id, [])
        assert first == (not versions), "the first version of a new entity, a later one of a kept entity"
        versions.append((entity, change))

    def inspector_id_by_credential(self, credential_no: str) -> str | None:
        return next((k for k, v in self.inspectors.items() if v[-1][0].state.credential_no == credential_no), None)

    def lock_inspector(self, inspector_id: str) -> StoredInspector | None:
        versions = self.inspectors.get(inspector_id)
        return versions[-1][0] if versions else None

    def add_inspector_version(self, inspector: StoredInspector, change: Change, *, first: bool) -> None:
        versions = self.inspectors.setdefault(inspector.id, [])
        assert first == (not versions), "the first version of a new inspector, a later one of a kept inspector"
        versions.append((inspector, change))

    def interests(self, inspector_id: str) -> list[Interest]:
        latest: dict[str, Interest] = {}
        for declared in sorted(self.declarations.get(inspector_id, []), key=lambda i: i.uscc):  # stable: in order
            latest[declared.uscc] = declared
        return [i for i in latest.values() if i.action == "declare"]

    def interest_revision(self, inspector_id: str) -> int:
        return len(self.declarations.get(inspector_id, []))

    def add_interest(self, inspector_id: str, declared: Interest) -> None:
        self.declarations.setdefault(inspector_id, []).append(declared)

    def check_item_id(self, node: str, number: str) -> str | None:
        return next((k for k, v in self.check_items.items() if (v[0][0].node, v[0][0].number) == (node, number)), None)

    def lock_check_item(self, item_id: str) -> StoredCheckItem | None:
        versions = self.check_items.get(item_id)
        return versions[-1][0] if versions else None

    def add_check_item(self, item: StoredCheckItem, *, at: datetime, by: str, reason: str | None) -> None:
        versions = self.check_items.setdefault(item.id, [])
        assert item.version == len(versions) + 1, "versions of an item are numbered from 1 without gaps"
        assert not versions or (versions[0][0].node, versions[0][0].number) == (item.node, item.number)
        versions.append((item, at, by, reason))


_REGIONS: RegionTable | None = None


def fake_components(repository: RegistryRepository, clock: Callable[[], datetime]) -> Components:
    """The real policies (region table, calendar, cipher) around `repository`, at the time `clock` says."""
    global _REGIONS
    if _REGIONS is None:
        _REGIONS = RegionTable.load()  # read once: a few thousand divisions
    cipher = AesGcmSecretCipher.parse(personal_key(), "个人信息", "HRSS_REGISTRY_PERSONAL_KEY")

    def in_uow(uow: Any) -> RegistryRepository:
        return repository

    return Components(regions=_REGIONS, calendar=default_calendar(), cipher=cipher, repository=in_uow, clock=clock)
