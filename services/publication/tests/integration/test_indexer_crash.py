"""The public index survives a kill -9 of its indexer: the publication service (which indexes its own
record_published events) runs as a real process, is killed with SIGKILL while it is indexing a consumed batch,
and restarted; the index it ends with holds exactly the documents (id, version, source) of an index written by an
uninterrupted run from the same public record."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from elasticsearch import NotFoundError
from publication.adapters.search_index import PublicIndex
from publication_process import PublicationProcesses
from publication_testkit import approved, decision, ensure_topics, migrate, send, task_published, wait_for

pytestmark = pytest.mark.integration

RESULTS = 300
FINDINGS = "经检查发现，该单位拖欠农民工工资，已责令限期改正。"


def documents(index: PublicIndex) -> dict[str, tuple[int, dict[str, Any]]]:
    """Every document of the index: id -> (version, source)."""
    index.index.refresh()
    found = {}
    query: dict[str, Any] = {"match_all": {}}
    answer = index.client.search(index=index.index.alias, size=1000, version=True, query=query, sort=["_doc"])
    while hits := answer["hits"]["hits"]:
        found.update({hit["_id"]: (hit["_version"], hit["_source"]) for hit in hits})
        answer = index.client.search(
            index=index.index.alias, size=1000, version=True, query=query, sort=["_doc"], search_after=hits[-1]["sort"]
        )
    return found


def results_indexed(index: PublicIndex) -> int:
    """Results in the index (0 before the service has made it)."""
    try:
        index.index.refresh()
        return int(index.client.count(index=index.index.alias, query={"term": {"kind": "result"}})["count"])
    except NotFoundError:
        return 0


def stale_writes(url: str) -> float:
    """The restarted process's count of index writes refused as stale (its /metrics)."""
    text = requests.get(f"{url}/metrics", timeout=10).text
    lines = [line for line in text.splitlines() if line.startswith('publication_index_writes_total{outcome="stale"}')]
    return float(lines[0].split()[-1]) if lines else 0.0


def test_a_kill_9_of_the_indexer_mid_batch_and_a_restart_give_exactly_the_index_of_an_uninterrupted_run(
    fresh_database, kafka_bootstrap, kafka_namespace, kafka_broker, es_url, tmp_path
) -> None:
    migrate(fresh_database)
    ensure_topics(kafka_broker)
    processes = PublicationProcesses(fresh_database, kafka_bootstrap, kafka_namespace, es_url, tmp_path).start()
    index = processes.public_index()
    reference = processes.public_index(prefix="uninterrupted")
    try:
        send(kafka_broker, task_published())
        send(kafka_broker, *[e for n in range(RESULTS) for e in (approved(n, findings=FINDINGS), decision(n))])

        # killed while it is indexing: some of the results are in the index, not all
        killed_at = wait_for(lambda: (n := results_indexed(index)) >= 20 and n, 180, "the first results indexed")
        processes.service.kill9()
        after_kill = results_indexed(index)
        assert killed_at <= after_kill < RESULTS, "the kill came after the indexer had finished"

        processes.service.start(timeout=120)
        wait_for(lambda: results_indexed(index) == RESULTS, 300, f"all {RESULTS} results indexed after the restart")
        # the batch it was killed in had not committed its offsets: it came again and what the killed process had
        # already indexed of it was refused as stale by the external versions
        assert stale_writes(processes.url) > 0
        latest = list(processes.latest_versions())
        assert sum(r.kind == "result" for r in latest) == RESULTS
        # what the record holds is what the index must hold; nothing waiting to be indexed
        wait_for(lambda: len(documents(index)) == len(latest), 60, "every public record indexed")
        processes.stop()

        reference.write(latest)  # the same write path, uninterrupted, from the same public record
        crashed, uninterrupted = documents(index), documents(reference)
        assert len(uninterrupted) == len(latest)
        assert crashed.keys() == uninterrupted.keys()
        differing = [doc_id for doc_id in uninterrupted if crashed[doc_id] != uninterrupted[doc_id]]
        assert differing == [], f"{len(differing)} documents differ, e.g. {differing[:3]}"
    finally:
        processes.stop()
        for public in (index, reference):
            public.index.delete_all()
            public.close()
