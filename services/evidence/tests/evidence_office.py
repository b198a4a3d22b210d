"""The evidence service's use cases on fakes (repository, unit of work, object store, visit read model): one visit
opened at the county, each call in a unit of work of its own. Shared by the handler tests."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from evidence.adapters.sniffing import detect, zip_entries
from evidence.adapters.validation import ContentValidator
from evidence.domain.content import ZipLimits
from evidence.service_layer.commands import UploadEvidence
from evidence.service_layer.components import Components, Settings
from evidence.service_layer.context import Context
from evidence.service_layer.handlers import handle
from evidence.service_layer.uploads import Upload
from evidence_fakes import FakeEvidenceRepository, InMemoryEvidenceStore, InMemoryVisitReadModel
from evidence_testkit import COUNTY, INSPECTOR_1, INSPECTOR_2, PROVINCE, approved_result

from hrss.auth import Principal, Role
from hrss.contracts import PlatformError
from hrss.contracts.events.inspection import VisitOpened
from hrss.testing.fakes import FakeUnitOfWork

NOW = datetime(2027, 4, 12, 3, 0, tzinfo=UTC)
SERVICE = Principal.for_service("evidence", [PROVINCE])
INSPECTOR = Principal(
    "inspector@130102", "检查员", COUNTY, frozenset({Role.INSPECTOR}), inspector_id=INSPECTOR_1, credential_no="c1"
)  # type: ignore[arg-type]
KEEPER = Principal("keeper@130102", "档案员", COUNTY, frozenset({Role.ARCHIVE_KEEPER}))  # type: ignore[arg-type]
PROPOSER_AS_APPROVER = Principal("keeper@130102", "档案员", COUNTY, frozenset({Role.APPROVER}))  # type: ignore[arg-type]
TEAM = tuple(enumerate((INSPECTOR_1, INSPECTOR_2)))
APPROVER = Principal("approver@130102", "审定人", COUNTY, frozenset({Role.APPROVER}))  # type: ignore[arg-type]


class Office:
    """The evidence service on fakes, one visit opened at the county; each call in a unit of work of its own."""

    def __init__(self, max_pixels: int = 100_000_000) -> None:
        self.repo = FakeEvidenceRepository()
        self.store = InMemoryEvidenceStore()
        self.visits = InMemoryVisitReadModel()
        settings = Settings("GOVERNANCE", 1, "sha256", 1 << 20, ZipLimits(1 << 22, 100, 100), 30)
        self.components = Components(
            self.store,
            lambda uow: self.visits,
            lambda uow: self.repo,
            detect,
            zip_entries,
            ContentValidator(max_pixels),
            settings,
            clock=lambda: NOW,
        )
        self.events: list[str] = []
        self.actions: list[str] = []
        self.visit_id = str(uuid.uuid4())
        opened = VisitOpened(
            visit_id=uuid.UUID(self.visit_id), node=COUNTY, uscc="91130102MA0000001X", entity_name="测试公司",
            task_ids=[uuid.uuid4()], assignment_ids=[uuid.uuid4()], due=date(2027, 6, 30), opened_at=NOW,
            inspectors=[{"inspector_id": i, "credential_no": f"c{n}", "name": "检查员"} for n, i in TEAM],
        )  # type: ignore[arg-type]  # fmt: skip
        assert self.call(SERVICE, opened, event_id=str(uuid.uuid4())) == 1

    def call(self, principal: Principal, message: object, **extra: Any) -> Any:
        uow = FakeUnitOfWork(service="evidence", nodes=(PROVINCE,))
        try:
            result = handle(message, Context(uow, self.components, principal, "trace-1"), **extra)
        except Exception:
            uow.rollback()
            raise
        uow.commit()
        self.events += [e.type for e in uow.committed]
        self.actions += [record.action for _, record in uow.audited]
        return result

    def refusal(self, principal: Principal, message: object) -> str:
        with pytest.raises(PlatformError) as refused:
            self.call(principal, message)
        return refused.value.code

    def upload(self, data: bytes, checksum: str | None = None, filename: str = "账簿.pdf") -> UploadEvidence:
        spec = Upload(COUNTY, self.visit_id, "documentary", filename, checksum=checksum)
        return UploadEvidence(spec, io.BytesIO(data), len(data))

    def file(self, version: int = 1) -> str | None:
        return self.call(SERVICE, approved_result(self.visit_id, version), event_id=str(uuid.uuid4()))  # type: ignore[no-any-return]
