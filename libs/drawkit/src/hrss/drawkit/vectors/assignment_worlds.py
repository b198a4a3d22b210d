"""The assignment scenarios of the vectors added for issue 23 §1: the paths of docs/draw-assignment.md that the first
assignment vector (`assignment_case.scenario`) does not take.

- `routing`: a province's unified task implemented by a city, one of its counties and another city: entities go
  to the deepest implementing node that holds them, or to the province; a city with one inspector
  (`too_few_in_node`) and a city where one inspector holds the social-insurance qualification (`too_few_qualified`).
- `joint`: two tasks drawn together with team sizes 2 and 3 (every run uses 3), a pick drawn for both going to the
  first task's node, and a pick drawn for the second task only going to that task's node.
- `expansion`: an expansion with its own assignment run, then the replacement of an expansion pick with its own run.
- `balancing`: the first draw id (of a fixed sequence) whose greedy step (§5.3) leaves an improving path, so that
  step 2 (§5.4) shifts along it.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from hrss.drawkit.assignment import AssignmentInput, Inspector
from hrss.drawkit.assignment.eligibility import _Index
from hrss.drawkit.assignment.solver import _greedy, _order, _result
from hrss.drawkit.encoding import SHA256
from hrss.drawkit.frame import FrameEntry
from hrss.drawkit.sampling import DrawPlan, ItemRule
from hrss.drawkit.vectors.assignment_case import BASE, SOCIAL, Draw, salt

World = tuple[list[FrameEntry], list[Inspector], list[tuple[str, str]]]
LABOUR = {"item_id": "wage", "line": "labour_inspection"}
INSURANCE = {"item_id": "si", "line": "social_insurance"}
RULE: dict[str, Any] = {"base": [BASE], "by_line": {"social_insurance": [SOCIAL]}}


def entities(regions: list[str], per_region: int) -> list[FrameEntry]:
    """`per_region` eligible entities in each region, one stratum per region (`region|企业|*`)."""
    return [
        FrameEntry(f"U{region}{n:02d}", f"e{region}-{n}", region, "企业", f"{region}|企业|*", True, "", salt(n + 1))
        for region in regions
        for n in range(per_region)
    ]


def staff(node: str, count: int, social: int, start: int = 0) -> list[Inspector]:
    """`count` inspectors of `node`, active and valid; the first `social` hold the social-insurance qualification."""
    return [
        Inspector(
            f"I{node}-{n}",
            f"C-{node}-{n}",
            node,
            frozenset({BASE, SOCIAL} if n < social else {BASE}),
            True,
            "2028-12-31",
            node,
        )
        for n in range(start, start + count)
    ]


def routing() -> Draw:
    tasks = [
        {
            "task_id": "T1",
            "node": "330000",
            "unified": True,
            "implementing_nodes": ["330100", "330102", "330200"],
            "team_size": 2,
            "items": [LABOUR, INSURANCE],
        }
    ]
    frame = entities(["330102", "330105", "330203", "331002"], 6)
    roster = staff("330102", 3, 2) + staff("330100", 3, 1) + staff("330200", 1, 1) + staff("330000", 2, 2)
    plan = DrawPlan((ItemRule("T1:wage", Fraction(1, 2)), ItemRule("T1:si", Fraction(1, 4))))
    return Draw({"tasks": tasks, "qualifications": RULE}, plan, (frame, roster, []), "D-routing")


def joint() -> Draw:
    tasks = [
        {
            "task_id": "T1",
            "node": "330100",
            "unified": True,
            "implementing_nodes": ["330102", "330106"],
            "team_size": 2,
            "items": [LABOUR],
        },
        {
            "task_id": "T2",
            "node": "330100",
            "unified": True,
            "implementing_nodes": ["330106"],
            "team_size": 3,
            "items": [INSURANCE],
        },
    ]
    frame = entities(["330102", "330106"], 8)
    roster = staff("330102", 4, 4) + staff("330106", 4, 4) + staff("330100", 3, 3)
    plan = DrawPlan((ItemRule("T1:wage", Fraction(1, 4)), ItemRule("T2:si", Fraction(1, 2))))
    return Draw({"tasks": tasks, "qualifications": RULE}, plan, (frame, roster, []), "D-joint")


def expansion() -> Draw:
    tasks = [
        {
            "task_id": "T1",
            "node": "330100",
            "unified": True,
            "implementing_nodes": ["330102", "330106"],
            "team_size": 2,
            "items": [LABOUR, INSURANCE],
        }
    ]
    frame = entities(["330102", "330106"], 8)
    roster = staff("330102", 4, 3) + staff("330106", 4, 3)
    plan = DrawPlan((ItemRule("T1:wage", Fraction(1, 4)), ItemRule("T1:si", Fraction(1, 8))))
    recused = [("I330102-0", "U33010200")]
    draw = Draw({"tasks": tasks, "qualifications": RULE}, plan, (frame, roster, recused), "D-expansion-runs")
    draw.expand(DrawPlan((ItemRule("T1:wage", Fraction(1, 2)), ItemRule("T1:si", Fraction(1, 4)))))
    expanded = [p for p in draw.builder.picks if p.batch == 2]
    draw.replace_entity(expanded[0].uscc, "无法取得联系")
    return draw


def greedy(inputs: AssignmentInput, key: bytes) -> dict[str, list[str]]:
    """The teams after step 1 alone (§5.3), members in ticket order: what `assign` gives before balancing."""
    ix = _Index(SHA256, key, inputs)
    loads = {i: 0 for members in ix.members.values() for i in members}
    teams: dict[str, list[str]] = {}
    feasible = [e for e in inputs.entities if ix.infeasibility(e, inputs.team_size) is None]
    _greedy(ix, _order(ix, feasible), inputs.team_size, loads, teams)
    result = _result(ix, inputs, teams, loads, [])
    return {u: [m.inspector_id for m in team] for u, team in sorted(result.teams.items())}


WAGE = "劳动保障监察员证"
FIRE = {"item_id": "fire"}  # an item of no line: the base qualification only


def balancing() -> Draw:
    """The shape of the greedy trap of tests/unit/test_assignment.py in one county: five inspectors holding one,
    the other or both of two cards; four entities of one stratum (two drawn for the wage item, which needs the wage
    card) and one of another (drawn for social insurance); two recusals from a generator seeded with the attempt
    number. The vector is the first attempt whose greedy teams differ from the final ones in two teams or more: step 2
    shifted work along an improving path of at least two steps."""
    tasks = [
        {
            "task_id": "T1",
            "node": "330102",
            "unified": False,
            "implementing_nodes": [],
            "team_size": 2,
            "items": [FIRE, LABOUR, INSURANCE],
        }
    ]
    rule = {"base": [BASE], "by_line": {"labour_inspection": [WAGE], "social_insurance": [SOCIAL]}}
    shops, stalls = "330102|企业|*", "330102|个体|*"
    frame = [
        FrameEntry(f"U3301020{n}", f"e-{n}", "330102", kind, key, True, "", salt(n + 1))
        for n, (kind, key) in enumerate([("企业", shops)] * 4 + [("个体", stalls)])
    ]
    cards = [{SOCIAL}, {WAGE}, {WAGE}, {SOCIAL, WAGE}, {WAGE}]
    roster = [
        Inspector(f"I{n}", f"C-{n}", "330102", frozenset({BASE, *held}), True, "2028-12-31", "330102")
        for n, held in enumerate(cards)
    ]
    plan = DrawPlan(
        (
            ItemRule("T1:fire", Fraction(1)),
            ItemRule("T1:wage", Fraction(1, 2), strata=frozenset({shops})),
            ItemRule("T1:si", Fraction(1), strata=frozenset({stalls})),
        )
    )
    for attempt in range(5000):
        rng = random.Random(f"hrss-draw-vectors/balancing/{attempt}")
        recusals = sorted({(f"I{rng.randrange(5)}", frame[rng.randrange(4)].uscc) for _ in range(2)})
        draw = Draw({"tasks": tasks, "qualifications": rule}, plan, (frame, roster, recusals), f"D-balancing-{attempt}")
        inputs, result = draw.results[0]
        final = {u: [m.inspector_id for m in team] for u, team in sorted(result.teams.items())}
        first = greedy(inputs, draw.key)
        if not result.infeasible and sum(first[u] != final[u] for u in final) >= 2:  # a path of two steps or more
            return draw
    raise RuntimeError("no attempt whose greedy step leaves an improving path")
