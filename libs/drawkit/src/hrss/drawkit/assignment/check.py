"""The auditor's check of one assignment (docs/draw-assignment.md §8): coverage, infeasibility, team size,
eligibility, tickets, order, loads, balance, the re-run and the replacements."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from hrss.drawkit.assignment.eligibility import _Index
from hrss.drawkit.assignment.model import Assignment, AssignmentInput
from hrss.drawkit.assignment.replacement import Replacement, _check_replacements
from hrss.drawkit.assignment.solver import _State, assign
from hrss.drawkit.encoding import Profile


def check_assignment(
    profile: Profile,
    key: bytes,
    inputs: AssignmentInput,
    assignment: Assignment,
    replacements: Sequence[Replacement] = (),
    rerun: bool = True,
) -> list[str]:
    """The auditor's check (§7): the problems found, each as "check: detail"; an empty list means it passes."""
    ix = _Index(profile, key, inputs)
    t = inputs.team_size
    problems: list[str] = []
    entities = {e.uscc: e for e in inputs.entities}
    said = {f.uscc: f for f in assignment.infeasible}
    for e in inputs.entities:
        expected = ix.infeasibility(e, t)
        if expected is None and e.uscc not in assignment.teams:
            problems.append(f"coverage: {e.uscc} has {len(ix.eligible(e))} eligible inspectors but no team")
        if expected is not None and said.get(e.uscc) != expected:
            problems.append(f"infeasible: {e.uscc} should be reported as {expected}")
    for uscc in sorted(set(said) - {u for u, e in entities.items() if ix.infeasibility(e, t)}):
        problems.append(f"infeasible: {uscc} is reported infeasible but is not")
    counts: Counter[str] = Counter()
    for uscc, team in assignment.teams.items():
        picked = entities.get(uscc)
        if picked is None or uscc in said:
            problems.append(f"coverage: {uscc} has a team but is not a feasible picked entity")
            continue
        ids = [m.inspector_id for m in team]
        if len(ids) != t:
            problems.append(f"team_size: {uscc} has {len(ids)} members, not {t}")
        if len(set(ids)) != len(ids):
            problems.append(f"duplicate: {uscc} lists a member twice")
        of = ix.tickets(uscc)
        for m in team:
            why = ix.why_not(picked, m.inspector_id)
            if why:
                problems.append(f"eligibility: {m.inspector_id} on {uscc}: {why}")
            elif m.ticket != of(m.inspector_id).hex():
                problems.append(f"ticket: {m.inspector_id} on {uscc}")
        if [(m.ticket, m.inspector_id) for m in team] != sorted((m.ticket, m.inspector_id) for m in team):
            problems.append(f"order: {uscc} is not in ticket order")
        counts.update(set(ids))
    if dict(assignment.loads) != {i.inspector_id: counts[i.inspector_id] for i in inputs.roster}:
        problems.append("loads: the loads are not the members' team counts over the roster")
    if not problems:
        problems += _check_balance(ix, inputs, assignment)
    if rerun and not problems and assign(profile, key, inputs) != assignment:
        problems.append("rerun: the algorithm re-run on the inputs gives a different assignment")
    problems += _check_replacements(profile, key, inputs, assignment, replacements)
    return problems


def _check_balance(ix: _Index, inputs: AssignmentInput, assignment: Assignment) -> list[str]:
    problems = []
    teams = {u: [m.inspector_id for m in team] for u, team in assignment.teams.items()}
    for node, members in sorted(ix.members.items()):
        levels = [assignment.loads[i] for i in members]
        if max(levels) - min(levels) <= 1:
            continue
        state = _State(ix, [e for e in inputs.entities if e.node == node and e.uscc in teams], teams)
        for level in range(max(levels), min(levels) + 1, -1):
            if state.improving_path(members, assignment.loads, level) is not None:
                problems.append(f"balance: node {node} has an improving path at load {level}")
                break
    return problems
