"""What the task asks of the draw and what it gives each stratum (docs/draw-spec.md §6.3): the item rules, the
plan, and the quotas q[s][i] by exact fractions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class ItemRule:
    """A checklist item of the task: its ratio as an exact fraction (None: none), and an absolute minimum.

    Tasks of one draw with different scopes (docs/draw-spec.md §6.3): `strata`, if given, names the only strata in
    which the item is drawn (elsewhere its quota is 0), and `stratum_fractions` replaces the item's fraction in the
    strata it names (its own task's credit-risk ratios), before the plan's `stratum_fractions`."""

    item_id: str
    fraction: Fraction | None = None
    minimum: int = 0
    strata: frozenset[str] | None = None
    stratum_fractions: Mapping[str, Fraction] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.fraction is not None and not 0 <= self.fraction <= 1:
            raise ValueError(f"{self.item_id}: a ratio lies between 0 and 1")
        if any(not 0 <= f <= 1 for f in self.stratum_fractions.values()):
            raise ValueError(f"{self.item_id}: a ratio lies between 0 and 1")
        if self.minimum < 0:
            raise ValueError(f"{self.item_id}: a minimum is not negative")

    def applies(self, stratum: str) -> bool:
        return self.strata is None or stratum in self.strata

    def fraction_in(self, plan: DrawPlan, stratum: str) -> Fraction | None:
        """The item's fraction in `stratum`: its own override, else the plan's, else its ratio (None stays None)."""
        if self.fraction is None:
            return None
        if stratum in self.stratum_fractions:
            return self.stratum_fractions[stratum]
        return plan.stratum_fractions.get(stratum, self.fraction)


@dataclass(frozen=True)
class DrawPlan:
    """What the task asks of the draw. `stratum_fractions` replaces the items' fractions in the strata named
    (credit-risk differentiation: the strata of grade C at 1/5, …). `batch_size` 0: one batch."""

    items: tuple[ItemRule, ...]
    stratum_fractions: Mapping[str, Fraction] = field(default_factory=dict)
    batch_size: int = 0

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError("a draw needs at least one item")
        if self.batch_size < 0:
            raise ValueError("the batch size is not negative")


def ceil_fraction(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def apportion(total: int, sizes: Mapping[str, int]) -> dict[str, int]:
    """Largest-remainder apportionment of `total` over strata in proportion to their sizes; ties by stratum key.
    Each share is at most the stratum's size; if `total` ≥ the frame, every stratum gets its size."""
    population = sum(sizes.values())
    if total >= population:
        return dict(sizes)
    if population == 0 or total == 0:
        return {key: 0 for key in sizes}
    shares = {key: total * n // population for key, n in sizes.items()}
    left = total - sum(shares.values())
    order = sorted(sizes, key=lambda key: (-(total * sizes[key] % population), key))
    for key in order[:left]:
        shares[key] += 1
    return shares


def item_quotas(plan: DrawPlan, sizes: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """q[s][i] = min(N_s, max(ceil(N_s · f_{s,i}), m_{s,i})) for every stratum s in which item i is drawn, 0 in the
    others; the minimum m_i is apportioned over the strata in which the item is drawn."""
    minimums = {
        item.item_id: apportion(item.minimum, {key: n for key, n in sizes.items() if item.applies(key)})
        for item in plan.items
    }
    quotas: dict[str, dict[str, int]] = {}
    for key, n in sizes.items():
        row = {}
        for item in plan.items:
            if not item.applies(key):
                row[item.item_id] = 0
                continue
            fraction = item.fraction_in(plan, key)
            by_ratio = ceil_fraction(n * fraction) if fraction is not None else 0
            row[item.item_id] = min(n, max(by_ratio, minimums[item.item_id][key]))
        quotas[key] = row
    return quotas
