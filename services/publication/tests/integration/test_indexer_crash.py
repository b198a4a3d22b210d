"""The public index survives a kill -9 of its indexer: the publication service (which indexes its own
record_published events, a consumed batch in one bulk) runs as a real process, is killed with SIGKILL after it
wrote a batch into the index and before that batch committed, and restarted; the index it ends with holds exactly
the documents (id, version, source) of an index written by an uninterrupted run from the same public record.

To kill it there every time: every result is published first with the outbox relay stopped, then the test holds a
lock on the inbox (which each consumed batch writes as it commits) and starts the relay, so that the indexer
writes its batch and waits at the commit; it is killed there, and the lock let go."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import sqlalchemy as sa
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


def published(engine: sa.Engine) -> int:
    """Results published in the service's database."""
    query = "SELECT count(DISTINCT record_id) FROM publication.public_record WHERE kind = 'result'"
    with engine.connect() as connection:
        return int(connection.execute(sa.text(query)).scalar_one())


def indexer_commits(engine: sa.Engine) -> int:
    """Events the indexer's committed batches hold."""
    query = "SELECT count(*) FROM publication.inbox WHERE consumer LIKE '%index_published%'"
    with engine.connect() as connection:
        return int(connection.execute(sa.text(query)).scalar_one())


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
    engine = sa.create_engine(fresh_database)
    try:
        processes.relay.stop()  # published first, indexed after: the indexer is busy when it is killed
        send(kafka_broker, task_published())
        send(kafka_broker, *[e for n in range(RESULTS) for e in (approved(n, findings=FINDINGS), decision(n))])
        wait_for(lambda: published(engine) == RESULTS, 300, f"all {RESULTS} results published")

        with engine.connect() as holding:  # the commit of whichever batch comes next waits on this lock
            holding.execute(sa.text("LOCK TABLE publication.inbox IN SHARE MODE"))
            processes.relay.start()
            written = wait_for(lambda: results_indexed(index), 180, "a batch written into the index")
            processes.service.kill9()
            holding.rollback()
        assert indexer_commits(engine) == 0, "the indexer committed a batch: the kill came too late"
        assert 0 < written <= results_indexed(index)  # written, not committed: its events come again

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
        engine.dispose()
        for public in (index, reference):
            public.index.delete_all()
            public.close()
