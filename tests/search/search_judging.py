"""Graded-relevance metrics for the judged query set: precision@k and nDCG@k (gain 2^grade - 1)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def precision_at(k: int, ranked: Sequence[str], grades: Mapping[str, int]) -> float:
    """Share of the first k places held by a document of grade 1 or more (an empty place counts as a miss)."""
    return sum(1 for doc_id in ranked[:k] if grades.get(doc_id, 0) > 0) / k


def dcg(gains: Sequence[int]) -> float:
    """Discounted cumulative gain of grades in rank order."""
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(gains))


def ndcg_at(k: int, ranked: Sequence[str], grades: Mapping[str, int]) -> float:
    """DCG of the first k results over the DCG of the best possible first k (0 when nothing is relevant)."""
    ideal = dcg(sorted((g for g in grades.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([grades.get(doc_id, 0) for doc_id in ranked[:k]]) / ideal
