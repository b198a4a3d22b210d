"""The public index as a projection of the public record: each published version is indexed from the service's own
`publication.record_published` event, consumed after the publishing transaction committed (the outbox sends it
only then, and again until consumed), at the record's version as Elasticsearch's external version. A crash between
the commit and the index write leaves the event unconsumed, so it is indexed when the consumer comes back; an
older version arriving after a newer one is rejected by Elasticsearch and counted (stale), never an error."""

from __future__ import annotations

import logging
from typing import cast

from publication.domain.records import Kind
from publication.service_layer.context import Context

log = logging.getLogger(__name__)


def index_record(ctx: Context, kind: str, record_id: str, version: int) -> bool:
    """Index one version of a public record; False when it is stale (the index holds it or a newer one) or when no
    index is configured."""
    index = ctx.components.search
    if index is None:
        return False
    found = [v for v in ctx.repo.versions(cast(Kind, kind), record_id) if v.version == version]
    if not found:
        raise LookupError(f"publication: no version {version} of {kind} {record_id} to index")
    outcome = index.write(found)
    if outcome.stale:
        log.info("public index: %s %s version %s is stale (a newer one is indexed)", kind, record_id, version)
    return outcome.applied > 0
