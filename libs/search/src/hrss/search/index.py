"""An alias over generations of one index: templates applied at start, writes with external versions (a stale
version is rejected by Elasticsearch itself), and rebuilds into a new generation swapped in atomically."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import BadRequestError, ConflictError, Elasticsearch, NotFoundError, helpers

from hrss.search.templates import IndexSpec


@dataclass(frozen=True)
class VersionedDocument:
    """One projected document and the version of its source record (strictly increasing per record)."""

    doc_id: str
    version: int
    body: Mapping[str, Any]


@dataclass
class BulkOutcome:
    """What a bulk write did: documents applied, stale ones rejected (an equal or newer version is indexed)."""

    applied: int = 0
    stale: int = 0
    stale_ids: list[str] = field(default_factory=list)


class ElasticsearchIndex:
    """One searchable projection behind the alias <prefix>-<spec.name>; concrete indexes <alias>-<generation>."""

    def __init__(
        self, client: Elasticsearch, spec: IndexSpec, prefix: str = "hrss", synonyms: list[str] | None = None
    ) -> None:
        self.client = client
        self.spec = spec
        self.alias = f"{prefix}-{spec.name}"
        self._synonyms = synonyms
        self._building: str | None = None  # the generation a rebuild fills; live writes go to it too
        self._started = False
        self._starting = threading.Lock()

    def ensure_started(self) -> None:
        """`start` once for this instance: its first user applies the template and checks the alias, later calls
        return at once (what a service calls before each use, rather than a round trip per write)."""
        with self._starting:
            if not self._started:
                self.start()
                self._started = True

    def start(self) -> None:
        """Apply the index template and make sure the alias points at a generation (idempotent)."""
        self.client.indices.put_index_template(name=self.alias, **self.spec.template(f"{self.alias}-*", self._synonyms))
        if not self.client.indices.exists_alias(name=self.alias):
            # the first generation has a fixed name and carries the alias from its creation: of several processes
            # starting at once on an empty cluster one creates it, the others find it (no second generation that
            # the alias would also point at, which left writes without a write index)
            first = f"{self.alias}-0"
            try:
                self.client.indices.create(index=first, aliases={self.alias: {}})
            except BadRequestError as error:
                if error.error != "resource_already_exists_exception":
                    raise
                if not self.client.indices.exists_alias(name=self.alias):
                    self.client.indices.update_aliases(actions=[{"add": {"index": first, "alias": self.alias}}])

    def current_generation(self) -> str:
        """The concrete index the alias points at."""
        return next(iter(self.client.indices.get_alias(name=self.alias)))

    def write(self, document: VersionedDocument, refresh: bool = False) -> bool:
        """Index one document at its source version; False if the index holds that version or a newer one."""
        applied = False
        for index in self._targets():
            try:
                self.client.index(
                    index=index,
                    id=document.doc_id,
                    document=dict(document.body),
                    version=document.version,
                    version_type="external",
                    refresh="wait_for" if refresh else None,
                )
                applied = True
            except ConflictError:
                pass
        return applied

    def write_many(self, documents: Iterable[VersionedDocument], chunk_size: int = 1000) -> BulkOutcome:
        """Bulk-index documents at their source versions; stale ones are counted, not raised."""
        targets = self._targets()
        batch = documents if len(targets) == 1 else list(documents)
        outcomes = [self._bulk(index, batch, chunk_size) for index in targets]
        return outcomes[0]  # what the alias's generation did; the building one is replaced by the rebuild anyway

    def rebuild(self, documents: Iterable[VersionedDocument], chunk_size: int = 1000) -> str:
        """Fill a new generation from the source and swap the alias to it in one step; the old one is deleted.

        Queries keep answering from the old generation until the swap. Writes made through this object while the
        rebuild runs go to both generations; a writer elsewhere must replay what it wrote since the rebuild began
        (external versions make the replay harmless)."""
        new = self._new_generation()
        self._building = new
        try:
            self._bulk(new, documents, chunk_size)
            # back to the template's refresh interval (the default), and everything visible before the swap
            self.client.indices.put_settings(index=new, settings={"index": {"refresh_interval": None}})
            self.client.indices.refresh(index=new)
            old = self.client.indices.get_alias(name=self.alias)
            actions: list[Mapping[str, Any]] = [{"remove": {"index": name, "alias": self.alias}} for name in old]
            actions.append({"add": {"index": new, "alias": self.alias}})
            self.client.indices.update_aliases(actions=actions)
        except BaseException:
            self._building = None
            self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        self._building = None
        for name in old:
            self.client.indices.delete(index=name, ignore_unavailable=True)
        return new

    def delete_all(self) -> None:
        """Remove every generation, the alias and the template (tests and teardown)."""
        self.client.indices.delete(index=f"{self.alias}-*", ignore_unavailable=True, allow_no_indices=True)
        with contextlib.suppress(NotFoundError):
            self.client.indices.delete_index_template(name=self.alias)

    def refresh(self) -> None:
        """Make every write visible to search now (tests; production relies on the refresh interval)."""
        self.client.indices.refresh(index=self.alias)

    def search(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Run a search body against the alias; the response as a dict."""
        return dict(self.client.search(index=self.alias, **body))

    def _targets(self) -> list[str]:
        return [self.alias] if self._building is None else [self.alias, self._building]

    def _new_generation(self) -> str:
        # milliseconds keep generations ordered and unique for one writer; the template applies to the name
        name = f"{self.alias}-{time.time_ns() // 1_000_000}"
        # no refresh while it is filled: nothing searches it before the swap, and a bulk is cheaper without new
        # segments every second
        self.client.indices.create(index=name, settings={"index": {"refresh_interval": "-1"}})
        return name

    def _bulk(self, index: str, documents: Iterable[VersionedDocument], chunk_size: int) -> BulkOutcome:
        outcome = BulkOutcome()
        for ok, item in helpers.streaming_bulk(
            self.client, _actions(index, documents), chunk_size=chunk_size, raise_on_error=False, max_retries=3
        ):
            result = item.get("index", {})
            if ok:
                outcome.applied += 1
            elif result.get("status") == 409:
                outcome.stale += 1
                outcome.stale_ids.append(str(result.get("_id")))
            else:
                raise RuntimeError(f"search: bulk write to {index} failed: {result.get('error')}")
        return outcome


def _actions(index: str, documents: Iterable[VersionedDocument]) -> Iterator[dict[str, Any]]:
    for document in documents:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": document.doc_id,
            "_version": document.version,
            "_version_type": "external",
            "_source": dict(document.body),
        }
