"""Indexing through the real path (issue 18): events -> publication -> index, beside a raw bulk, one run.

    eval "$(infra/local/stack env)" && .venv/bin/python tests/perf/bench_publication_index.py [--results 1000000]

1. A fresh database and topic namespace; the publication service (`nameko run`) and its outbox relay started as
   processes, as infra/local/services runs them (services/publication/tests/publication_process.py).
2. One task announcement, then --results inspection results (ResultApproved + ResultPublished, entity names and
   findings from tests/search/search_corpus) produced onto Kafka as inspection would. Timed from the first
   result produced until the public index holds every one of them: each is consumed, published (record version,
   chained receipt, audit, outbox), relayed as publication.record_published, consumed again and indexed through
   hrss.search at its version (both consumers take batches: one transaction, one bulk). Also when the last one was
   published in the database (the indexing lag behind it), and every 30 s where each stage stands: approvals
   kept, results published, events waiting in the outbox for the relay, documents indexed.
3. Beside it, in the same run: the same documents (read back from the database, document_of) bulk-indexed into
   an index of the same mapping by hrss.search's write_many (external versions) and by a raw helpers.bulk,
   streamed from the database (a million documents are not held in memory).
A plain script: it prints figures and never fails on timing. Everything it made is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "publication" / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "search"))

import sqlalchemy as sa
from elasticsearch import Elasticsearch, helpers
from publication.adapters.search_index import document_of
from publication_process import PublicationProcesses
from publication_testkit import approved, decision, ensure_topics, migrate, task_published
from search_corpus import generate

from hrss.bus.broker import Message
from hrss.bus.kafka import KafkaBroker
from hrss.contracts import registry
from hrss.search import PUBLIC_RECORDS, ElasticsearchIndex, VersionedDocument
from hrss.testing.databases import create_database, drop_database
from hrss.testing.kafka_admin import delete_namespace
from hrss.testing.servers import Servers

BATCH = 5_000  # events per produce call
HELD = 200_000  # up to so many documents are read into memory before the bulks; more are streamed


def produce(broker: KafkaBroker, payloads: list[object]) -> None:
    """Publish events as their producers would: on their contracts' topics, keyed by subject."""
    from publication_testkit import envelope

    messages = []
    for payload in payloads:
        e = envelope(payload, str(getattr(payload, "result_id", uuid.uuid4())))
        topic = registry.get(e.type, e.schema_version).topic_for(e.target_node)
        messages.append(Message(topic, e.subject.encode(), e.to_bytes()))
    broker.publish_many(messages)


def count(client: Elasticsearch, alias: str, refresh: bool = False) -> int:
    """Result documents searchable now (a refresh on every poll would slow the indexing it measures)."""
    if refresh:
        client.indices.refresh(index=alias)
    return int(client.count(index=alias, query={"term": {"kind": "result"}})["count"])


PUBLISHED = "SELECT count(DISTINCT record_id) FROM publication.public_record WHERE kind = 'result'"
STAGES = {
    "kept": "SELECT count(*) FROM publication.approved_result",
    "published": PUBLISHED,
    "outbox unsent": "SELECT count(*) FROM publication.outbox WHERE sent_at IS NULL",
}


def published(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text(PUBLISHED)).scalar_one())


def stages(engine: sa.Engine) -> str:
    with engine.connect() as connection:
        return ", ".join(f"{int(connection.execute(sa.text(q)).scalar_one()):,} {name}" for name, q in STAGES.items())


def documents(processes: PublicationProcesses) -> Iterator[VersionedDocument]:
    """The result documents of the latest versions in the database, streamed."""
    return (document_of(r) for r in processes.latest_versions() if r.kind == "result")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--timeout", type=float, default=6 * 3600.0, help="give up waiting after this many seconds")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    servers = Servers.from_environment()
    run = f"benchpub{uuid.uuid4().hex[:8]}"
    log_dir = Path(tempfile.mkdtemp(prefix="bench-publication-"))
    print(
        f"publication indexing benchmark: {args.results:,} results, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.2f}; logs in {log_dir}"
    )
    corpus = generate(seed=args.seed, results=min(args.results, 10_000), entity_count=1000)
    dsn = create_database(servers.pg_dsn, run)
    broker = KafkaBroker(servers.kafka_bootstrap, namespace=run)
    engine = sa.create_engine(dsn.replace("postgresql://", "postgresql+psycopg2://"))
    client = Elasticsearch(servers.es_url, request_timeout=300)
    processes = None
    indexes: list[ElasticsearchIndex] = []
    try:
        migrate(dsn)
        ensure_topics(broker)
        processes = PublicationProcesses(dsn, servers.kafka_bootstrap, run, servers.es_url, log_dir).start()
        public = processes.public_index()
        indexes.append(public.index)
        produce(broker, [task_published()])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not client.indices.exists_alias(name=public.index.alias):
            time.sleep(0.5)

        started = time.perf_counter()
        for start in range(0, args.results, BATCH):
            payloads: list[object] = []
            for n in range(start, min(args.results, start + BATCH)):
                doc = corpus[n % len(corpus)]
                payloads += [approved(n, name=doc.entity.name, findings=doc.text), decision(n)]
            produce(broker, payloads)
        produced = time.perf_counter() - started
        print(f"produced {2 * args.results:,} events in {produced:.1f} s")
        all_published = None
        last_report = started
        deadline = time.monotonic() + args.timeout
        while True:
            if all_published is None and published(engine) >= args.results:
                all_published = time.perf_counter() - started
            indexed = count(client, public.index.alias, refresh=all_published is not None)
            if indexed >= args.results:
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out: {indexed:,} of {args.results:,} indexed (logs in {log_dir})")
            if time.perf_counter() - last_report > 30:
                last_report = time.perf_counter()
                print(f"  {last_report - started:.0f} s: {stages(engine)}, {indexed:,} indexed", flush=True)
            time.sleep(1.0 if all_published is not None or args.results < 50_000 else 5.0)
        elapsed = time.perf_counter() - started
        all_published = all_published or elapsed
        print(
            f"real path: {args.results / elapsed:,.0f} results/s indexed ({elapsed:.0f} s); all published in the "
            f"database after {all_published:.0f} s ({args.results / all_published:,.0f}/s)"
        )
        processes.stop()

        held = list(documents(processes)) if args.results <= HELD else None
        if held is None:
            begun = time.perf_counter()
            read = sum(1 for _ in documents(processes))
            took = time.perf_counter() - begun
            print(f"the same {read:,} documents streamed from the database (below, reading included): reading "
                  f"alone {read / took:,.0f} docs/s ({took:.1f} s)")  # fmt: skip
        else:
            print(f"the same {len(held):,} documents, read back from the database:")
        for label, raw in (("hrss.search write_many (external versions)", False), ("raw helpers.bulk", True)):
            index = ElasticsearchIndex(client, PUBLIC_RECORDS, prefix=f"{run}-{'raw' if raw else 'many'}")
            indexes.append(index)
            index.start()
            target = index.current_generation()
            begun = time.perf_counter()
            if raw:
                source = held if held is not None else documents(processes)
                actions = ({"_index": target, "_id": d.doc_id, "_source": dict(d.body)} for d in source)
                written, _ = helpers.bulk(client, actions, chunk_size=1000, max_retries=3)
            else:
                outcome = index.write_many(held if held is not None else documents(processes))
                written = outcome.applied + outcome.stale
            index.refresh()
            took = time.perf_counter() - begun
            print(f"{label}: {written / took:,.0f} docs/s ({written:,} in {took:.1f} s)")
        print(f"load average at the end {os.getloadavg()[0]:.2f} (other processes share these CPUs)")
    finally:
        if processes is not None:
            processes.stop()
        for index in indexes:
            index.delete_all()
        client.close()
        engine.dispose()
        broker.close()
        drop_database(servers.pg_dsn, run)
        delete_namespace(servers.kafka_bootstrap, run)


if __name__ == "__main__":
    main()
