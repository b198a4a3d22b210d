"""Search benchmark (issue 18): indexing and query latency of hrss.search beside plain Elasticsearch, one run.

    eval "$(infra/local/stack env)" && .venv/bin/python tests/perf/bench_search.py [--docs 1000000]

1. Indexing: --docs generated public results (tests/search/search_corpus, 1,000 entities per 10,000 results)
   written through hrss.search's write path (ElasticsearchIndex.write_many: external versions, the hrss-analysis
   mapping) beside a raw bulk of the same documents into the same fields on Elasticsearch's standard analyzer,
   each from --writers threads. documents/s (generation not timed; refresh at the end included).
2. Query latency with --clients concurrent clients (processes on loopback) for --seconds per kind, first closed
   loop (each client sends its next query when the last is answered: the server's capacity), then paced (each
   client --pace queries/s, 20 q/s offered by default: people searching):
   plain, faceted (every facet) and highlighted queries, four ways: `hrss` is PublicSearch.search as the
   service runs it (facets in a size-0 request of their own: estimated from a random sample beyond 10,000 matches,
   counted exactly below; the shard request cache on), `hrss-nocache` the same with the cache off for every
   request (every query computed), `hrss-exact` computed with the facets of every search counted exactly (as
   before sampling; faceted rows only), `standard` one multi_match (+ the same aggregations / highlight fields in
   the same request) on the standard index. p50/p95/p99 of the wall time per
   query in the client (typed page included) and of Elasticsearch's own `took`, and the request cache's hit ratio
   in the row (it is emptied before each row; the words are the 68 judged queries', so they repeat: the cached
   row is the best case, the uncached one the worst). Target p95 <= 100 ms.
The indexes are filled with refresh off and deleted at the end (--keep leaves them, --index-only indexes and keeps
them without querying; --reuse RUN queries them again without indexing).
A plain script: it prints figures and never fails on timing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import random
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "search"))

from elasticsearch import Elasticsearch, helpers
from judge import standard_properties
from search_corpus import generate
from search_queries import judged_queries

from hrss.search import PUBLIC_RECORDS, ElasticsearchIndex, IndexSpec, PublicSearch, VersionedDocument
from hrss.search.queries import WORD_FIELDS, facet_aggregations
from hrss.testing.servers import Servers

CHUNK = 10_000
KINDS = ("plain", "faceted", "highlighted")
# hrss: PublicSearch as the service runs it (shard request cache on); hrss-nocache: the same, every query computed;
# hrss-exact: computed, and the facets of every search counted exactly (what PublicSearch did before sampling them)
WAYS = ("hrss", "hrss-nocache", "hrss-exact", "standard")


def chunks(total: int, seed: int) -> Iterator[list[VersionedDocument]]:
    """The corpus in slices of 10,000 results (each with its own 1,000 entities), ids unique across slices."""
    for n, start in enumerate(range(0, total, CHUNK)):
        batch = []
        for d in generate(seed=seed + n, results=min(CHUNK, total - start), entity_count=1000):
            body = d.body()
            body["record_id"] = doc_id = f"s{n:03d}{d.doc_id}"
            batch.append(VersionedDocument(doc_id, 1, body))
        yield batch


def timed_parallel(batches: list[list[VersionedDocument]], writers: int, write: Callable[[list[Any]], int]) -> float:
    """Write every batch from `writers` threads; documents/s."""
    work: queue.Queue[list[VersionedDocument]] = queue.Queue()
    for batch in batches:
        work.put(batch)
    written = [0] * writers
    errors: list[BaseException] = []

    def run(slot: int) -> None:
        while True:
            try:
                batch = work.get_nowait()
            except queue.Empty:
                return
            try:
                written[slot] += write(batch)
            except BaseException as error:
                errors.append(error)
                return

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return sum(written) / (time.perf_counter() - started)


def raw_bulk(client: Elasticsearch, index: str) -> Callable[[list[VersionedDocument]], int]:
    def write(batch: list[VersionedDocument]) -> int:
        actions = ({"_index": index, "_id": d.doc_id, "_source": dict(d.body)} for d in batch)
        ok, _ = helpers.bulk(client, actions, chunk_size=1000, max_retries=3)
        return ok

    return write


def standard_body(words: str, kind: str) -> dict[str, Any]:
    """What a plain setup would run: one multi_match, the same aggregations or highlight fields."""
    fields = [f"{name}^{boost}" for name, boost in WORD_FIELDS]
    body: dict[str, Any] = {
        "query": {"multi_match": {"query": words, "fields": fields, "type": "best_fields", "tie_breaker": 0.3}},
        "size": 10,
        "track_total_hits": 10_000,  # as public_query: exact up to 10,000
    }
    if kind == "faceted":
        body["aggs"] = facet_aggregations()
    if kind == "highlighted":
        body["highlight"] = {"type": "unified", "encoder": "html", "fields": {n: {} for n, _ in WORD_FIELDS}}
    return body


def client_loop(args: tuple[str, str, str, str, list[str], float, int, float]) -> list[tuple[float, int]]:
    """One client process: queries of one kind for `seconds`, back to back (pace 0) or `pace` a second;
    (wall ms, took ms) of each."""
    url, way, alias, kind, words, seconds, seed, pace = args
    client = Elasticsearch(url, request_timeout=60)
    rng = random.Random(seed)
    index = ElasticsearchIndex(client, PUBLIC_RECORDS, prefix=alias.removesuffix("-public-records"))
    search = PublicSearch(index, request_cache=way == "hrss", **({"facet_sample": None} if way == "hrss-exact" else {}))
    samples = []
    begin = time.perf_counter()
    deadline = begin + seconds
    due = begin + (rng.random() / pace if pace else 0.0)  # paced clients start spread over one interval
    while True:
        if pace:
            time.sleep(max(0.0, due - time.perf_counter()))
            due += 1 / pace
        if time.perf_counter() >= deadline:
            break
        text = rng.choice(words)
        started = time.perf_counter()
        if way.startswith("hrss"):
            took = search.search(text, facets=kind == "faceted", highlight=kind == "highlighted").took
        else:
            took = client.search(index=alias, **standard_body(text, kind))["took"]
        samples.append(((time.perf_counter() - started) * 1000, took))
    return samples


def percentiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return at(0.50), at(0.95), at(0.99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--writers", type=int, default=2, help="bulk threads per way")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0, help="per query kind and way")
    parser.add_argument("--pace", type=float, default=1.0, help="queries/s per client in the paced rounds")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--keep", action="store_true", help="keep the indexes (names printed)")
    parser.add_argument("--reuse", metavar="RUN", help="query the indexes a --keep run left (bench-xxxx), no indexing")
    parser.add_argument("--index-only", action="store_true", help="index both ways and keep them, no queries")
    parser.add_argument("--ways", default=",".join(WAYS), help=f"which of {', '.join(WAYS)} to query")
    args = parser.parse_args()
    url = Servers.from_environment().es_url
    client = Elasticsearch(url, request_timeout=300)
    run = args.reuse or f"bench-{uuid.uuid4().hex[:8]}"
    ours = ElasticsearchIndex(client, PUBLIC_RECORDS, prefix=f"{run}-hrss")
    standard = ElasticsearchIndex(
        client, IndexSpec("standard", standard_properties(PUBLIC_RECORDS.properties)), prefix=f"{run}-std"
    )
    print(
        f"search benchmark: {args.docs:,} documents, {args.writers} writer threads, {args.clients} clients, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}"
    )
    # the judged queries' words; entity names and USCCs of the first slice (its entities do not depend on its size)
    words = [q.text for q in judged_queries(generate(seed=args.seed, results=min(CHUNK, args.docs), entity_count=1000))]
    try:
        if not args.reuse:
            index_both(client, run, ours, standard, args)
        if args.index_only:
            return
        print(f"load average before the queries {os.getloadavg()[0]:.2f}")
        stats = client.indices.stats(index=f"{run}-*", metric="store")["indices"]
        for name, stat in sorted(stats.items()):
            count = client.count(index=name)["count"]
            print(f"  {name}: {count:,} documents, {stat['primaries']['store']['size_in_bytes'] / 2**20:,.0f} MiB")
        print(
            f"\n{'load':<11}{'way':<16}{'kind':<13}{'queries':>8}{'q/s':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
            f"{'took p50':>9}{'p95':>6}{'p99':>6}{'cache hit':>10}"
        )
        aliases = {"hrss": ours.alias, "hrss-nocache": ours.alias, "hrss-exact": ours.alias, "standard": standard.alias}
        with multiprocessing.get_context("spawn").Pool(args.clients) as pool:
            for pace in (0.0, args.pace):
                load = "closed" if not pace else f"{pace * args.clients:g} q/s"
                for kind in KINDS:
                    for way in args.ways.split(","):
                        if way == "hrss-exact" and kind != "faceted":
                            continue  # the same requests as hrss-nocache without facets
                        job = (url, way, aliases[way], kind, words)
                        client.indices.clear_cache(index=aliases[way], request=True)  # each row warms its own
                        pool.map(client_loop, [(*job, 2.0, -1 - i, 0.0) for i in range(args.clients)])  # warm-up
                        before = cache_counts(client, aliases[way])
                        parts = pool.map(client_loop, [(*job, args.seconds, i, pace) for i in range(args.clients)])
                        hits, misses = (a - b for a, b in zip(cache_counts(client, aliases[way]), before, strict=True))
                        samples = [s for part in parts for s in part]
                        wall = percentiles([w for w, _ in samples])
                        took = percentiles([float(t) for _, t in samples])
                        ratio = f"{hits / (hits + misses):.0%}" if hits + misses else "-"
                        print(
                            f"{load:<11}{way:<16}{kind:<13}{len(samples):>8,}{len(samples) / args.seconds:>7.0f}"
                            f"{wall[0]:>8.1f}{wall[1]:>8.1f}{wall[2]:>8.1f}{took[0]:>9.0f}{took[1]:>6.0f}{took[2]:>6.0f}"
                            f"{ratio:>10}",
                            flush=True,
                        )
        print(f"\nload average at the end {os.getloadavg()[0]:.2f} (other processes share these CPUs)")
        print("target: p95 <= 100 ms (wall, client side) for every kind on the hrss index")
    finally:
        if args.keep or args.reuse or args.index_only:
            print(f"kept: {ours.alias}, {standard.alias}")
        else:
            ours.delete_all()
            standard.delete_all()


def cache_counts(client: Elasticsearch, alias: str) -> tuple[int, int]:
    """The shard request cache's hits and misses so far on the index behind alias."""
    stats = client.indices.stats(index=alias, metric="request_cache")["_all"]["primaries"]["request_cache"]
    return int(stats["hit_count"]), int(stats["miss_count"])


def index_both(
    client: Elasticsearch, run: str, ours: ElasticsearchIndex, standard: ElasticsearchIndex, args: argparse.Namespace
) -> None:
    """Generate the corpus and index it both ways, timed; then merge segments as a quiet index would be."""
    started = time.perf_counter()
    batches = list(chunks(args.docs, args.seed))
    print(f"generated in {time.perf_counter() - started:.0f} s")
    for label, index, write in (
        ("hrss.search write_many (external versions, hrss analysis)", ours, None),
        ("raw bulk, standard analyzer", standard, "raw"),
    ):
        index.start()
        target = index.current_generation()
        # filled with refresh off, as a rebuild fills a generation (nothing searches it before the end)
        client.indices.put_settings(index=target, settings={"index": {"refresh_interval": "-1"}})
        writer = raw_bulk(client, target) if write else (lambda b, i=index: i.write_many(b).applied)
        started = time.perf_counter()
        rate = timed_parallel(batches, args.writers, writer)
        client.indices.put_settings(index=target, settings={"index": {"refresh_interval": None}})
        index.refresh()
        total = args.docs / (time.perf_counter() - started)
        count = client.count(index=index.alias)["count"]
        print(f"indexed {label}: {total:,.0f} docs/s (bulk alone {rate:,.0f}), {count:,} documents")
    del batches
    client.options(request_timeout=3600).indices.forcemerge(index=f"{run}-*", max_num_segments=5)


if __name__ == "__main__":
    main()
