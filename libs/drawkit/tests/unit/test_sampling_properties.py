"""Properties of the stratified draw on random small frames, plans and seeds, against a brute-force reference
written here from docs/draw-spec.md (hashlib and Fraction only, no drawkit code)."""

from __future__ import annotations

import hashlib
import json
import math
import random
import subprocess
import sys
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hrss.drawkit.encoding import SHA256
from hrss.drawkit.frame import REASONS, FrameEntry, canonical, commitment
from hrss.drawkit.sampling import (
    DrawPlan,
    ItemRule,
    Pick,
    Tickets,
    apportion,
    expansion,
    item_quotas,
    replacement,
    select,
)
from hrss.drawkit.seed import Commitments, Contribution, derive_seed, draw_key

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

STRATA = ("330102|A|A", "330102|A|C", "330103|B|A", "330103|B|B")
REASON_CODES = sorted(REASONS)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


# --- the reference ----------------------------------------------------------------------------------------------


def ref_lp(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def ref_text(value: str | int) -> bytes:
    return str(value).encode() if isinstance(value, int) else unicodedata.normalize("NFC", value).encode()


def ref_key(seed: bytes) -> bytes:
    return hashlib.sha256(ref_lp(b"hrss-draw/v1/draw-key") + ref_lp(seed)).digest()


def ref_ticket(key: bytes, uscc: str) -> bytes:
    return hashlib.sha256(key + uscc.encode()).digest()


def ref_seed(committed: Commitments, contributions: Sequence[Contribution]) -> bytes:
    fields = [ref_lp(b"hrss-draw/v1/seed")]
    for value in (*vars(committed).values(), len(contributions)):
        fields.append(ref_lp(ref_text(value)))
    for c in contributions:
        inner = ref_lp(b"hrss-draw/v1/contribution") + ref_lp(ref_text(c.witness)) + ref_lp(ref_text(c.value))
        fields.append(ref_lp(inner))
    return hashlib.sha256(b"".join(fields)).digest()


def ref_groups(entries: Sequence[FrameEntry]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for e in entries:
        if e.eligible:
            groups.setdefault(e.stratum, []).append(e.uscc)
    return groups


def ref_order(key: bytes, usccs: Sequence[str]) -> list[str]:
    """A stratum in ticket order: the full 32-byte tickets compared as bytes, then the uscc's bytes."""
    return sorted(usccs, key=lambda u: (ref_ticket(key, u), u.encode()))


def ref_apportion(total: int, sizes: Mapping[str, int]) -> dict[str, int]:
    """Largest remainder (Hamilton) with exact rationals; equal remainders go to the smaller stratum key."""
    population = sum(sizes.values())
    if total >= population:
        return dict(sizes)
    exact = {k: Fraction(total * n, population) for k, n in sizes.items()}
    shares = {k: math.floor(v) for k, v in exact.items()}
    ranked = sorted(sizes, key=lambda k: (-(exact[k] - shares[k]), k))
    for k in ranked[: total - sum(shares.values())]:
        shares[k] += 1
    return shares


def ref_quotas(plan: DrawPlan, sizes: Mapping[str, int]) -> dict[str, dict[str, int]]:
    minimums = {item.item_id: ref_apportion(item.minimum, sizes) for item in plan.items}
    quotas: dict[str, dict[str, int]] = {}
    for s, n in sizes.items():
        quotas[s] = {}
        for item in plan.items:
            f = item.fraction
            if f is not None and s in plan.stratum_fractions:
                f = plan.stratum_fractions[s]
            by_ratio = math.ceil(n * f) if f is not None else 0
            quotas[s][item.item_id] = min(n, max(by_ratio, minimums[item.item_id][s]))
    return quotas


def ref_select(key: bytes, entries: Sequence[FrameEntry], plan: DrawPlan) -> list[Pick]:
    groups = ref_groups(entries)
    quotas = ref_quotas(plan, {s: len(u) for s, u in groups.items()})
    picks = []
    for s, usccs in groups.items():
        for rank, u in enumerate(ref_order(key, usccs)[: max(quotas[s].values())]):
            items = tuple(i.item_id for i in plan.items if rank < quotas[s][i.item_id])
            picks.append(Pick(u, s, rank, ref_ticket(key, u).hex(), items))
    picks.sort(key=lambda p: (bytes.fromhex(p.ticket), p.uscc.encode()))
    if plan.batch_size:
        picks = [replace(p, batch=i // plan.batch_size + 1) for i, p in enumerate(picks)]
    return picks


# --- strategies -------------------------------------------------------------------------------------------------

# Uniform over every ratio with a denominator up to 12 (hypothesis would otherwise favour 0 and tiny frames).
fractions = st.sampled_from(sorted({Fraction(n, d) for d in range(1, 13) for n in range(d + 1)}))
increments = st.sampled_from(
    [Fraction(0), Fraction(1, 10), Fraction(1, 5), Fraction(1, 3), Fraction(1, 2), Fraction(1)]
)


@st.composite
def frames(draw: st.DrawFn, max_size: int = 30) -> list[FrameEntry]:
    size = draw(st.integers(0, max_size))
    usccs = draw(st.lists(st.text(USCC_ALPHABET, min_size=1, max_size=18), min_size=size, max_size=size, unique=True))
    entries = []
    for i, uscc in enumerate(usccs):
        stratum = draw(st.sampled_from(STRATA))
        eligible = draw(st.integers(0, 3)) > 0
        reason = "" if eligible else draw(st.sampled_from(REASON_CODES))
        salt = draw(st.binary(min_size=16, max_size=16)).hex()
        region, object_type, _ = stratum.split("|")
        entries.append(FrameEntry(uscc, f"e{i}", region, object_type, stratum, eligible, reason, salt))
    return entries


@st.composite
def plans(draw: st.DrawFn) -> DrawPlan:
    count = draw(st.integers(1, 3))
    minimums = st.sampled_from([0, 0, 1, 2, 5, 13, 40])
    items = tuple(ItemRule(f"item-{i}", draw(st.none() | fractions), draw(minimums)) for i in range(count))
    by_stratum = draw(st.dictionaries(st.sampled_from(STRATA), fractions, max_size=3))
    return DrawPlan(items, by_stratum, draw(st.integers(0, 4)))


@st.composite
def raised(draw: st.DrawFn, plan: DrawPlan, minimums: bool = False) -> DrawPlan:
    """A plan asking for at least as much as `plan` from every stratum (ratios raised, never lowered)."""

    def up(f: Fraction | None) -> Fraction | None:
        if f is None:
            return draw(st.none() | fractions)
        return min(Fraction(1), f + draw(increments))

    items = tuple(
        ItemRule(i.item_id, up(i.fraction), i.minimum + (draw(st.sampled_from([0, 1, 3, 10])) if minimums else 0))
        for i in plan.items
    )
    by_stratum = {s: min(Fraction(1), f + draw(increments)) for s, f in plan.stratum_fractions.items()}
    return DrawPlan(items, by_stratum, plan.batch_size)


seeds = st.binary(min_size=32, max_size=32)


def stratum_picks(picks: Sequence[Pick], stratum: str) -> list[Pick]:
    return sorted((p for p in picks if p.stratum == stratum), key=lambda p: p.rank)


# --- keys and tickets -------------------------------------------------------------------------------------------


@SETTINGS
@given(seeds, st.text(USCC_ALPHABET, min_size=1, max_size=18))
def test_the_draw_key_and_tickets_are_the_specified_hashes(seed: bytes, uscc: str) -> None:
    key = draw_key(SHA256, seed)
    assert key == ref_key(seed)
    assert Tickets(SHA256, key).of(uscc) == ref_ticket(key, uscc)


# --- selection --------------------------------------------------------------------------------------------------


@SETTINGS
@given(frames(), plans(), seeds)
def test_every_pick_is_an_eligible_entity_of_its_own_stratum(
    entries: list[FrameEntry], plan: DrawPlan, seed: bytes
) -> None:
    by_uscc = {e.uscc: e for e in entries}
    picks = select(SHA256, ref_key(seed), entries, plan).picks
    assert len({p.uscc for p in picks}) == len(picks)
    for pick in picks:
        assert by_uscc[pick.uscc].eligible
        assert by_uscc[pick.uscc].stratum == pick.stratum


@SETTINGS
@given(frames(), plans(), seeds)
def test_each_stratum_gets_exactly_the_largest_of_its_item_quotas(
    entries: list[FrameEntry], plan: DrawPlan, seed: bytes
) -> None:
    selection = select(SHA256, ref_key(seed), entries, plan)
    groups = ref_groups(entries)
    assert dict(selection.sizes) == {s: len(u) for s, u in groups.items()}
    for s in groups:
        assert len(stratum_picks(selection.picks, s)) == max(item_quotas(plan, selection.sizes)[s].values())
    assert {p.stratum for p in selection.picks} <= set(groups)


@SETTINGS
@given(frames(), plans())
def test_quotas_are_min_of_size_and_the_larger_of_ratio_and_apportioned_minimum(
    entries: list[FrameEntry], plan: DrawPlan
) -> None:
    sizes = {s: len(u) for s, u in ref_groups(entries).items()}
    quotas = item_quotas(plan, sizes)
    assert quotas == ref_quotas(plan, sizes)
    for s, n in sizes.items():
        for item in plan.items:
            assert 0 <= quotas[s][item.item_id] <= n
            if item.fraction == 1 and s not in plan.stratum_fractions:
                assert quotas[s][item.item_id] == n


@SETTINGS
@given(st.dictionaries(st.sampled_from(STRATA), st.integers(0, 40), max_size=4), st.integers(0, 200))
def test_a_minimum_is_apportioned_by_largest_remainder_to_min_of_it_and_the_frame(
    sizes: dict[str, int], total: int
) -> None:
    shares = apportion(total, sizes)
    population = sum(sizes.values())
    assert shares == ref_apportion(total, sizes)
    assert sum(shares.values()) == min(total, population)
    for s, n in sizes.items():
        assert 0 <= shares[s] <= n
        if total < population:
            exact = Fraction(total * n, population)
            assert math.floor(exact) <= shares[s] <= math.ceil(exact)  # the quota rule


def test_equal_remainders_go_to_the_smaller_stratum_key() -> None:
    assert apportion(2, {"B": 6, "A": 6, "C": 12}) == {"A": 1, "B": 0, "C": 1}
    assert apportion(7, {"A": 5, "B": 8, "C": 12}) == {"A": 2, "B": 2, "C": 3}


@SETTINGS
@given(frames(), plans(), seeds)
def test_the_picks_are_the_smallest_tickets_of_each_stratum_in_global_ticket_order(
    entries: list[FrameEntry], plan: DrawPlan, seed: bytes
) -> None:
    assert list(select(SHA256, ref_key(seed), entries, plan).picks) == ref_select(ref_key(seed), entries, plan)


@pytest.mark.parametrize("seed", [b"large-0", b"large-1", b"large-2"])
def test_a_large_frame_draws_exactly_the_reference_sample(seed: bytes) -> None:
    """900 entities: many tickets share a first byte, some of them at a cutoff, which small frames rarely show."""
    entries = [
        FrameEntry(
            f"9133{i:014d}", f"e{i}", "330102", "A", STRATA[i % 3], i % 7 != 0, "" if i % 7 else "closed", f"{i:032x}"
        )
        for i in range(900)
    ]
    plan = DrawPlan(
        (ItemRule("a", Fraction(1, 3)), ItemRule("b", Fraction(1, 10), 100)), {STRATA[2]: Fraction(1, 2)}, 50
    )
    key = ref_key(hashlib.sha256(seed).digest())
    assert list(select(SHA256, key, entries, plan).picks) == ref_select(key, entries, plan)


@SETTINGS
@given(frames(), plans(), seeds, st.randoms(use_true_random=False))
def test_the_same_inputs_give_the_same_draw_in_any_frame_order(
    entries: list[FrameEntry], plan: DrawPlan, seed: bytes, rng: random.Random
) -> None:
    key = ref_key(seed)
    first = select(SHA256, key, entries, plan)
    shuffled = list(entries)
    rng.shuffle(shuffled)
    assert select(SHA256, key, entries, plan) == first
    assert select(SHA256, key, shuffled, plan) == first


@SETTINGS
@given(frames(), plans(), seeds, st.data())
def test_raising_a_ratio_keeps_every_earlier_pick_and_its_items(
    entries: list[FrameEntry], plan: DrawPlan, seed: bytes, data: st.DataObject
) -> None:
    larger = data.draw(raised(plan))
    key = ref_key(seed)
    before, after = select(SHA256, key, entries, plan), select(SHA256, key, entries, larger)
    for s in before.sizes:
        old, new = stratum_picks(before.picks, s), stratum_picks(after.picks, s)
        assert [p.uscc for p in new[: len(old)]] == [p.uscc for p in old]
        for o, n in zip(old, new, strict=False):
            assert o.rank == n.rank and o.ticket == n.ticket
            assert set(o.items) <= set(n.items)


def test_raising_a_minimum_can_shrink_a_stratum_s_share() -> None:
    """Largest remainder is not house-monotone (the Alabama paradox): a larger minimum gives stratum a fewer."""
    sizes = {"a": 1, "b": 3, "c": 3}
    assert apportion(3, sizes) == {"a": 1, "b": 1, "c": 1}
    assert apportion(4, sizes) == {"a": 0, "b": 2, "c": 2}


# --- replacement and expansion ----------------------------------------------------------------------------------


@SETTINGS
@given(frames(), plans(), seeds, st.data())
def test_a_replacement_is_the_next_never_picked_entity_of_the_stratum_and_chains(
    entries: list[FrameEntry], plan: DrawPlan, seed: bytes, data: st.DataObject
) -> None:
    key = ref_key(seed)
    picks = list(select(SHA256, key, entries, plan).picks)
    assume(picks)
    invalid = data.draw(st.sampled_from(picks))
    order = ref_order(key, ref_groups(entries)[invalid.stratum])
    while True:
        taken = {p.uscc for p in picks}
        remaining = [u for u in order if u not in taken]
        if not remaining:
            with pytest.raises(LookupError):
                replacement(SHA256, key, entries, picks, invalid.uscc)
            break
        new = replacement(SHA256, key, entries, picks, invalid.uscc)
        assert new.uscc == remaining[0]
        assert new.rank == order.index(new.uscc)
        assert new.ticket == ref_ticket(key, new.uscc).hex()
        assert (new.stratum, new.items, new.batch, new.replaces) == (
            invalid.stratum,
            invalid.items,
            invalid.batch,
            invalid.uscc,
        )
        picks.append(new)
        invalid = new  # the replacement is found invalid in its turn


def test_replacing_an_entity_that_was_not_picked_is_refused() -> None:
    entries = [FrameEntry(f"U{i}", f"e{i}", "330102", "A", STRATA[0], True, "", f"{i:032x}") for i in range(4)]
    plan = DrawPlan((ItemRule("i", Fraction(1, 4)),))
    picks = select(SHA256, ref_key(b"s"), entries, plan).picks
    outsider = next(e.uscc for e in entries if e.uscc not in {p.uscc for p in picks})
    with pytest.raises(LookupError):
        replacement(SHA256, ref_key(b"s"), entries, picks, outsider)


@SETTINGS
@given(frames(), plans(), seeds, st.data())
def test_an_expansion_keeps_earlier_picks_and_adds_the_next_never_picked_entities(
    entries: list[FrameEntry], plan: DrawPlan, seed: bytes, data: st.DataObject
) -> None:
    key = ref_key(seed)
    larger = data.draw(raised(plan, minimums=True))
    picks = list(select(SHA256, key, entries, plan).picks)
    invalid: set[str] = set()
    for _ in range(data.draw(st.sampled_from([0, 1, 2, 3]))):
        candidates = [p for p in picks if p.uscc not in invalid]
        if not candidates:
            break
        gone = data.draw(st.sampled_from(candidates))
        try:
            new = replacement(SHA256, key, entries, picks, gone.uscc)
        except LookupError:
            break
        invalid.add(gone.uscc)
        picks.append(new)
    earlier = list(picks)

    added = expansion(SHA256, key, entries, picks, invalid, larger)

    assert picks == earlier
    assert not {p.uscc for p in added} & {p.uscc for p in picks}
    assert {p.batch for p in added} <= {max((p.batch for p in picks), default=0) + 1}
    groups = ref_groups(entries)
    quotas = ref_quotas(larger, {s: len(u) for s, u in groups.items()})
    for s, usccs in groups.items():
        order = ref_order(key, usccs)
        taken = {p.uscc for p in picks}
        valid = [p for p in picks if p.stratum == s and p.uscc not in invalid]
        covered = {i.item_id: sum(i.item_id in p.items for p in valid) for i in larger.items}
        expected = []
        for uscc in (u for u in order if u not in taken):
            short = tuple(i.item_id for i in larger.items if covered[i.item_id] < quotas[s][i.item_id])
            if not short:
                break
            for item_id in short:
                covered[item_id] += 1
            expected.append((uscc, order.index(uscc), short))
        mine = [p for p in added if p.stratum == s]
        assert [(p.uscc, p.rank, p.items) for p in mine] == expected


@SETTINGS
@given(frames(), plans(), seeds, st.data())
def test_after_an_expansion_every_item_reaches_its_larger_quota_in_every_stratum(
    entries: list[FrameEntry], plan: DrawPlan, seed: bytes, data: st.DataObject
) -> None:
    key = ref_key(seed)
    larger = data.draw(raised(plan))
    picks = list(select(SHA256, key, entries, plan).picks)
    added = expansion(SHA256, key, entries, picks, set(), larger)
    groups = ref_groups(entries)
    quotas = ref_quotas(larger, {s: len(u) for s, u in groups.items()})
    for s, usccs in groups.items():
        mine = [p for p in [*picks, *added] if p.stratum == s]
        exhausted = len(mine) == len(usccs)  # no never-picked entity is left: earlier picks keep their items
        for item in larger.items:
            assert exhausted or sum(item.item_id in p.items for p in mine) >= quotas[s][item.item_id]
        assert len({p.uscc for p in mine}) == len(mine) <= len(usccs)


def test_an_item_added_by_an_expansion_is_inspected_at_its_quota() -> None:
    entries = [FrameEntry(f"U{i:02d}", f"e{i}", "330102", "A", STRATA[0], True, "", f"{i:032x}") for i in range(20)]
    key = ref_key(b"expansion")
    picks = list(select(SHA256, key, entries, DrawPlan((ItemRule("x", Fraction(1, 10)),))).picks)
    larger = DrawPlan((ItemRule("x", Fraction(1, 5)), ItemRule("y", None, 2)))
    assert item_quotas(larger, {STRATA[0]: 20}) == {STRATA[0]: {"x": 4, "y": 2}}
    added = expansion(SHA256, key, entries, picks, set(), larger)
    assert len(picks) == 2 and len(added) == 2
    assert sum("y" in p.items for p in [*picks, *added]) == 2


# --- commitments and the seed -----------------------------------------------------------------------------------

LEAF_FIELDS = ("uscc", "entity_id", "region_code", "object_type", "stratum", "eligible", "reason", "salt")


@SETTINGS
@given(frames(max_size=12).filter(bool), st.data())
def test_changing_any_leaf_field_or_salt_changes_the_frame_root(entries: list[FrameEntry], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(entries) - 1))
    entry = entries[index]
    name = data.draw(st.sampled_from(LEAF_FIELDS))
    if name == "eligible":
        changed = replace(entry, eligible=not entry.eligible, reason=REASON_CODES[0] if entry.eligible else "")
    elif name == "reason":
        assume(not entry.eligible)
        changed = replace(entry, reason=data.draw(st.sampled_from([r for r in REASON_CODES if r != entry.reason])))
    elif name == "salt":
        at = data.draw(st.integers(0, 31))
        digit = "0123456789abcdef"[(int(entry.salt[at], 16) + data.draw(st.integers(1, 15))) % 16]
        changed = replace(entry, salt=entry.salt[:at] + digit + entry.salt[at + 1 :])
    else:
        changed = replace(entry, **{name: getattr(entry, name) + "X"})
        assume(name != "uscc" or changed.uscc not in {e.uscc for e in entries})
    before = commitment(SHA256, canonical(entries))
    after = commitment(SHA256, canonical([*entries[:index], changed, *entries[index + 1 :]]))
    assert after != before
    assert commitment(SHA256, canonical(reversed(entries))) == before


texts = st.text(max_size=8)
hexes = st.binary(min_size=32, max_size=32).map(bytes.hex)


@SETTINGS
@given(
    st.builds(Commitments, st.text(USCC_ALPHABET, min_size=1, max_size=8), hexes, hexes, hexes, hexes),
    st.lists(st.builds(Contribution, texts, texts), min_size=1, max_size=4),
    st.data(),
)
def test_changing_any_contribution_or_commitment_changes_the_seed(
    committed: Commitments, contributions: list[Contribution], data: st.DataObject
) -> None:
    seed = derive_seed(SHA256, committed, contributions)
    assert seed == ref_seed(committed, contributions)
    i = data.draw(st.integers(0, len(contributions) - 1))
    c = contributions[i]
    variants = [
        [*contributions[:i], Contribution(c.witness + "x", c.value), *contributions[i + 1 :]],
        [*contributions[:i], Contribution(c.witness, c.value + "0"), *contributions[i + 1 :]],
        [*contributions, Contribution("", "")],
    ]
    if c.value:  # the same characters, split differently between witness and value
        variants.append([*contributions[:i], Contribution(c.witness + c.value, ""), *contributions[i + 1 :]])
    if len(contributions) > 1:
        variants.append(contributions[:i] + contributions[i + 1 :])
        first, last = contributions[0], contributions[-1]
        if (ref_text(first.witness), ref_text(first.value)) != (ref_text(last.witness), ref_text(last.value)):
            variants.append([last, *contributions[1:-1], first])  # the order of the ceremony
    for variant in variants:
        assert derive_seed(SHA256, committed, variant) != seed
    for name in vars(committed):
        assert derive_seed(SHA256, replace(committed, **{name: getattr(committed, name) + "0"}), contributions) != seed


def test_a_seed_needs_a_contribution() -> None:
    with pytest.raises(ValueError):
        derive_seed(SHA256, Commitments("d", "t", "f", "r", "x"), [])


# --- the parallel path ------------------------------------------------------------------------------------------


def test_drawing_in_forked_processes_gives_the_single_process_draw() -> None:
    """Run in a fresh interpreter: this test session is monkey-patched by eventlet (root conftest), under which a
    multiprocessing pool does not return (reported)."""
    program = textwrap.dedent(
        """
        import json
        from fractions import Fraction
        from hrss.drawkit.encoding import SHA256
        from hrss.drawkit.sampling import DrawPlan, ItemRule, select_groups
        groups = {f"s{k}": [f"U{k}-{i}" for i in range(50 + 37 * k)] for k in range(5)}
        plan = DrawPlan((ItemRule("a", Fraction(1, 7)), ItemRule("b", None, 40)), {"s3": Fraction(1, 2)}, 4)
        one = select_groups(SHA256, b"k" * 32, groups, plan, workers=1)
        two = select_groups(SHA256, b"k" * 32, groups, plan, workers=2)
        print(json.dumps([one == two, len(one.picks)]))
        """
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True)
    same, count = json.loads(done.stdout)
    assert same and count > 0
