"""Who may read or borrow an archive (004 §12.4): a request, approved by the department head (部门负责人) and
the leader in charge (分管领导) — two different people, neither of them the requester — gives a grant for the
named archive versions, purpose and time; every read is checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from evidence.domain.errors import AccessRefused, Conflict

POSITIONS = {"department_head": "部门负责人", "leader_in_charge": "分管领导"}
CONDITIONS = {"intact": "完好", "damaged": "损坏", "missing": "缺失"}


@dataclass(frozen=True)
class Decision:
    position: str
    decision: str  # approve | refuse
    approver: str


def check_decision(requester: str, approver: str, position: str, earlier: list[Decision]) -> None:
    """Refuse a decision that the rules do not allow; else return."""
    if approver == requester:
        raise AccessRefused("access.self_approval", "申请人不能审批自己的查阅或借阅申请")
    if any(d.decision == "refuse" for d in earlier):
        raise Conflict("access.request_refused", "该申请已被拒绝")
    if any(d.position == position for d in earlier):
        raise Conflict("access.position_decided", f"{POSITIONS[position]}已对该申请作出审批")
    if any(d.approver == approver for d in earlier):
        raise AccessRefused(
            "access.same_approver", "部门负责人和分管领导须由两名不同人员审批，同一人不能以两种职务审批"
        )


def granted(decisions: list[Decision]) -> bool:
    """True when both positions approved."""
    return {d.position for d in decisions if d.decision == "approve"} == set(POSITIONS)


@dataclass(frozen=True)
class Grant:
    grant_id: str
    archive_id: str
    versions: tuple[int, ...]
    mode: str
    grantee: str
    valid_from: datetime
    valid_until: datetime


def check_grant(
    grant: Grant | None, reader: str, archive_id: str, version: int, now: datetime, mode: str = "read"
) -> None:
    """Raise `AccessRefused` unless `grant` lets `reader` read `version` of `archive_id` at `now`."""
    if grant is None:
        raise AccessRefused("access.grant_required", "查阅已归档档案须经部门负责人和分管领导批准，请先提出查阅申请")
    if grant.grantee != reader:
        raise AccessRefused("access.grant_not_yours", "该批准记录属于其他人员，不能使用")
    if grant.archive_id != archive_id or version not in grant.versions:
        raise AccessRefused(
            "access.grant_out_of_scope",
            f"批准范围为档案 {grant.archive_id} 第 {'、'.join(map(str, grant.versions))} 版，不含所请求的内容",
        )
    if mode == "borrow" and grant.mode != "borrow":
        raise AccessRefused("access.grant_read_only", "该批准仅限查阅，不含借阅")
    if not grant.valid_from <= now < grant.valid_until:
        raise AccessRefused("access.grant_expired", f"批准已于 {grant.valid_until.isoformat()} 到期，请重新申请")
