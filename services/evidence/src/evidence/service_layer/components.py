"""What the evidence use cases are given by the composition root (`evidence.bootstrap`): the object store, the
settings, the clock, the read model's and the repository's factories (each given the unit of work), the nodes
kept by another deployment, the archive index and the text extractor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from evidence.domain.content import Detected, ZipLimits
from evidence.domain.storage import Stored
from hrss.contracts import utcnow
from hrss.search.extract import Extractor

if TYPE_CHECKING:
    from evidence.adapters.repository import EvidenceRepository
    from evidence.adapters.search_index import ArchiveIndex
    from evidence.adapters.store import AbstractEvidenceStore
    from evidence.adapters.visits import AbstractVisitReadModel


@dataclass(frozen=True)
class Settings:
    retention_mode: str = "COMPLIANCE"
    retention_days: int = 10950
    algorithm: str = "sha256"
    max_bytes: int = 200 * 1024 * 1024
    zip_limits: ZipLimits = field(default_factory=lambda: ZipLimits(1 << 30, 100, 10_000))
    max_grant_days: int = 30
    quarantine_days: int = 365  # how long a quarantined upload's bytes stay locked (retention_mode)


@dataclass
class Components:
    store: AbstractEvidenceStore
    visits: Callable[[Any], AbstractVisitReadModel]  # the visit read model in a unit of work
    repository: Callable[[Any], EvidenceRepository]  # the repository in a unit of work
    detect: Callable[[bytes], Detected]  # what an upload's first bytes are (`adapters/sniffing.py`)
    zip_entries: Callable[[AbstractEvidenceStore, str, str, int], list[tuple[str, int, int]]]  # a stored ZIP's entries
    # the whole-file check of a stored upload by its extension (`adapters/validation`): raises the refusal
    validate: Callable[[AbstractEvidenceStore, Stored, str], None]
    settings: Settings = field(default_factory=Settings)
    clock: Callable[[], datetime] = field(default=utcnow)
    # test hook, set only by test configs (EVIDENCE.fault): "pause-after-object-write:<marker file>"
    fault: str | None = None
    # nodes below the served ones that run their own inspection and evidence (a federated county): not kept here
    delegated: tuple[str, ...] = ()
    # the staff archive index (SEARCH.url); None: archives are not indexed and GET /archives/search answers 503
    search: ArchiveIndex | None = None
    # the text of filed documents for that index: PDF, DOCX, text, OCR of scans (EVIDENCE.ocr_*)
    extractor: Extractor = field(default_factory=Extractor)
