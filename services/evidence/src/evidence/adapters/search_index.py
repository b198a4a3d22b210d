"""The staff archive index: a projection of the filed archives in Elasticsearch through hrss.search (one document
per archive at its latest version, the version as external version: an older one arriving late is counted stale,
never raised), rebuilt from the evidence schema behind the alias swap, and the search over it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from elasticsearch import Elasticsearch
from prometheus_client import Counter

from hrss.search import BulkOutcome, ElasticsearchIndex, VersionedDocument
from hrss.search.archive_search import ARCHIVE_SEARCH, ArchiveSearch

INDEXED = Counter("evidence_archive_index_writes_total", "Archive versions written to the archive index", ["outcome"])


def versioned(body: Mapping[str, Any]) -> VersionedDocument:
    """An archive's searchable body as the document of its archive at that version."""
    return VersionedDocument(str(body["archive_id"]), int(body["archive_version"]), body)


class ArchiveIndex:
    """The archive index of one deployment (alias `<prefix>-archive-search`) and the staff search over it."""

    def __init__(self, url: str, prefix: str) -> None:
        self.client = Elasticsearch(url, request_timeout=30)
        self.index = ElasticsearchIndex(self.client, ARCHIVE_SEARCH, prefix=prefix)
        self.search = ArchiveSearch(self.index)

    def start(self) -> None:
        """Apply the template and create the first generation if there is none (idempotent; once per process)."""
        self.index.ensure_started()

    def write(self, bodies: Iterable[Mapping[str, Any]], refresh: bool = False) -> BulkOutcome:
        """Index archive bodies at their versions; an equal or newer version already indexed is counted stale."""
        self.start()
        outcome = self.index.write_many(versioned(b) for b in bodies)
        if refresh:
            self.index.refresh()
        INDEXED.labels("applied").inc(outcome.applied)
        INDEXED.labels("stale").inc(outcome.stale)
        return outcome

    def rebuild(self, bodies: Iterable[Mapping[str, Any]]) -> str:
        """A new generation filled from the evidence schema, swapped in behind the alias; returns its name."""
        self.start()
        return self.index.rebuild(versioned(b) for b in bodies)

    def close(self) -> None:
        self.client.close()
