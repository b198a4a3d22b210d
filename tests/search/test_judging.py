"""The judging code itself: metrics on a tiny hand-computed fixture, and a corpus that every query can be judged on."""

from __future__ import annotations

import math

import pytest
from search_corpus import generate
from search_judging import ndcg_at, precision_at
from search_queries import judged_queries

GRADES = {"a": 2, "b": 1, "c": 0}


def test_precision_counts_relevant_documents_among_the_first_k() -> None:
    assert precision_at(3, ["a", "c", "b"], GRADES) == pytest.approx(2 / 3)
    assert precision_at(4, ["a"], GRADES) == pytest.approx(1 / 4)  # an empty place is a miss


def test_ndcg_is_one_for_the_ideal_order_and_less_otherwise() -> None:
    assert ndcg_at(3, ["a", "b", "c"], GRADES) == pytest.approx(1.0)
    # DCG of b, a: 1/log2(2) + 3/log2(3); ideal a, b: 3/log2(2) + 1/log2(3)
    expected = (1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3))
    assert ndcg_at(3, ["b", "a"], GRADES) == pytest.approx(expected)


def test_ndcg_is_zero_when_nothing_is_relevant() -> None:
    assert ndcg_at(10, ["a"], {"a": 0}) == 0.0


def test_the_corpus_is_the_same_for_the_same_seed() -> None:
    assert [d.text for d in generate(seed=5, results=50)] == [d.text for d in generate(seed=5, results=50)]


def test_every_judged_query_has_relevant_documents_in_the_corpus() -> None:
    corpus = generate()
    queries = judged_queries(corpus)
    assert len(queries) >= 60
    assert {q.who for q in queries} == {"citizen", "staff"}
    for query in queries:
        assert any(query.grade(doc) > 0 for doc in corpus), query.text
