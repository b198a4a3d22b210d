"""Replacing a drawn inspector (004 §9.2.2, docs/draw-assignment.md §7) and replaying the logged replacements
(§8)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from hrss.drawkit.assignment.commitments import reason_commitment
from hrss.drawkit.assignment.eligibility import _Index
from hrss.drawkit.assignment.model import Assignment, AssignmentInput, Member
from hrss.drawkit.encoding import Profile

# Reasons a drawn inspector may be replaced (004 §9.2.2).
REPLACEMENT_REASONS = {"job_change": "工作调动", "work_conflict": "工作冲突", "health": "身体原因"}


@dataclass(frozen=True)
class Replacement:
    """The logged record of a replacement: who left the entity's team, who joined, why, approved by whom."""

    uscc: str
    replaced: str
    by: str
    ticket: str  # hex of a(e, by)
    rank: int  # position of `by` in the entity's a(e, ·) order, from 0
    reason: str
    approver: str

    def to_json(self) -> dict[str, object]:
        return dict(vars(self))

    def logged(self, profile: Profile, salt: str) -> dict[str, object]:
        """The body of its `team_replaced` log entry: the reason only as a salted commitment (§7), since a reason
        such as health next to a credential number is personal data, and the log is public as it is."""
        body = {k: v for k, v in vars(self).items() if k != "reason"}
        body["reason_commitment"] = reason_commitment(profile, salt, self.reason)
        return body


def check_replacements(
    profile: Profile, key: bytes, inputs: AssignmentInput, assignment: Assignment, replacements: Sequence[Replacement]
) -> list[str]:
    """Replay the logged replacements in order on `assignment` (§7); the first one that differs is reported."""
    return _check_replacements(profile, key, inputs, assignment, replacements)


def _check_replacements(
    profile: Profile, key: bytes, inputs: AssignmentInput, assignment: Assignment, replacements: Sequence[Replacement]
) -> list[str]:
    history: list[Replacement] = []
    for n, logged in enumerate(replacements, 1):
        try:
            expected = replace_inspector(
                profile, key, inputs, assignment, logged.uscc, logged.replaced, logged.reason, logged.approver, history
            )
        except (LookupError, ValueError) as error:
            return [f"replacement: #{n} cannot be replayed: {error}"]
        if expected != logged:
            return [f"replacement: #{n} should be {expected.to_json()}"]
        assignment = apply_replacement(assignment, logged)
        history.append(logged)
    return []


def replace_inspector(
    profile: Profile,
    key: bytes,
    inputs: AssignmentInput,
    assignment: Assignment,
    uscc: str,
    inspector_id: str,
    reason: str,
    approver: str,
    history: Sequence[Replacement] = (),
) -> Replacement:
    """The record that replaces `inspector_id` on `uscc`'s team by the first inspector of the entity's a(e, ·) order
    who is eligible, not on the team and was never replaced out of it. `history`: the earlier replacements,
    already applied to `assignment`. ValueError for a bad reason or approver, LookupError if nobody is left."""
    if reason not in REPLACEMENT_REASONS:
        allowed = "、".join(f"{code}（{text}）" for code, text in REPLACEMENT_REASONS.items())
        raise ValueError(f"更换检查人员的理由须为：{allowed}；收到 {reason!r}")
    if not approver.strip():
        raise ValueError("更换检查人员须经实施机构负责人批准：approver 不能为空")
    team = assignment.teams.get(uscc)
    if team is None:
        raise LookupError(f"{uscc} has no team")
    if inspector_id not in {m.inspector_id for m in team}:
        raise LookupError(f"{inspector_id} is not on the team of {uscc}")
    entity = next((e for e in inputs.entities if e.uscc == uscc), None)
    if entity is None:
        raise LookupError(f"{uscc} is not a picked entity of the inputs")
    excluded = {m.inspector_id for m in team} | {r.replaced for r in history if r.uscc == uscc}
    for rank, (tk, candidate) in enumerate(_Index(profile, key, inputs).ordered(entity)):
        if candidate not in excluded:
            return Replacement(uscc, inspector_id, candidate, tk.hex(), rank, reason, approver)
    raise LookupError(f"no eligible inspector is left to replace {inspector_id} on {uscc}")


def apply_replacement(assignment: Assignment, done: Replacement) -> Assignment:
    """The assignment after a replacement: the new member takes the replaced one's place; loads follow."""
    team = tuple(
        Member(done.by, done.ticket) if m.inspector_id == done.replaced else m for m in assignment.teams[done.uscc]
    )
    loads = dict(assignment.loads)
    loads[done.replaced] -= 1
    loads[done.by] += 1
    return replace(assignment, teams={**assignment.teams, done.uscc: team}, loads=loads)
