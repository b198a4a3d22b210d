"""Inspector assignment (docs/draw-assignment.md): eligibility, teams, balance, replacement, the auditor's check."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrss.drawkit.assignment import (
    ASSIGN_TICKET,
    Assignment,
    AssignmentInput,
    Inspector,
    Member,
    PickedEntity,
    apply_replacement,
    assign,
    check_assignment,
    ineligibility,
    recusal_root,
    replace_inspector,
    roster_root,
    ticket,
)
from hrss.drawkit.encoding import SHA256, canonical_json
from hrss.drawkit.seed import assign_key

KEY = assign_key(SHA256, bytes(range(32)))
DAY = date(2027, 4, 1)
USCCS = [f"91130102MA0{n:07d}" for n in range(8)]
IDS = [f"I{n:02d}" for n in range(10)]
QUALS = ["labour", "insurance", "wage"]
NODES = ["130102", "130104"]
EXPIRIES = ["2027-03-31", "2027-04-01", "2028-12-31"]  # expired the day before, last valid day, valid


def inspector(inspector_id: str, node: str = "130102", quals=("labour",), **changes) -> Inspector:
    base = Inspector(inspector_id, "C" + inspector_id, node, frozenset(quals), True, "2028-12-31", node)
    return dataclasses.replace(base, **changes)


def entity(uscc: str, node: str = "130102", quals=("labour",)) -> PickedEntity:
    return PickedEntity(uscc, node, node, frozenset(quals))


def eligible(i: Inspector, e: PickedEntity, inputs: AssignmentInput) -> bool:
    """The rule of §4, written independently of the implementation."""
    return (
        i.active
        and inputs.draw_date.isoformat() <= i.credential_expires
        and i.node == e.node
        and e.qualifications <= i.qualifications
        and (i.inspector_id, e.uscc) not in inputs.recusals
        and e.uscc not in i.former_employers
    )


def oracle_order(inputs: AssignmentInput, e: PickedEntity) -> list[str]:
    pool = [i.inspector_id for i in inputs.roster if eligible(i, e, inputs)]
    return sorted(pool, key=lambda i: (ticket(SHA256, KEY, e.uscc, i), i))


@st.composite
def problems(draw, max_entities: int = 8) -> AssignmentInput:
    ids = IDS[: draw(st.integers(2, len(IDS)))]
    usccs = draw(st.lists(st.sampled_from(USCCS), unique=True, max_size=max_entities))
    roster = [
        Inspector(
            i,
            "C" + i,
            draw(st.sampled_from(NODES)),
            frozenset(draw(st.sets(st.sampled_from(QUALS)))),
            draw(st.booleans()),
            draw(st.sampled_from(EXPIRIES)),
            draw(st.sampled_from(NODES)),
            frozenset(draw(st.sets(st.sampled_from(usccs), max_size=2))) if usccs else frozenset(),
        )
        for i in ids
    ]
    entities = [
        PickedEntity(
            u, draw(st.sampled_from(NODES)), draw(st.sampled_from(NODES)), draw(st.sets(st.sampled_from(QUALS)))
        )
        for u in usccs
    ]
    recusals = draw(st.sets(st.tuples(st.sampled_from(ids), st.sampled_from(usccs)), max_size=6)) if usccs else set()
    return AssignmentInput(tuple(entities), tuple(roster), DAY, frozenset(recusals), draw(st.integers(2, 3)))


@st.composite
def everyone_eligible(draw) -> AssignmentInput:
    n = draw(st.integers(2, 12))
    m = draw(st.integers(0, 60))
    roster = [inspector(f"I{k:03d}") for k in range(n)]
    entities = [entity(f"91130102MA0{k:07d}") for k in range(m)]
    return AssignmentInput(tuple(entities), tuple(roster), DAY, frozenset(), draw(st.integers(2, n)))


@given(problems())
def test_nobody_ineligible_is_ever_on_a_team(inputs):
    result = assign(SHA256, KEY, inputs)
    roster = {i.inspector_id: i for i in inputs.roster}
    entities = {e.uscc: e for e in inputs.entities}
    for uscc, team in result.teams.items():
        for member in team:
            assert eligible(roster[member.inspector_id], entities[uscc], inputs)
            assert (member.inspector_id, uscc) not in inputs.recusals


@given(problems())
def test_teams_are_exactly_the_team_size_without_duplicates_in_ticket_order(inputs):
    result = assign(SHA256, KEY, inputs)
    for uscc, team in result.teams.items():
        ids = [m.inspector_id for m in team]
        assert len(ids) == inputs.team_size == len(set(ids))
        assert [m.ticket for m in team] == [ticket(SHA256, KEY, uscc, i).hex() for i in ids]
        assert [m.ticket for m in team] == sorted(m.ticket for m in team)


@given(problems())
def test_every_entity_gets_a_team_or_is_reported_infeasible_with_its_reason(inputs):
    result = assign(SHA256, KEY, inputs)
    reported = {f.uscc: f for f in result.infeasible}
    for e in inputs.entities:
        count = sum(eligible(i, e, inputs) for i in inputs.roster)
        if count >= inputs.team_size:
            assert e.uscc in result.teams and e.uscc not in reported
        else:
            assert e.uscc not in result.teams
            assert reported[e.uscc].eligible == count
            assert reported[e.uscc].reason in {"too_few_in_node", "too_few_qualified", "too_few_after_recusal"}


@given(problems())
def test_loads_count_every_roster_inspector_s_teams(inputs):
    result = assign(SHA256, KEY, inputs)
    counts = Counter(m.inspector_id for team in result.teams.values() for m in team)
    assert result.loads == {i.inspector_id: counts[i.inspector_id] for i in inputs.roster}


@given(problems(), st.randoms(use_true_random=False))
def test_same_inputs_in_any_order_give_the_same_assignment(inputs, rng):
    shuffled = [list(inputs.entities), list(inputs.roster), list(inputs.recusals)]
    for items in shuffled:
        rng.shuffle(items)
    again = AssignmentInput(shuffled[0], shuffled[1], DAY, frozenset(shuffled[2]), inputs.team_size)
    assert assign(SHA256, KEY, again) == assign(SHA256, KEY, inputs)


@given(problems())
def test_a_different_key_is_still_a_valid_assignment(inputs):
    other = assign_key(SHA256, b"another seed")
    assert check_assignment(SHA256, other, inputs, assign(SHA256, other, inputs)) == []


@given(everyone_eligible())
def test_loads_differ_by_at_most_one_when_everyone_is_eligible_for_everything(inputs):
    loads = assign(SHA256, KEY, inputs).loads.values()
    assert max(loads) - min(loads) <= 1


def _extremes(inputs: AssignmentInput) -> tuple[int, int]:
    """By brute force over every valid assignment of one node: the least possible maximum load and the greatest
    possible minimum load over the node's available inspectors."""
    pool = [i.inspector_id for i in inputs.roster if i.available_on(DAY)]
    choices = []
    for e in inputs.entities:
        ok = [i.inspector_id for i in inputs.roster if eligible(i, e, inputs)]
        if len(ok) >= inputs.team_size:
            choices.append(list(itertools.combinations(ok, inputs.team_size)))
    best_max, best_min = None, None
    for teams in itertools.product(*choices):
        counts = Counter(i for team in teams for i in team)
        high, low = max(counts[i] for i in pool), min(counts[i] for i in pool)
        best_max = high if best_max is None else min(best_max, high)
        best_min = low if best_min is None else max(best_min, low)
    assert best_max is not None and best_min is not None
    return best_max, best_min


@st.composite
def one_node(draw) -> AssignmentInput:
    ids = IDS[: draw(st.integers(2, 5))]
    usccs = USCCS[: draw(st.integers(1, 4))]
    roster = [inspector(i, quals=draw(st.sets(st.sampled_from(QUALS), min_size=1))) for i in ids]
    entities = [entity(u, quals=draw(st.sets(st.sampled_from(QUALS), max_size=1))) for u in usccs]
    recusals = draw(st.sets(st.tuples(st.sampled_from(ids), st.sampled_from(usccs)), max_size=4))
    return AssignmentInput(tuple(entities), tuple(roster), DAY, frozenset(recusals), 2)


@settings(max_examples=150, deadline=None)
@given(one_node())
def test_the_maximum_load_is_least_and_the_minimum_greatest_possible(inputs):
    loads = assign(SHA256, KEY, inputs).loads
    best_max, best_min = _extremes(inputs)
    assert max(loads.values()) == best_max
    assert min(loads.values()) == best_min


def greedy_trap() -> AssignmentInput:
    """An instance where least-loaded-first alone can end at loads 1, 3, 2, 2, 2 though 2, 2, 2, 2, 2 exists."""
    roster = [
        inspector("I0", quals=("insurance",)),
        inspector("I1", quals=("wage",)),
        inspector("I2", quals=("wage",)),
        inspector("I3", quals=("insurance", "labour", "wage")),
        inspector("I4", quals=("wage",)),
    ]
    entities = [entity("E0", quals=("wage",)), entity("E1", quals=()), entity("E2", quals=())]
    entities += [entity("E3", quals=("wage",)), entity("E4", quals=("insurance",))]
    return AssignmentInput(tuple(entities), tuple(roster), DAY, frozenset({("I0", "E1"), ("I1", "E2")}))


def test_balancing_passes_work_along_a_path_to_reach_equal_loads():
    assert set(assign(SHA256, KEY, greedy_trap()).loads.values()) == {2}


def test_the_check_catches_a_valid_but_unbalanced_assignment():
    inputs = greedy_trap()
    teams = {"E0": ["I1", "I2"], "E1": ["I1", "I3"], "E2": ["I2", "I4"], "E3": ["I1", "I4"], "E4": ["I0", "I3"]}
    result = assign(SHA256, KEY, inputs)
    for uscc, ids in teams.items():
        result = with_team(result, uscc, ids)
    assert dict(result.loads) == {"I0": 1, "I1": 3, "I2": 2, "I3": 2, "I4": 2}
    problems = check_assignment(SHA256, KEY, inputs, result)
    assert problems == ["balance: node 130102 has an improving path at load 3"]


def test_spread_is_one_where_tags_and_recusals_still_allow_it():
    roster = [inspector(f"I{k}", quals=("labour", "wage") if k < 3 else ("labour",)) for k in range(6)]
    entities = [entity(f"91130102MA0{k:07d}", quals=("labour", "wage") if k < 6 else ("labour",)) for k in range(15)]
    recusals = frozenset({("I0", entities[0].uscc), ("I3", entities[7].uscc), ("I4", entities[7].uscc)})
    loads = assign(SHA256, KEY, AssignmentInput(tuple(entities), tuple(roster), DAY, recusals)).loads
    assert max(loads.values()) - min(loads.values()) <= 1


def test_too_few_qualified_is_reported_rather_than_a_smaller_team():
    inputs = AssignmentInput(
        (entity("E1", quals=("wage",)), entity("E2"), entity("E3", node="130104")),
        (inspector("I1", quals=("labour", "wage")), inspector("I2"), inspector("I3", active=False, node="130104")),
        DAY,
        frozenset(),
    )
    result = assign(SHA256, KEY, inputs)
    assert {f.uscc: f.reason for f in result.infeasible} == {"E1": "too_few_qualified", "E3": "too_few_in_node"}
    assert set(result.teams) == {"E2"}


def test_recusal_that_leaves_too_few_is_reported_as_such():
    roster = (inspector("I1"), inspector("I2", former_employers=frozenset({"E1"})), inspector("I3"))
    inputs = AssignmentInput((entity("E1"),), roster, DAY, frozenset({("I3", "E1")}))
    [problem] = assign(SHA256, KEY, inputs).infeasible
    assert (problem.reason, problem.available, problem.qualified, problem.eligible) == (
        "too_few_after_recusal",
        3,
        3,
        1,
    )


def test_station_in_the_entity_s_county_is_not_a_recusal_by_itself():
    roster = (inspector("I1", station_region="130102"), inspector("I2", station_region="130102"))
    inputs = AssignmentInput((entity("E1"),), roster, DAY)
    assert [m.inspector_id for m in assign(SHA256, KEY, inputs).teams["E1"]] != []
    assert ineligibility(inputs, inputs.entities[0], "I1") == ""


def test_ineligibility_names_the_rule_that_applies():
    roster = (
        inspector("A", active=False),
        inspector("B", credential_expires="2027-03-31"),
        inspector("C", node="130104"),
        inspector("D", quals=("wage",)),
        inspector("E"),
        inspector("F", former_employers=frozenset({"E1"})),
        inspector("G", credential_expires="2027-04-01"),
    )
    inputs = AssignmentInput((entity("E1"),), roster, DAY, frozenset({("E", "E1")}))
    codes = {i.inspector_id: ineligibility(inputs, inputs.entities[0], i.inspector_id) for i in roster}
    assert codes == {
        "A": "inactive",
        "B": "credential_expired",
        "C": "wrong_node",
        "D": "unqualified",
        "E": "recused_declared",
        "F": "recused_former_employer",
        "G": "",
    }
    assert ineligibility(inputs, inputs.entities[0], "nobody") == "unknown"


def test_a_team_of_one_is_refused():
    with pytest.raises(ValueError, match="at least 2"):
        AssignmentInput((), (), DAY, frozenset(), 1)


def test_a_uscc_or_an_inspector_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        AssignmentInput((entity("E1"), entity("E1")), (), DAY)
    with pytest.raises(ValueError, match="twice"):
        AssignmentInput((), (inspector("I1"), inspector("I1")), DAY)


def test_the_ticket_is_the_length_prefixed_record_of_the_specification():
    def lp(data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + data

    message = lp(ASSIGN_TICKET.encode()) + lp(KEY) + lp(b"91130102MA00000001") + lp(b"I01")
    assert ticket(SHA256, KEY, "91130102MA00000001", "I01") == hashlib.sha256(message).digest()


# The auditor's check and tampering.


def sample() -> AssignmentInput:
    roster = [inspector(f"I{k:02d}", quals=("labour", "wage") if k % 2 else ("labour",)) for k in range(8)]
    roster += [inspector(f"J{k:02d}", node="130104") for k in range(4)]
    roster[3] = dataclasses.replace(roster[3], former_employers=frozenset({USCCS[1]}))
    entities = [entity(u, quals=("labour", "wage") if n % 3 == 0 else ("labour",)) for n, u in enumerate(USCCS[:6])]
    entities += [entity(f"91130104MA0{k:07d}", node="130104") for k in range(5)]
    recusals = frozenset({("I01", USCCS[0]), ("I02", USCCS[2]), ("J00", "91130104MA00000000")})
    return AssignmentInput(tuple(entities), tuple(roster), DAY, recusals)


def with_team(result: Assignment, uscc: str, ids: list[str]) -> Assignment:
    team = tuple(Member(i, ticket(SHA256, KEY, uscc, i).hex()) for i in ids)
    team = tuple(sorted(team, key=lambda m: m.ticket))
    counts = Counter(m.inspector_id for t in {**result.teams, uscc: team}.values() for m in t)
    loads = {i: counts[i] for i in result.loads}
    return dataclasses.replace(result, teams={**result.teams, uscc: team}, loads=loads)


@given(problems())
def test_the_check_passes_the_honest_assignment(inputs):
    assert check_assignment(SHA256, KEY, inputs, assign(SHA256, KEY, inputs)) == []


def test_the_check_catches_a_recused_member():
    inputs, result = sample(), assign(SHA256, KEY, sample())
    keep = next(m.inspector_id for m in result.teams[USCCS[0]] if m.inspector_id != "I01")
    problems = check_assignment(SHA256, KEY, inputs, with_team(result, USCCS[0], [keep, "I01"]))
    assert any(p.startswith("eligibility: I01") and "recused_declared" in p for p in problems)


def test_the_check_catches_a_member_from_another_node():
    inputs, result = sample(), assign(SHA256, KEY, sample())
    keep = result.teams[USCCS[4]][0].inspector_id
    problems = check_assignment(SHA256, KEY, inputs, with_team(result, USCCS[4], [keep, "J01"]))
    assert any("wrong_node" in p for p in problems)


def test_the_check_catches_a_duplicate_member_and_a_wrong_size():
    inputs, result = sample(), assign(SHA256, KEY, sample())
    member = result.teams[USCCS[4]][0]
    doubled = dataclasses.replace(result, teams={**result.teams, USCCS[4]: (member, member)})
    assert any(p.startswith("duplicate") for p in check_assignment(SHA256, KEY, inputs, doubled))
    short = dataclasses.replace(result, teams={**result.teams, USCCS[4]: (member,)})
    assert any(p.startswith("team_size") for p in check_assignment(SHA256, KEY, inputs, short))


def test_the_check_catches_forged_loads_tickets_and_a_missing_team():
    inputs, result = sample(), assign(SHA256, KEY, sample())
    loads = {**result.loads, "I00": result.loads["I00"] + 1}
    assert any(
        p.startswith("loads") for p in check_assignment(SHA256, KEY, inputs, dataclasses.replace(result, loads=loads))
    )
    first, second = result.teams[USCCS[4]]
    forged = dataclasses.replace(
        result, teams={**result.teams, USCCS[4]: (Member(first.inspector_id, "00" * 32), second)}
    )
    assert any(p.startswith("ticket") for p in check_assignment(SHA256, KEY, inputs, forged))
    teams = {u: t for u, t in result.teams.items() if u != USCCS[4]}
    assert any(
        p.startswith("coverage")
        for p in check_assignment(SHA256, KEY, inputs, dataclasses.replace(result, teams=teams))
    )


def test_the_check_catches_an_eligible_but_hand_picked_team():
    inputs, result = sample(), assign(SHA256, KEY, sample())
    uscc = USCCS[4]
    order = oracle_order(inputs, inputs.entities[4])
    current = [m.inspector_id for m in result.teams[uscc]]
    other = [i for i in order if i not in current][:2]
    problems = check_assignment(SHA256, KEY, inputs, with_team(result, uscc, other))
    assert problems and all(p.startswith(("rerun", "balance")) for p in problems)


def test_the_assignment_is_canonical_json():
    assert canonical_json(assign(SHA256, KEY, sample()).to_json())


# Replacement (004 §9.2.2).


def test_replacement_needs_an_allowed_reason_and_an_approver():
    inputs, result = sample(), assign(SHA256, KEY, sample())
    out = result.teams[USCCS[4]][0].inspector_id
    with pytest.raises(ValueError, match="工作调动"):
        replace_inspector(SHA256, KEY, inputs, result, USCCS[4], out, "holiday", "张局长")
    with pytest.raises(ValueError, match="approver"):
        replace_inspector(SHA256, KEY, inputs, result, USCCS[4], out, "health", "  ")
    with pytest.raises(LookupError):
        replace_inspector(SHA256, KEY, inputs, result, USCCS[4], "J00", "health", "张局长")


def test_replacement_takes_the_first_eligible_inspector_in_ticket_order_not_on_the_team():
    inputs, result = sample(), assign(SHA256, KEY, sample())
    uscc, team = USCCS[4], [m.inspector_id for m in result.teams[USCCS[4]]]
    done = replace_inspector(SHA256, KEY, inputs, result, uscc, team[0], "job_change", "张局长")
    order = oracle_order(inputs, inputs.entities[4])
    expected = next(i for i in order if i not in team)
    assert (done.replaced, done.by, done.rank, done.reason, done.approver) == (
        team[0],
        expected,
        order.index(expected),
        "job_change",
        "张局长",
    )
    after = apply_replacement(result, done)
    assert [m.inspector_id for m in after.teams[uscc]] == [expected, team[1]]
    assert after.loads[expected] == result.loads[expected] + 1
    assert after.loads[team[0]] == result.loads[team[0]] - 1


def test_a_chain_of_two_replacements_never_brings_back_a_replaced_inspector():
    inputs, result = sample(), assign(SHA256, KEY, sample())
    uscc, team = USCCS[4], [m.inspector_id for m in result.teams[USCCS[4]]]
    first = replace_inspector(SHA256, KEY, inputs, result, uscc, team[0], "health", "张局长")
    middle = apply_replacement(result, first)
    second = replace_inspector(SHA256, KEY, inputs, middle, uscc, first.by, "work_conflict", "张局长", [first])
    order = oracle_order(inputs, inputs.entities[4])
    assert second.by == next(i for i in order if i not in {team[0], team[1], first.by})
    assert second.rank > first.rank
    assert check_assignment(SHA256, KEY, inputs, result, [first, second]) == []


def test_replacement_fails_when_nobody_is_left():
    inputs = AssignmentInput((entity("E1"),), (inspector("I1"), inspector("I2"), inspector("I3")), DAY)
    result = assign(SHA256, KEY, inputs)
    team = [m.inspector_id for m in result.teams["E1"]]
    first = replace_inspector(SHA256, KEY, inputs, result, "E1", team[0], "health", "张局长")
    middle = apply_replacement(result, first)
    with pytest.raises(LookupError, match="no eligible inspector"):
        replace_inspector(SHA256, KEY, inputs, middle, "E1", first.by, "health", "张局长", [first])


def test_the_check_catches_a_replacement_that_skipped_the_order():
    inputs, result = sample(), assign(SHA256, KEY, sample())
    uscc, team = USCCS[4], [m.inspector_id for m in result.teams[USCCS[4]]]
    done = replace_inspector(SHA256, KEY, inputs, result, uscc, team[0], "health", "张局长")
    order = oracle_order(inputs, inputs.entities[4])
    later = next(i for i in order if i not in team and i != done.by)
    forged = dataclasses.replace(done, by=later, ticket=ticket(SHA256, KEY, uscc, later).hex(), rank=order.index(later))
    assert any(p.startswith("replacement") for p in check_assignment(SHA256, KEY, inputs, result, [forged]))


# Commitments.


def test_roster_and_recusal_roots_do_not_depend_on_input_order_and_bind_the_salts():
    roster = [inspector("I1"), inspector("I2", former_employers=frozenset({"E1"}))]
    salts = {"I1": "0" * 32, "I2": "1" * 32}
    assert roster_root(SHA256, roster, salts) == roster_root(SHA256, roster[::-1], salts)
    assert roster_root(SHA256, roster, salts) != roster_root(SHA256, roster, {**salts, "I1": "2" * 32})
    pairs = [("I1", "E1"), ("I2", "E2")]
    pair_salts = {p: "a" * 32 for p in pairs}
    assert recusal_root(SHA256, pairs, pair_salts) == recusal_root(SHA256, pairs[::-1], pair_salts)
    with pytest.raises(ValueError, match="salt"):
        roster_root(SHA256, roster, {"I1": "short", "I2": "1" * 32})


def test_the_territorial_node_is_the_deepest_implementing_node_holding_the_region() -> None:
    from hrss.drawkit.assignment import holds, pick_node, territorial_node

    province = {"task_id": "P", "node": "130000", "unified": True, "implementing_nodes": ["130100", "130102"]}
    assert territorial_node(province, "130102") == "130102"  # the county, not its city
    assert territorial_node(province, "130104") == "130100"  # a county not implementing: its city
    assert territorial_node(province, "130202") == "130000"  # held by no implementing node: the task's own
    own = {"task_id": "C", "node": "130100", "unified": False, "implementing_nodes": ["130102"]}
    assert territorial_node(own, "130102") == "130100"  # a node's own task: that node
    assert territorial_node({"task_id": "X", "node": "130100", "implementing_nodes": ["130102"]}, "130102") == "130100"
    assert (holds("130000", "139999"), holds("130100", "130199"), holds("130100", "130200")) == (True, True, False)
    assert holds("130102", "130102") and not holds("130102", "130103")
    # drawn jointly: the first task whose items the pick was drawn for decides
    assert pick_node([own, province], ["P:wage"], "130102") == "130102"
    assert pick_node([own, province], ["C:wage", "P:wage"], "130102") == "130100"
    assert pick_node([province, own], ["Z:other"], "130104") == "130100"
