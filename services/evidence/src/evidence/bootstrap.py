"""The one place where the evidence service's adapters are chosen, from config with environment overrides."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from evidence.adapters.repository import SqlEvidenceRepository
from evidence.adapters.s3_store import S3EvidenceStore, s3_client
from evidence.adapters.search_index import ArchiveIndex
from evidence.adapters.sniffing import detect, zip_entries
from evidence.adapters.store import RETENTION_MODES
from evidence.adapters.validation import ContentValidator
from evidence.adapters.visits import SqlAlchemyVisitReadModel
from evidence.domain.content import ZipLimits
from evidence.domain.hashing import new_hash
from evidence.service_layer.components import Components, Settings
from hrss.bus.config import delegated_nodes, served_nodes
from hrss.search.extract import Extractor, OcrSettings


def delegated_from(config: Mapping[str, Any]) -> tuple[str, ...]:
    """DELEGATED_NODES (or $HRSS_DELEGATED_NODES), as the consumers read it: the subtrees whose visits another
    deployment keeps."""
    return tuple(n.code for n in delegated_nodes(dict(config)))


def settings_from(config: Mapping[str, Any]) -> Settings:
    ev = config.get("EVIDENCE") or {}
    mode = str(ev.get("retention_mode") or "COMPLIANCE").upper()
    if mode not in RETENTION_MODES:
        raise RuntimeError(f"EVIDENCE.retention_mode must be GOVERNANCE or COMPLIANCE, not {mode!r}")
    algorithm = str(ev.get("algorithm") or "sha256").lower()
    new_hash(algorithm)  # an unavailable SM3 fails the start, not the first upload
    return Settings(
        retention_mode=mode,
        retention_days=int(ev.get("retention_days") or 10950),
        algorithm=algorithm,
        max_bytes=int(ev.get("max_bytes") or 200 * 1024 * 1024),
        zip_limits=ZipLimits(
            int(ev.get("zip_max_expanded") or 1 << 30),
            int(ev.get("zip_max_ratio") or 100),
            int(ev.get("zip_max_entries") or 10_000),
        ),
        max_grant_days=int(ev.get("max_grant_days") or 30),
        quarantine_days=int(ev.get("quarantine_days") or 365),
    )


def store_from(config: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> S3EvidenceStore:
    s3 = config.get("S3") or {}
    endpoint = str(s3.get("endpoint") or "") or environ.get("HRSS_S3_ENDPOINT", "")
    if not endpoint:
        raise RuntimeError("S3 endpoint (HRSS_S3_ENDPOINT) is not configured")
    client = s3_client(
        endpoint,
        str(s3.get("access_key") or "") or environ.get("HRSS_S3_ACCESS_KEY", ""),
        str(s3.get("secret_key") or "") or environ.get("HRSS_S3_SECRET_KEY", ""),
        str(s3.get("secure", "false")).lower() == "true",
    )
    store = S3EvidenceStore(client, str(s3.get("bucket") or "hrss-evidence"))
    store.ensure_bucket()
    return store


def index_prefix(config: Mapping[str, Any]) -> str:
    """The index-name prefix of this deployment: SEARCH.prefix, the topic namespace (tests) and the nodes served,
    so that the central deployment, a federated county's and every test keep indexes of their own."""
    search = config.get("SEARCH") or {}
    namespace = str((config.get("KAFKA") or {}).get("namespace") or "")
    nodes = "-".join(n.code for n in served_nodes(dict(config)))
    parts = [str(search.get("prefix") or "hrss"), namespace, "evidence", nodes]
    return "-".join(p for p in parts if p).lower()


def archive_index(config: Mapping[str, Any]) -> ArchiveIndex | None:
    """The archive index at SEARCH.url (HRSS_ES_URL); None when no URL is configured. Nothing connects here."""
    url = str((config.get("SEARCH") or {}).get("url") or "")
    return ArchiveIndex(url, index_prefix(config)) if url else None


def extractor_from(config: Mapping[str, Any]) -> Extractor:
    """The text extractor with EVIDENCE.ocr_* (model, seconds per page, pages per document, resolution)."""
    ev = config.get("EVIDENCE") or {}
    return Extractor(
        OcrSettings(
            language=str(ev.get("ocr_language") or "chi_sim"),
            page_timeout=float(ev.get("ocr_page_timeout") or 60),
            max_pages=int(ev.get("ocr_max_pages") or 50),
            dpi=int(ev.get("ocr_dpi") or 300),
        )
    )


def bootstrap(config: Mapping[str, Any]) -> Components:
    fault = (config.get("EVIDENCE") or {}).get("fault")
    return Components(
        store=store_from(config),
        visits=lambda uow: SqlAlchemyVisitReadModel(uow.session),
        repository=lambda uow: SqlEvidenceRepository(uow.session),
        detect=detect,
        zip_entries=zip_entries,
        validate=ContentValidator(int((config.get("EVIDENCE") or {}).get("max_image_pixels") or 100_000_000)),
        settings=settings_from(config),
        fault=str(fault) if fault else None,
        delegated=delegated_from(config),
        search=archive_index(config),
        extractor=extractor_from(config),
    )
