"""The archive index as a projection of the filed archives: each filed or amended version is indexed from the
service's own `evidence.archive_filed` / `evidence.archive_amended` events, consumed after the filing transaction
committed, at the archive version as Elasticsearch's external version (an older version arriving after a newer one
is rejected and counted, never an error). Filing never waits for OCR.

Each included piece of evidence is read back by its version id and its text extracted once (`hrss.search.extract`:
PDF text layer, DOCX, plain text, OCR of scanned pages with a timeout per page); the extraction, failures included,
is kept in `document_text` in a transaction of its own, so a failed index write or a crash does not lose hours of
OCR, and a rebuild reads the kept text instead of running OCR again."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from evidence.domain.records import FiledVersion
from evidence.domain.search import DocumentText, archive_document, included
from evidence.service_layer.archives import head_of
from evidence.service_layer.context import Context
from evidence.service_layer.visits import team_of
from hrss.auth.principal import scope_prefixes

log = logging.getLogger(__name__)


def index_archive(ctx: Context, archive_id: str, version: int) -> bool:
    """Index `version` of an archive (texts extracted first where missing); False when it is stale (the index holds
    that version or a newer one) or when no index is configured."""
    index = ctx.components.search
    if index is None:
        return False
    body = archive_body(ctx, archive_id, version)
    outcome = index.write([body])
    if outcome.stale:
        log.info("archive index: archive %s version %s is stale (a newer one is indexed)", archive_id, version)
    return outcome.applied > 0


def archive_body(ctx: Context, archive_id: str, version: int | None = None) -> dict[str, Any]:
    """The searchable body of an archive at `version` (default: its latest)."""
    head = head_of(ctx, archive_id)
    filed = ctx.repo.filed_version(archive_id, version) if version else ctx.repo.latest_version(archive_id)
    if filed is None:
        raise LookupError(f"evidence: no version {version} of archive {archive_id} to index")
    return archive_document(head, filed, texts_of(ctx, filed), team_of(ctx.visits, str(head.visit_id)))


def texts_of(ctx: Context, filed: FiledVersion) -> dict[str, DocumentText]:
    """The kept text of each included piece of evidence, extracting (and keeping) those not extracted yet."""
    entries = included(filed)
    texts = ctx.repo.texts([e["evidence_id"] for e in entries])
    for entry in entries:
        if entry["evidence_id"] not in texts:
            texts[entry["evidence_id"]] = extract(ctx, entry)
    return texts


def extract(ctx: Context, entry: dict[str, Any]) -> DocumentText:
    """Read one filed piece of evidence by its version id, extract its text and keep the extraction at once."""
    extractor = ctx.components.extractor
    started = time.monotonic()
    if extractor.reads(entry["filename"]):
        data = ctx.components.store.read(entry["object_key"], entry["version_id"])
        found = extractor.extract(data, entry["filename"])
    else:
        found = extractor.extract(b"", entry["filename"])  # a format without text: recorded as unsupported
    text = DocumentText(
        extraction_id=str(uuid.uuid4()),
        evidence_id=entry["evidence_id"],
        version_id=entry["version_id"],
        method=found.method,
        status=found.status,
        pages=found.pages,
        failures=found.failures,
        text=found.text,
        seconds=round(time.monotonic() - started, 3),
        extracted_at=ctx.now(),
    )
    ctx.repo.add_text(text)
    if found.failures:
        log.warning("archive index: %s (%s) %s: %s", entry["evidence_id"], entry["filename"], found.status,
                    "; ".join(found.failures))  # fmt: skip
    return text


def all_bodies(ctx: Context, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """The body of every archive this process keeps, at its latest version (for a rebuild); with `since`, only
    those whose latest version was filed since then."""
    for archive_id in list(ctx.repo.archive_ids(scope_prefixes(ctx.principal))):
        latest = ctx.repo.latest_version(archive_id)
        if latest is not None and (since is None or latest.at >= since):
            yield archive_body(ctx, archive_id, latest.version)


def rebuild(ctx: Context) -> str:
    """Fill a new generation of the archive index from the evidence schema and swap the alias to it."""
    index = ctx.components.search
    if index is None:
        raise RuntimeError("evidence: SEARCH.url is not configured, there is no archive index to rebuild")
    return index.rebuild(all_bodies(ctx))
