"""A draw with its assignment runs, as the draw service records them: the scenario of the assignment vector
(`assignment-infeasible` in vectors.json) and of the assignment audit tests.

Two counties of 20 entities; in the second, every entity drawn for social insurance is infeasible (one of its only
two qualified inspectors is recused from all of them); a chain of two member replacements on one team (health,
then work conflict); and an entity replacement whose new pick gets a team of its own run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from fractions import Fraction
from typing import Any

from hrss.drawkit import log as draw_log
from hrss.drawkit.assignment import (
    AssignmentInput,
    Inspector,
    PickedEntity,
    apply_replacement,
    assign,
    assigned_body,
    inspector_json,
    item_requirements,
    pick_node,
    recusal_root,
    replace_inspector,
    requirement,
    roster_root,
    run_json,
    section,
    teams_json,
)
from hrss.drawkit.encoding import SHA256
from hrss.drawkit.frame import FrameEntry
from hrss.drawkit.package import DrawProcedure
from hrss.drawkit.sampling import DrawPlan, ItemRule
from hrss.drawkit.seed import assign_key

DAY = date(2027, 4, 1)
CITY, A, B = "330100", "330102", "330106"
BASE, SOCIAL = "行政执法资格", "社会保险稽核资格"
RULE: dict[str, Any] = {"base": [BASE], "by_line": {"social_insurance": [SOCIAL]}}
TASK: dict[str, Any] = {
    "tasks": [
        {
            "task_id": "T1",
            "node": CITY,
            "unified": True,
            "implementing_nodes": [A, B],
            "team_size": 2,
            "items": [
                {"item_id": "wage", "line": "labour_inspection"},
                {"item_id": "si", "line": "social_insurance"},
            ],
        }
    ],
    "qualifications": RULE,
}


def salt(n: int) -> str:
    return f"{n:032x}"


def world() -> tuple[list[FrameEntry], list[Inspector], list[tuple[str, str]]]:
    """Two counties of 20 entities (grades A and C); 7 inspectors in A (4 with the social-insurance
    qualification, one inactive, one expired), 4 in B of whom only 2 hold it, and one of those two recused from
    every entity of B: every B entity drawn for social insurance is infeasible."""
    frame = [
        FrameEntry(f"U{r[-1]}{n:02d}", f"e{r}{n}", r, "企业", f"{r}|企业|{'AC'[n % 2]}", True, "", salt(100 + n))
        for r in (A, B)
        for n in range(20)
    ]
    roster = []
    for n in range(7):
        roster.append(
            Inspector(
                f"IA{n}",
                f"C-A-{n}",
                A,
                frozenset({BASE, SOCIAL} if n < 4 else {BASE}),
                n != 5,
                "2026-12-31" if n == 6 else "2028-12-31",
                A,
                frozenset({"U201"}) if n == 0 else frozenset(),
            )
        )
    for n in range(4):
        roster.append(
            Inspector(f"IB{n}", f"C-B-{n}", B, frozenset({BASE, SOCIAL} if n < 2 else {BASE}), True, "2028-12-31", B)
        )
    recusals = [("IB0", e.uscc) for e in frame if e.region_code == B] + [("IA1", "U202"), ("IA2", "U203")]
    return frame, roster, recusals


def ticks() -> Callable[[], str]:
    counter = iter(range(3600))

    def at() -> str:
        n = next(counter)
        return f"2027-04-01T09:{n // 60:02d}:{n % 60:02d}+08:00"

    return at


PLAN = DrawPlan((ItemRule("T1:wage", Fraction(1, 2)), ItemRule("T1:si", Fraction(1, 4))))


class Draw:
    """A draw with its assignment runs recorded as the draw service records them: each pick goes to the node the
    territorial rule gives (`pick_node`), as in the draw service."""

    def __init__(
        self,
        task: dict[str, Any] = TASK,
        plan: DrawPlan = PLAN,
        drawn: tuple[list[FrameEntry], list[Inspector], list[tuple[str, str]]] | None = None,
        draw_id: str = "D-assign",
    ) -> None:
        self.task = task
        self.frame, self.roster, self.recusals = drawn or world()
        self.salts = {i.inspector_id: salt(n) for n, i in enumerate(self.roster, 1)}
        self.pair_salts = {p: salt(500 + n) for n, p in enumerate(sorted(self.recusals))}
        rule = task.get("qualifications", RULE)  # the rule committed in the task (docs/draw-assignment.md §2)
        self.by_item = item_requirements(task["tasks"], rule["base"], rule["by_line"])
        self.builder = DrawProcedure(
            SHA256,
            draw_id,
            task,
            self.frame,
            plan,
            ticks(),
            roster_root(SHA256, self.roster, self.salts).hex(),
            recusal_root(SHA256, self.recusals, self.pair_salts).hex(),
            "dice",
        )
        self.builder.contribute("witness", "31415926")
        self.runs: list[dict[str, Any]] = []
        self.results: list[tuple[AssignmentInput, Any]] = []
        self.replacements: list[Any] = []
        self.reasons: dict[int, dict[str, str]] = {}
        self.assign(self.builder.draw())

    @property
    def key(self) -> bytes:
        assert self.builder.seed is not None
        return assign_key(SHA256, self.builder.seed)

    def assign(self, picks: Any) -> None:
        region = {e.uscc: e.region_code for e in self.frame}
        tasks = self.task["tasks"]
        entities = tuple(
            PickedEntity(
                p.uscc,
                region[p.uscc],
                pick_node(tasks, p.items, region[p.uscc]),
                requirement(p.items, self.by_item),
            )
            for p in picks
        )
        size = max(int(t["team_size"]) for t in tasks)  # tasks drawn jointly: the largest team size (draw service)
        inputs = AssignmentInput(entities, tuple(self.roster), DAY, frozenset(self.recusals), size)
        result = assign(SHA256, self.key, inputs)
        credentials = {i.inspector_id: i.credential_no for i in self.roster}
        body = assigned_body(SHA256, inputs, result, credentials)
        log = self.builder.log
        log.append(draw_log.append(SHA256, log, "assigned", self.builder.clock(), body))
        self.runs.append(run_json(log[-1].seq, inputs, teams_json(result, credentials)))
        self.results.append((inputs, result))

    def replace_member(self, uscc: str, leaving: str, reason: str = "health", approver: str = "张局长") -> None:
        inputs, result = self.results[0]
        history = [r for r in self.replacements if r.uscc == uscc]
        current = result
        for done in history:
            current = apply_replacement(current, done)
        done = replace_inspector(SHA256, self.key, inputs, current, uscc, leaving, reason, approver, history)
        credentials = {i.inspector_id: i.credential_no for i in self.roster}
        salt = f"{len(self.replacements) + 1:032x}"
        body = {
            **done.logged(SHA256, salt),
            "replaced_credential": credentials[done.replaced],
            "by_credential": credentials[done.by],
        }
        log = self.builder.log
        log.append(draw_log.append(SHA256, log, "team_replaced", self.builder.clock(), body))
        self.reasons[log[-1].seq] = {"reason": reason, "salt": salt}
        self.replacements.append(done)

    def replace_entity(self, uscc: str, reason: str = "已注销") -> None:
        """An entity replacement (draw-spec §7.3), whose new pick gets a team of its own run."""
        self.assign([self.builder.replace(uscc, reason)])

    def expand(self, plan: DrawPlan, reason: str = "问题线索较多，扩大比例") -> None:
        """An expansion (draw-spec §7.4), whose new picks get teams of their own run (none if it adds none)."""
        added = self.builder.expand(plan, reason)
        if added:
            self.assign(added)

    def package(self) -> dict[str, Any]:
        found = self.builder.auditor_package()
        roster = [inspector_json(i, self.salts[i.inspector_id]) for i in self.roster]
        recusal = [{"inspector_id": i, "uscc": u, "salt": self.pair_salts[(i, u)]} for i, u in sorted(self.recusals)]
        found["assignment"] = section(roster, recusal, self.by_item, self.runs, self.reasons)
        return json.loads(json.dumps(found))


def scenario() -> Draw:
    """A draw, its teams, a chain of two replacements on one team, and a replaced entity with its own team."""
    draw = Draw()
    _, result = draw.results[0]
    first = sorted(result.teams)[0]
    draw.replace_member(first, result.teams[first][0].inspector_id)
    draw.replace_member(first, draw.replacements[0].by, reason="work_conflict")
    invalid = sorted(result.teams)[1]
    draw.assign([draw.builder.replace(invalid, "已注销")])
    return draw


# Two tasks drawn jointly whose scopes differ: the city's unified task implemented by county A alone, and county
# B's own task. B and its inspectors are outside the first task's scope (docs/draw-assignment.md §1).
JOINT_TASK: dict[str, Any] = {
    "tasks": [
        {
            "task_id": "T1",
            "node": CITY,
            "unified": True,
            "implementing_nodes": [A],
            "team_size": 2,
            "items": [{"item_id": "wage", "line": "labour_inspection"}],
        },
        {
            "task_id": "T2",
            "node": B,
            "unified": False,
            "implementing_nodes": [],
            "team_size": 2,
            "items": [{"item_id": "si", "line": "social_insurance"}],
        },
    ],
    "qualifications": RULE,
}


def joint() -> Draw:
    """The world's two counties drawn for JOINT_TASK: T1's item in A's strata only, T2's in B's only; B's blanket
    recusal is left out, so that B's picks get teams of B's inspectors."""
    frame, roster, recusals = world()
    strata = sorted({e.stratum for e in frame})
    plan = DrawPlan(
        (
            ItemRule("T1:wage", Fraction(1, 2), strata=frozenset(s for s in strata if s.startswith(A))),
            ItemRule("T2:si", Fraction(1, 2), strata=frozenset(s for s in strata if s.startswith(B))),
        )
    )
    return Draw(JOINT_TASK, plan, (frame, roster, [p for p in recusals if p[0] != "IB0"]))
