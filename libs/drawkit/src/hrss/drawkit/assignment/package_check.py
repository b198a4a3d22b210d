"""The named assignment checks of an auditor package (docs/draw-assignment.md §9): the commitments open, the
inputs follow the log and the task, the teams hash to the log, and the assignment and its replacements re-run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from hrss.drawkit.assignment.auditor_json import (
    assigned_picks,
    inspector_from,
    item_requirements,
    requirement,
    run_date,
)
from hrss.drawkit.assignment.check import check_assignment
from hrss.drawkit.assignment.commitments import reason_commitment, recusal_root, roster_root, teams_hash
from hrss.drawkit.assignment.eligibility import _Index
from hrss.drawkit.assignment.model import Assignment, AssignmentInput, Member, PickedEntity
from hrss.drawkit.assignment.replacement import Replacement, check_replacements
from hrss.drawkit.assignment.solver import assign
from hrss.drawkit.assignment.territory import pick_node
from hrss.drawkit.encoding import Profile

AUDIT_CHECKS = (
    "assignment.roster_root",
    "assignment.recusal_root",
    "assignment.inputs",
    "assignment.teams_hash",
    "assignment.rerun",
    "assignment.check",
    "assignment.replacements",
)


class _Audit:
    """The assignment section of an auditor package, parsed once for the checks."""

    def __init__(self, profile: Profile, key: bytes, package: Mapping[str, Any]) -> None:
        self.profile, self.key, self.package = profile, key, package
        self.section = package["assignment"]
        self.roster = [inspector_from(r) for r in self.section["roster"]]
        self.salts = {str(r["inspector_id"]): str(r["salt"]) for r in self.section["roster"]}
        self.pairs = [(str(r["inspector_id"]), str(r["uscc"])) for r in self.section["recusal"]]
        self.pair_salts = {(str(r["inspector_id"]), str(r["uscc"])): str(r["salt"]) for r in self.section["recusal"]}
        self.credentials = {i.inspector_id: i.credential_no for i in self.roster}
        self.by_item = {str(k): [str(q) for q in v] for k, v in self.section["qualifications"].items()}
        self.runs = list(self.section["runs"])
        self.groups = assigned_picks(package)
        self._inputs: dict[int, AssignmentInput] = {}

    def inputs(self, number: int) -> AssignmentInput:
        """The inputs of run `number`: its entities with what their items need, the roster, the recusal pairs,
        the draw date and the team size of its log entry."""
        found = self._inputs.get(number)
        if found is None:
            entry, picks = self.groups[number]
            items = {str(p["uscc"]): p["items"] for p in picks}
            entities = tuple(
                PickedEntity(
                    str(e["uscc"]), str(e["region_code"]), str(e["node"]), requirement(items[e["uscc"]], self.by_item)
                )
                for e in self.runs[number]["entities"]
            )
            found = AssignmentInput(
                entities,
                tuple(self.roster),
                run_date(entry),
                frozenset(self.pairs),
                int(entry["body"]["team_size"]),
            )
            self._inputs[number] = found
        return found

    def logged(self, number: int) -> Assignment:
        """Run `number`'s teams as recorded, with the loads they imply and the infeasible entities re-derived."""
        inputs = self.inputs(number)
        teams = {
            str(u): tuple(Member(str(m["inspector_id"]), str(m["ticket"])) for m in t)
            for u, t in self.runs[number]["teams"].items()
        }
        counts: Counter[str] = Counter(m.inspector_id for t in teams.values() for m in t)
        ix = _Index(self.profile, self.key, inputs)
        infeasible = [
            f for e in inputs.entities if e.uscc not in teams and (f := ix.infeasibility(e, inputs.team_size))
        ]
        return Assignment(
            teams,
            {i.inspector_id: counts[i.inspector_id] for i in inputs.roster},
            tuple(sorted(infeasible, key=lambda f: f.uscc)),
        )

    def roster_root(self) -> tuple[bool, str]:
        root = roster_root(self.profile, self.roster, self.salts).hex()
        ok = root == self.package["commitments"]["roster_root"]
        return ok, f"{len(self.roster)} inspectors, root {root[:16]}…" if ok else f"recomputed root {root}"

    def recusal_root(self) -> tuple[bool, str]:
        if len(set(self.pairs)) != len(self.pairs):
            return False, "a recusal pair is listed twice"
        root = recusal_root(self.profile, self.pairs, self.pair_salts).hex()
        ok = root == self.package["commitments"]["recusal_root"]
        return ok, f"{len(self.pairs)} recusal pairs, root {root[:16]}…" if ok else f"recomputed root {root}"

    def entry_inputs(self) -> tuple[bool, str]:
        """The runs are the `assigned` entries; each run's entities are the picks of its entry, with their frame
        region and an allowed node; the qualifications per item follow the task's committed rule; the team size
        is the task's."""
        if [int(r["seq"]) for r in self.runs] != [int(e["seq"]) for e, _ in self.groups]:
            return False, "the runs are not the assigned entries of the log"
        task = self.package["task"]
        tasks = task.get("tasks") if isinstance(task, Mapping) else None
        rule = task.get("qualifications") if isinstance(task, Mapping) else None
        if tasks is not None and rule is not None:
            expected = item_requirements(tasks, rule["base"], rule["by_line"])
            if expected != self.by_item:
                return False, "the qualifications per item do not follow the rule committed in the task"
        allowed = None
        if tasks:  # every task's node and implementing nodes: tasks drawn jointly may differ in scope
            allowed = {str(n) for t in tasks for n in (t["node"], *t.get("implementing_nodes", ()))}
            if any(i.node not in allowed for i in self.roster):
                return False, "the roster holds an inspector of a node the task does not allow"
        frame = {str(e["uscc"]): e for e in self.package["frame"]}
        for number, (entry, picks) in enumerate(self.groups):
            entities = self.runs[number]["entities"]
            if [e["uscc"] for e in entities] != [p["uscc"] for p in picks]:
                return False, f"run of log entry {entry['seq']}: its entities are not the picks it assigned"
            items = {str(p["uscc"]): p["items"] for p in picks}
            for e in entities:
                if e["region_code"] != frame[e["uscc"]]["region_code"]:
                    return False, f"{e['uscc']}: region differs from the frame"
                if allowed is not None and e["node"] not in allowed:
                    return False, f"{e['uscc']}: node {e['node']} is not an implementing node of the task"
                if tasks and e["node"] != (due := pick_node(tasks, items[e["uscc"]], str(e["region_code"]))):
                    return False, f"{e['uscc']}: node {e['node']} is not the territorial one, {due}"
            if tasks and int(entry["body"]["team_size"]) != max(int(t["team_size"]) for t in tasks):
                return False, f"log entry {entry['seq']}: team size differs from the task's"
            self.inputs(number)
        rule_text = "by the committed rule" if rule is not None else "(no rule committed in the task)"
        return True, f"{len(self.runs)} runs, qualifications of {len(self.by_item)} items {rule_text}"

    def teams_hash(self) -> tuple[bool, str]:
        """Each run's teams, by credential number, hash to its log entry; the credentials are the roster's; the
        entities the entry lists as without a team are exactly those without one."""
        for number, (entry, _) in enumerate(self.groups):
            teams = self.runs[number]["teams"]
            body = entry["body"]
            for uscc, team in teams.items():
                if any(self.credentials.get(m["inspector_id"]) != m["credential_no"] for m in team):
                    return False, f"{uscc}: a credential number is not the roster's"
            if teams_hash(self.profile, teams) != body["teams_hash"] or len(teams) != body["teams"]:
                return False, f"the teams of log entry {entry['seq']} differ from its hash"
            without = sorted(e["uscc"] for e in self.runs[number]["entities"] if e["uscc"] not in teams)
            listed = sorted(f["uscc"] if isinstance(f, Mapping) else f for f in body.get("infeasible", ()))
            if without != listed:
                return False, f"log entry {entry['seq']}: the entities without a team differ from those it lists"
        return True, f"{sum(len(r['teams']) for r in self.runs)} teams in {len(self.runs)} runs"

    def rerun(self) -> tuple[bool, str]:
        for number in range(len(self.runs)):
            again = assign(self.profile, self.key, self.inputs(number))
            logged = self.logged(number)
            if again.teams != logged.teams:
                both = set(again.teams) | set(logged.teams)
                wrong = sorted(u for u in both if again.teams.get(u) != logged.teams.get(u))
                return False, f"re-running the assignment gives other teams for {', '.join(wrong[:3])}"
            if again.infeasible != logged.infeasible:
                return False, "re-running the assignment gives other infeasible entities"
        return True, f"{len(self.runs)} runs re-derived from the seed"

    def check(self) -> tuple[bool, str]:
        worst = 0
        for number in range(len(self.runs)):
            inputs, logged = self.inputs(number), self.logged(number)
            problems = check_assignment(self.profile, self.key, inputs, logged, rerun=False)
            if problems:
                return False, "; ".join(problems[:3])
            worst = max(worst, _spread(inputs, logged))
        return True, f"no violation; worst load spread within a node {worst}"

    def replacements(self) -> tuple[bool, str]:
        logged = [e for e in self.package["log"] if e["kind"] == "team_replaced"]
        by_run: dict[int, list[Replacement]] = {}
        for entry in logged:
            body = dict(entry["body"])
            if "reason_commitment" in body:  # the reason is opened from the package (entries before it: in the body)
                opening = self.section.get("replacement_reasons", {}).get(str(entry["seq"]))
                if opening is None:
                    return False, f"log entry {entry['seq']}: the package does not open its reason"
                if (
                    reason_commitment(self.profile, str(opening["salt"]), str(opening["reason"]))
                    != body["reason_commitment"]
                ):
                    return False, f"log entry {entry['seq']}: the reason does not open its commitment"
                body["reason"] = str(opening["reason"])
            done = Replacement(**{k: body[k] for k in Replacement.__dataclass_fields__})
            number = max((n for n, r in enumerate(self.runs) if done.uscc in r["teams"]), default=None)
            if number is None:
                return False, f"log entry {entry['seq']}: {done.uscc} has no team to change"
            for field, who in (("replaced_credential", done.replaced), ("by_credential", done.by)):
                if field in body and body[field] != self.credentials.get(who):
                    return False, f"log entry {entry['seq']}: {field} is not the roster's"
            by_run.setdefault(number, []).append(done)
        for number, chain in sorted(by_run.items()):
            problems = check_replacements(self.profile, self.key, self.inputs(number), self.logged(number), chain)
            if problems:
                return False, "; ".join(problems)
        return True, f"{len(logged)} replacements replayed (reason allowed, approver named, next eligible in order)"


def _spread(inputs: AssignmentInput, result: Assignment) -> int:
    """The largest max − min load over the available inspectors of one node."""
    by_node: dict[str, list[int]] = {}
    for i in inputs.roster:
        if i.available_on(inputs.draw_date):
            by_node.setdefault(i.node, []).append(result.loads.get(i.inspector_id, 0))
    return max((max(v) - min(v) for v in by_node.values()), default=0)


def audit(profile: Profile, key: bytes, package: Mapping[str, Any]) -> list[tuple[str, bool, str]]:
    """The named assignment checks of an auditor package that carries `assignment` (§9), in AUDIT_CHECKS order:
    (name, passes, detail)."""
    errors = (KeyError, TypeError, ValueError, LookupError, AttributeError)
    try:
        state = _Audit(profile, key, package)
    except errors as error:
        return [(name, False, f"the assignment section cannot be read: {error!r}") for name in AUDIT_CHECKS]
    runs: list[Callable[[], tuple[bool, str]]] = [
        state.roster_root,
        state.recusal_root,
        state.entry_inputs,
        state.teams_hash,
        state.rerun,
        state.check,
        state.replacements,
    ]
    found = []
    for name, run in zip(AUDIT_CHECKS, runs):
        try:
            ok, detail = run()
        except errors as error:
            ok, detail = False, f"{type(error).__name__}: {error}"
        found.append((name, ok, detail))
    return found
