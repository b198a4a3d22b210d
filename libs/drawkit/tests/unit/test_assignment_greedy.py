"""The greedy step written for speed (C iterators, tickets only for tied inspectors) gives exactly the teams of the
straightforward version of docs/draw-assignment.md §5.3, kept here as the reference."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrss.drawkit.assignment import AssignmentInput, Inspector, PickedEntity, assign, solver
from hrss.drawkit.encoding import SHA256, SM3
from hrss.drawkit.seed import assign_key

KEY = assign_key(SHA256, bytes(range(32)))
DAY = date(2027, 4, 1)
QUALS = ["labour", "insurance", "wage"]


def reference_greedy(ix, order, t, loads, teams) -> None:  # type: ignore[no-untyped-def]
    """§5.3 as written: sort E(e) by (load, a(e, i), inspector_id) and take the first t."""
    for e in order:
        of = ix.tickets(e.uscc)
        ranked = sorted(ix.eligible(e), key=lambda i: (loads[i], of(i), i))
        team = ranked[:t]
        for i in team:
            loads[i] += 1
        teams[e.uscc] = team


@st.composite
def crowded(draw) -> AssignmentInput:  # type: ignore[no-untyped-def]
    """Up to 3 nodes, up to 40 inspectors, up to 150 entities: many equal loads, so many ties to break."""
    nodes = [f"N{k}" for k in range(draw(st.integers(1, 3)))]
    n = draw(st.integers(2, 40))
    usccs = [f"U{k:04d}" for k in range(draw(st.integers(0, 150)))]
    roster = tuple(
        Inspector(
            f"I{k:03d}",
            f"C{k:03d}",
            draw(st.sampled_from(nodes)),
            frozenset(draw(st.sets(st.sampled_from(QUALS)))),
            draw(st.booleans()) or draw(st.booleans()),
            "2028-12-31",
            "N0",
            frozenset(draw(st.sets(st.sampled_from(usccs), max_size=2))) if usccs else frozenset(),
        )
        for k in range(n)
    )
    entities = tuple(
        PickedEntity(u, "R", draw(st.sampled_from(nodes)), frozenset(draw(st.sets(st.sampled_from(QUALS), max_size=1))))
        for u in usccs
    )
    ids = [i.inspector_id for i in roster]
    recusals = draw(st.sets(st.tuples(st.sampled_from(ids), st.sampled_from(usccs)), max_size=20)) if usccs else set()
    return AssignmentInput(entities, roster, DAY, frozenset(recusals), draw(st.integers(2, 4)))


@settings(max_examples=300, deadline=None)
@given(crowded())
def test_the_fast_greedy_gives_the_reference_teams(inputs: AssignmentInput) -> None:
    fast = assign(SHA256, KEY, inputs)
    original = solver._greedy
    solver._greedy = reference_greedy
    try:
        slow = assign(SHA256, KEY, inputs)
    finally:
        solver._greedy = original
    assert fast == slow


@pytest.mark.parametrize("chosen", [SHA256, SM3], ids=lambda p: p.name)
def test_the_fast_greedy_gives_the_reference_teams_on_a_large_node(chosen, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One node of 60 inspectors and 900 entities, everyone eligible, teams of 3: ties at every step."""
    roster = tuple(
        Inspector(f"I{k:03d}", f"C{k:03d}", "N", frozenset({"labour"}), True, "2028-12-31", "N") for k in range(60)
    )
    entities = tuple(PickedEntity(f"U{k:04d}", "R", "N", frozenset({"labour"})) for k in range(900))
    inputs = AssignmentInput(entities, roster, DAY, frozenset({("I001", "U0001")}), 3)
    key = assign_key(chosen, bytes(32))
    fast = assign(chosen, key, inputs)
    monkeypatch.setattr(solver, "_greedy", reference_greedy)
    assert assign(chosen, key, inputs) == fast
    assert set(fast.loads.values()) == {45}
