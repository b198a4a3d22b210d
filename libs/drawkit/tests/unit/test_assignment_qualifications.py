"""Qualifications per item (docs/draw-assignment.md §2): an item needs the base qualifications and those of its line
of business; a team member holds the union over the entity's items. Properties over random tasks and rosters."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrss.drawkit.assignment import (
    AssignmentInput,
    Inspector,
    PickedEntity,
    assign,
    check_assignment,
    item_requirements,
    requirement,
)
from hrss.drawkit.encoding import SHA256
from hrss.drawkit.seed import assign_key

KEY = assign_key(SHA256, bytes(range(32)))
DAY = date(2027, 4, 1)
LINES = ["labour_inspection", "social_insurance", "wage"]
QUALS = ["执法", "监察", "社保", "工资"]
ITEMS = [("T1", "a", "labour_inspection"), ("T1", "b", "social_insurance"), ("T2", "c", "wage"), ("T2", "d", None)]
TASKS = [
    {"task_id": t, "items": [{"item_id": i, "line": line} for tt, i, line in ITEMS if tt == t]} for t in ("T1", "T2")
]


def test_an_item_needs_the_base_and_its_line_s_qualifications() -> None:
    by_item = item_requirements(TASKS, ["执法"], {"social_insurance": ["社保"], "wage": ["工资", "监察"]})
    assert by_item == {
        "T1:a": ["执法"],
        "T1:b": ["执法", "社保"],
        "T2:c": sorted(["执法", "工资", "监察"]),
        "T2:d": ["执法"],
    }
    assert requirement(["T1:b", "T2:c"], by_item) == {"执法", "社保", "工资", "监察"}
    assert requirement([], by_item) == frozenset()


def test_an_item_the_map_does_not_name_is_refused() -> None:
    with pytest.raises(KeyError):
        requirement(["T9:z"], {"T1:a": ["执法"]})


@st.composite
def drawn(draw) -> tuple[AssignmentInput, dict[str, set[str]], dict[str, list[str]]]:
    """A rule by line, a roster of one node with random qualifications, entities drawn for random items."""
    by_line = {line: draw(st.sets(st.sampled_from(QUALS[1:]), max_size=2)) for line in LINES}
    by_item = item_requirements(TASKS, ["执法"], {k: sorted(v) for k, v in by_line.items()})
    roster = tuple(
        Inspector(
            f"I{n:02d}",
            f"C{n:02d}",
            "N",
            frozenset({"执法"} | draw(st.sets(st.sampled_from(QUALS)))),
            True,
            "2028-12-31",
            "N",
        )
        for n in range(draw(st.integers(2, 10)))
    )
    keys = sorted(by_item)
    items = {
        f"U{n:03d}": draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True))
        for n in range(draw(st.integers(0, 25)))
    }
    entities = tuple(PickedEntity(u, "N", "N", requirement(i, by_item)) for u, i in items.items())
    line_of = {f"{t}:{i}": line for t, i, line in ITEMS}
    needs = {u: {q for k in i for q in by_line.get(line_of[k] or "", set())} for u, i in items.items()}
    return AssignmentInput(entities, roster, DAY, frozenset(), 2), needs, items


@settings(max_examples=150, deadline=None)
@given(drawn())
def test_no_member_lacks_a_qualification_of_the_line_of_an_item_the_entity_was_drawn_for(case) -> None:
    inputs, needs, _ = case
    result = assign(SHA256, KEY, inputs)
    held = {i.inspector_id: i.qualifications for i in inputs.roster}
    for uscc, team in result.teams.items():
        for member in team:
            assert needs[uscc] <= held[member.inspector_id] and "执法" in held[member.inspector_id]
    qualified = {u: sum(1 for q in held.values() if needs[u] <= q) for u in needs}
    assert {f.uscc for f in result.infeasible} == {u for u, n in qualified.items() if n < 2}
    assert check_assignment(SHA256, KEY, inputs, result) == []


@settings(max_examples=50, deadline=None)
@given(drawn())
def test_the_same_inputs_give_the_same_teams(case) -> None:
    inputs, _, _ = case
    assert assign(SHA256, KEY, inputs) == assign(SHA256, KEY, inputs)
