"""Audit entries the identity service writes about accounts acting for themselves."""

from __future__ import annotations

from hrss.audit import AuditRecord, Outcome
from identity.domain.model import Account


def self_record(
    action: str,
    account: Account | None,
    login: str,
    node: str,
    outcome: Outcome,
    code: str,
    before: Account | None = None,
) -> AuditRecord:
    """The audit entry of something an account holder did for themself (login, enrolment, password)."""
    return AuditRecord(
        actor=account.id if account else "anonymous",
        actor_role="self",
        actor_kind="staff",
        action=action,
        object_type="account",
        object_id=account.id if account else "-",
        object_version=account.version if account else None,
        before_hash=before.state_hash() if before else None,
        after_hash=account.state_hash() if account and before else None,
        outcome=outcome,
        detail={"node": account.node if account else node, "login": login, "code": code},
    )
