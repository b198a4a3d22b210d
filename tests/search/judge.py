"""Run the judged query set over the generated corpus with the platform's Chinese analysis beside Elasticsearch's
standard analyzer, and print precision@10 and nDCG@10 for each (one run, same corpus, same documents).

    eval "$(infra/local/stack env)" && .venv/bin/python tests/search/judge.py [--results 3000] [--seed 18]
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from elasticsearch import Elasticsearch
from search_corpus import ResultDoc, generate
from search_judging import ndcg_at, precision_at
from search_queries import JudgedQuery, judged_queries

from hrss.search import PUBLIC_RECORDS, ElasticsearchIndex, IndexSpec, VersionedDocument, public_query
from hrss.search.queries import WORD_FIELDS
from hrss.testing.servers import Servers


def standard_properties(properties: dict[str, Any]) -> dict[str, Any]:
    """The same mapping with every Chinese text field on Elasticsearch's default (standard) analyzer."""
    plain: dict[str, Any] = {}
    for name, mapping in properties.items():
        if mapping.get("type") == "text":
            raw = mapping.get("fields", {}).get("raw")
            plain[name] = {"type": "text", **({"fields": {"raw": raw}} if raw else {})}
        else:
            plain[name] = mapping
    return plain


def standard_query(words: str) -> dict[str, Any]:
    """What a plain Elasticsearch setup would run: one multi_match over the same fields and boosts."""
    fields = [f"{name}^{boost}" for name, boost in WORD_FIELDS]
    return {
        "query": {"multi_match": {"query": words, "fields": fields, "type": "best_fields", "tie_breaker": 0.3}},
        "size": 10,
    }


def evaluate(
    index: ElasticsearchIndex, queries: list[JudgedQuery], corpus: list[ResultDoc], body_of: Any
) -> list[tuple[float, float]]:
    """precision@10 and nDCG@10 of each query."""
    scores = []
    for query in queries:
        grades = {d.doc_id: query.grade(d) for d in corpus}
        hits = index.search(body_of(query.text))["hits"]["hits"]
        ranked = [hit["_id"] for hit in hits]
        scores.append((precision_at(10, ranked, grades), ndcg_at(10, ranked, grades)))
    return scores


def main() -> None:
    """Index the corpus twice, run the queries on both, print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    corpus = generate(seed=args.seed, results=args.results)
    queries = judged_queries(corpus)
    client = Elasticsearch(Servers.from_environment().es_url, request_timeout=120)
    run = f"judge-{uuid.uuid4().hex[:8]}"
    ours = ElasticsearchIndex(client, PUBLIC_RECORDS, prefix=f"{run}-hrss")
    standard = ElasticsearchIndex(
        client, IndexSpec("standard", standard_properties(PUBLIC_RECORDS.properties)), prefix=f"{run}-std"
    )
    documents = [VersionedDocument(d.doc_id, 1, d.body()) for d in corpus]
    results = {}
    try:
        for label, index, body_of in (("hrss analysis", ours, public_query), ("standard", standard, standard_query)):
            index.start()
            started = time.perf_counter()
            outcome = index.write_many(documents)
            index.refresh()
            rate = outcome.applied / (time.perf_counter() - started)
            results[label] = (rate, evaluate(index, queries, corpus, body_of))
    finally:
        ours.delete_all()
        standard.delete_all()

    print(f"{len(queries)} judged queries over {len(corpus)} generated results (seed {args.seed})\n")
    print(f"{'query':<34}{'kind':<14}{'hrss P@10':>10}{'nDCG@10':>9}{'std P@10':>10}{'nDCG@10':>9}")
    for i, query in enumerate(queries):
        (p1, n1), (p2, n2) = results["hrss analysis"][1][i], results["standard"][1][i]
        print(f"{query.text[:30]:<34}{query.kind:<14}{p1:>10.2f}{n1:>9.3f}{p2:>10.2f}{n2:>9.3f}")
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, query in enumerate(queries):
        by_kind[query.kind].append(i)
    for i, query in enumerate(queries):
        by_kind[f"who: {query.who}"].append(i)
    print(f"\n{'mean by family':<34}{'queries':<14}{'hrss P@10':>10}{'nDCG@10':>9}{'std P@10':>10}{'nDCG@10':>9}")
    for kind, members in [*by_kind.items(), ("ALL", list(range(len(queries))))]:
        row = []
        for label in ("hrss analysis", "standard"):
            scores = results[label][1]
            row += [
                sum(scores[i][0] for i in members) / len(members),
                sum(scores[i][1] for i in members) / len(members),
            ]
        print(f"{kind:<34}{len(members):<14}{row[0]:>10.2f}{row[1]:>9.3f}{row[2]:>10.2f}{row[3]:>9.3f}")
    print(
        f"\nindexing (bulk of {len(corpus)}, one client, refresh included): "
        f"hrss analysis {results['hrss analysis'][0]:,.0f} docs/s, standard {results['standard'][0]:,.0f} docs/s"
    )


if __name__ == "__main__":
    main()
