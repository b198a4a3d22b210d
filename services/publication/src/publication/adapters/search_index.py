"""The public index: a projection of the public record in Elasticsearch through hrss.search (external versions:
the record's version; a stale write is counted, never raised), rebuilt from the record behind the alias swap.

What is indexed is the published content, which was masked before it was hashed and kept; it is masked once more
here (the belt to those braces), so no search hit or highlight can carry what the record would not."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from elasticsearch import Elasticsearch
from prometheus_client import Counter

from hrss.contracts import Node
from hrss.contracts.masking import mask_value
from hrss.search import PUBLIC_RECORDS, BulkOutcome, ElasticsearchIndex, PublicSearch, VersionedDocument
from publication.domain.records import RecordVersion

INDEXED = Counter("publication_index_writes_total", "Public record versions written to the public index", ["outcome"])


def document_of(record: RecordVersion) -> VersionedDocument:
    """The searchable document of one public record version, at that version."""
    if record.content.get("withdrawn"):  # it leaves search: its document at this version, with nothing to find
        kept = {"record_id": record.record_id, "source_version": record.version, "kind": "withdrawn"}
        return VersionedDocument(f"{record.kind}:{record.record_id}", record.version, kept)
    content = mask_value(record.content)
    assert isinstance(content, dict)
    body: dict[str, Any] = {
        "record_id": record.record_id,
        "source_version": record.version,
        "kind": record.kind,
        "node_path": list(Node(record.node).path),
        "node_code": record.node,
        "year": record.year,
        "published_at": record.published_at.isoformat(),
        **_fields(record.kind, content),
    }
    if record.uscc:
        body["uscc"] = record.uscc
    return VersionedDocument(f"{record.kind}:{record.record_id}", record.version, body)


def _fields(kind: str, content: Mapping[str, Any]) -> dict[str, Any]:
    items = content.get("items") or []
    if kind == "result":
        tasks = " ".join(filter(None, (f"{t.get('number') or ''} {t.get('title') or ''}" for t in content["tasks"])))
        findings = [f"{i['item']}：{i['result']}。{i.get('findings') or ''}" for i in items]
        return {
            "entity_name": content["entity_name"],
            "items": sorted({i["item"] for i in items}),
            "result_category": content["result_category"],
            "inspecting_body": content["inspecting_body"]["name"],
            "text": "\n".join([*findings, tasks.strip()]),
        }
    if kind == "task":
        return {
            "items": sorted({i["name"] for i in items}),
            "text": "\n".join(filter(None, [content.get("number"), content.get("title")])),
        }
    if kind == "checklist":
        return {
            "items": sorted({i["name"] for i in items}),
            "text": "\n".join(f"{i['number']} {i['name']}：{i.get('legal_basis') or ''}" for i in items),
        }
    if kind == "drawn_list":
        tasks = " ".join(filter(None, (f"{t.get('number') or ''} {t.get('title') or ''}" for t in content["tasks"])))
        entities = content.get("entities") or []
        return {
            "inspecting_body": content["inspecting_body"]["name"],
            "text": "\n".join([tasks.strip(), *(f"{e['entity_name']} {e['uscc']}" for e in entities)]),
        }
    return {"text": "\n".join(filter(None, [f"{content.get('year')}年度抽查计划", content.get("adjustment_reason")]))}


class PublicIndex:
    """The public-records index of one deployment (alias `<prefix>-public-records`) and the search over it."""

    def __init__(self, url: str, prefix: str) -> None:
        self.client = Elasticsearch(url, request_timeout=30)
        self.index = ElasticsearchIndex(self.client, PUBLIC_RECORDS, prefix=prefix)
        self.search = PublicSearch(self.index)

    def start(self) -> None:
        """Apply the template and create the first generation if there is none (idempotent; once per process)."""
        self.index.ensure_started()

    def write(self, records: Iterable[RecordVersion]) -> BulkOutcome:
        """Index record versions at their versions; an equal or newer version already indexed is counted stale."""
        self.start()
        outcome = self.index.write_many(document_of(r) for r in records)
        INDEXED.labels("applied").inc(outcome.applied)
        INDEXED.labels("stale").inc(outcome.stale)
        return outcome

    def rebuild(self, records: Iterable[RecordVersion]) -> str:
        """A new generation filled from the public record, swapped in behind the alias; returns its name."""
        self.start()
        return self.index.rebuild(document_of(r) for r in records)

    def close(self) -> None:
        self.client.close()
