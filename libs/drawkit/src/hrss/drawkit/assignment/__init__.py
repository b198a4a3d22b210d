"""Inspector assignment (执法检查人员随机匹配, docs/draw-assignment.md). Standard library only: no floating point,
every step re-derivable.

- `territory`: which node inspects an entity (属地实施).
- `model`: the roster entry, the picked entity, the inputs and the resulting teams.
- `eligibility`: who may inspect an entity, and the assignment tickets that order them.
- `solver`: the balanced random-priority assignment.
- `replacement`: replacing a drawn inspector, and replaying the logged replacements.
- `commitments`: the roster, recusal and reason commitments and the teams hash.
- `check`: the auditor's check of one assignment.
- `auditor_json`: what the draw records of the assignment, in the log and the auditor package.
- `package_check`: the named assignment checks of an auditor package.

The names below are those other code imports from `hrss.drawkit.assignment`.
"""

from hrss.drawkit.assignment.auditor_json import (
    CST,
    assigned_body,
    assigned_picks,
    inspector_from,
    inspector_json,
    item_requirements,
    public_assignments,
    requirement,
    run_date,
    run_json,
    section,
    teams_json,
)
from hrss.drawkit.assignment.check import check_assignment
from hrss.drawkit.assignment.commitments import (
    RECUSAL_LEAF,
    REPLACEMENT_REASON,
    ROSTER_LEAF,
    reason_commitment,
    recusal_leaf,
    recusal_root,
    roster_root,
    teams_hash,
)
from hrss.drawkit.assignment.eligibility import (
    ASSIGN_ORDER,
    ASSIGN_TICKET,
    INELIGIBILITY,
    INFEASIBLE_REASONS,
    ineligibility,
    priority,
    ticket,
)
from hrss.drawkit.assignment.model import Assignment, AssignmentInput, Infeasible, Inspector, Member, PickedEntity
from hrss.drawkit.assignment.package_check import AUDIT_CHECKS, audit
from hrss.drawkit.assignment.replacement import (
    REPLACEMENT_REASONS,
    Replacement,
    apply_replacement,
    check_replacements,
    replace_inspector,
)
from hrss.drawkit.assignment.solver import assign
from hrss.drawkit.assignment.territory import holds, pick_node, territorial_node

__all__ = [
    "ASSIGN_ORDER",
    "ASSIGN_TICKET",
    "AUDIT_CHECKS",
    "CST",
    "INELIGIBILITY",
    "INFEASIBLE_REASONS",
    "RECUSAL_LEAF",
    "REPLACEMENT_REASON",
    "REPLACEMENT_REASONS",
    "ROSTER_LEAF",
    "Assignment",
    "AssignmentInput",
    "Infeasible",
    "Inspector",
    "Member",
    "PickedEntity",
    "Replacement",
    "apply_replacement",
    "assign",
    "assigned_body",
    "assigned_picks",
    "audit",
    "check_assignment",
    "check_replacements",
    "holds",
    "ineligibility",
    "inspector_from",
    "inspector_json",
    "item_requirements",
    "pick_node",
    "priority",
    "public_assignments",
    "reason_commitment",
    "recusal_leaf",
    "recusal_root",
    "replace_inspector",
    "requirement",
    "roster_root",
    "run_date",
    "run_json",
    "section",
    "teams_hash",
    "teams_json",
    "territorial_node",
    "ticket",
]
