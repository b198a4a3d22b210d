"""The public index as a projection of the public record: each published version is indexed from the service's own
`publication.record_published` event, consumed after the publishing transaction committed (the outbox sends it
only then, and again until consumed), at the record's version as Elasticsearch's external version; each consumed
batch of events is read in one query and written in one bulk. A crash between
the commit and the index write leaves the event unconsumed, so it is indexed when the consumer comes back; an
older version arriving after a newer one is rejected by Elasticsearch and counted (stale), never an error."""

from __future__ import annotations

import logging
from typing import cast

from publication.domain.records import Kind
from publication.service_layer.context import Context

log = logging.getLogger(__name__)


def index_records(ctx: Context, versions: list[tuple[str, str, int]]) -> int:
    """Index versions (kind, record id, version) of public records in one bulk, read in one query; how many were
    applied (the others are stale: the index holds them or newer ones), 0 when no index is configured."""
    index = ctx.components.search
    if index is None:
        return 0
    keys = {(cast(Kind, kind), record_id, version) for kind, record_id, version in versions}
    found = ctx.repo.record_versions(keys)
    missing = keys - {(r.kind, r.record_id, r.version) for r in found}
    if missing:
        kind, record_id, version = sorted(missing)[0]
        raise LookupError(f"publication: no version {version} of {kind} {record_id} to index ({len(missing)} missing)")
    outcome = index.write(sorted(found, key=lambda r: (r.kind, r.record_id, r.version)))
    if outcome.stale:
        log.info("public index: %s of %s versions stale (the index holds them or newer ones)", outcome.stale, len(keys))
    return outcome.applied
