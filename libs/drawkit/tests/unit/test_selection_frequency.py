"""Every entity of a stratum is drawn equally often: a chi-square test over 4000 fixed seeds.

One stratum of N = 40 eligible entities, q = 10 (ratio 1/4), T = 4000 draws with the seeds
SHA-256("hrss-draw/test/chi-square" ‖ j), j = 0 … 3999. Each entity's count c_i is Binomial(T, p) with p = q/N, and
the counts always sum to T·q, so Pearson's Σ (c_i − Tp)² / (Tp) is *not* χ²(N − 1) here: without replacement the
covariance of two counts is −T p (1 − p) / (N − 1), the covariance matrix is T p (1 − p) · N/(N − 1) · (I − J/N),
and so

    X = Σ (c_i − Tp)² / (T p (1 − p) · N / (N − 1))

is asymptotically χ²(N − 1) (Pearson's form equals X · (1 − p) · N/(N − 1) ≈ 0.77 X: valid but conservative).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Iterable
from fractions import Fraction

from hrss.drawkit.encoding import SHA256
from hrss.drawkit.frame import FrameEntry
from hrss.drawkit.sampling import DrawPlan, ItemRule, select
from hrss.drawkit.seed import draw_key

N, Q, T = 40, 10, 4000
P = Fraction(Q, N)
# 0.999 quantile of χ²(39). Computed (and re-checked by `test_the_critical_value_is_the_chi_square_quantile`) by
# bisection on the exact survival function for odd degrees of freedom, Q(x; k) = 2·(1 − Φ(√x)) + 2·φ(√x)·
# Σ_{j=1}^{(k−1)/2} x^{(2j−1)/2} / (1·3·…·(2j−1)), and independently by the power series of the regularised lower
# incomplete gamma function P(19.5, x/2) in 60-digit decimal arithmetic: both give 72.05466. (Wilson–Hilferty
# gives 72.144.)
CRITICAL_39_0999 = 72.05466

STRATUM = "330102|A|A"
ENTRIES = [FrameEntry(f"91330102MA{i:08d}", f"e{i}", "330102", "A", STRATUM, True, "", f"{i:032x}") for i in range(N)]
PLAN = DrawPlan((ItemRule("item", P),))


def chi2_survival_odd(x: float, k: int) -> float:
    """P(χ²(k) > x) for odd k, in closed form."""
    s = math.sqrt(x)
    total, term = 0.0, s
    for j in range(1, (k - 1) // 2 + 1):
        if j > 1:
            term *= x / (2 * j - 1)
        total += term
    return math.erfc(s / math.sqrt(2)) + 2 * math.exp(-x / 2) / math.sqrt(2 * math.pi) * total


def quantile(probability: float, k: int) -> float:
    low, high = 0.0, 1000.0
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if 1 - chi2_survival_odd(middle, k) < probability else (low, middle)
    return low


def seeds(count: int) -> list[bytes]:
    return [hashlib.sha256(b"hrss-draw/test/chi-square" + j.to_bytes(4, "big")).digest() for j in range(count)]


def statistic(counts: Counter[str], usccs: Iterable[str], draws: int) -> float:
    expected = draws * P
    variance = draws * P * (1 - P) * Fraction(N, N - 1)
    return float(sum((Fraction(counts[u]) - expected) ** 2 for u in usccs) / variance)


def frequencies(draw: Callable[[bytes], Iterable[str]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for seed in seeds(T):
        counts.update(draw(seed))
    return counts


def drawkit(seed: bytes) -> list[str]:
    return [p.uscc for p in select(SHA256, draw_key(SHA256, seed), ENTRIES, PLAN).picks]


def test_the_critical_value_is_the_chi_square_quantile() -> None:
    assert abs(quantile(0.999, 39) - CRITICAL_39_0999) < 1e-4
    assert abs(chi2_survival_odd(CRITICAL_39_0999, 39) - 0.001) < 1e-8
    z = 3.090232306167813  # Φ⁻¹(0.999)
    wilson_hilferty = 39 * (1 - 2 / (9 * 39) + z * math.sqrt(2 / (9 * 39))) ** 3
    assert abs(wilson_hilferty - CRITICAL_39_0999) < 0.1
    assert abs(chi2_survival_odd(1.0, 1) - math.erfc(1 / math.sqrt(2))) < 1e-12  # k = 1: P(Z² > 1)


def test_every_entity_of_a_stratum_is_drawn_equally_often() -> None:
    counts = frequencies(drawkit)
    assert sum(counts.values()) == T * Q
    assert set(counts) <= {e.uscc for e in ENTRIES}
    assert all(800 <= counts[e.uscc] <= 1200 for e in ENTRIES), counts  # each ≈ 1000 ± 27 (sd)
    assert statistic(counts, (e.uscc for e in ENTRIES), T) < CRITICAL_39_0999


def test_the_chi_square_test_rejects_a_draw_seeded_with_little_entropy() -> None:
    """A seed from a clock with a coarse tick (as in the reference system) repeats: 4000 draws, 40 outcomes."""
    few = seeds(40)
    counts = frequencies(lambda seed: drawkit(few[seed[0] % 40]))
    assert statistic(counts, (e.uscc for e in ENTRIES), T) > CRITICAL_39_0999
