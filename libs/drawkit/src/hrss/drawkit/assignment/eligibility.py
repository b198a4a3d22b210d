"""Who may inspect an entity and in what order (docs/draw-assignment.md §4–5): the assignment tickets a(e, i) and
p(e), and the index of available, qualified and non-recused inspectors the solver, the replacement and the
auditor's check look up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hrss.drawkit.assignment.model import AssignmentInput, Infeasible, PickedEntity
from hrss.drawkit.encoding import SHA256, Profile, field_bytes, lp, record

ASSIGN_TICKET = "hrss-draw/v1/assign-ticket"
ASSIGN_ORDER = "hrss-draw/v1/assign-order"

INFEASIBLE_REASONS = {
    "too_few_in_node": "实施节点在岗且执法证有效的检查人员不足",
    "too_few_qualified": "具备检查事项所需资格的检查人员不足",
    "too_few_after_recusal": "回避后可派检查人员不足",
}

# Why an inspector may not inspect an entity; "" when eligible.
INELIGIBILITY = {
    "unknown": "不在执法检查人员名录库中",
    "inactive": "不在岗",
    "credential_expired": "执法证件已过有效期",
    "wrong_node": "不属于实施节点",
    "unqualified": "不具备检查事项所需资格",
    "recused_declared": "申报回避",
    "recused_former_employer": "曾在该单位任职，应回避",
}


def ticket(profile: Profile, key: bytes, uscc: str, inspector_id: str) -> bytes:
    """a(e, i) = H(record(ASSIGN_TICKET, K_a, uscc, inspector_id))."""
    return profile.hash(record(ASSIGN_TICKET, key, uscc, inspector_id))


def priority(profile: Profile, key: bytes, uscc: str) -> bytes:
    """p(e) = H(record(ASSIGN_ORDER, K_a, uscc)): breaks ties in the processing order."""
    return profile.hash(record(ASSIGN_ORDER, key, uscc))


class _Index:
    """What the algorithm looks up, built once: available inspectors by node, recusals by entity, qualified
    inspectors by (node, requirement), and each entity's eligible inspectors in a(e, ·) order."""

    def __init__(self, profile: Profile, key: bytes, inputs: AssignmentInput) -> None:
        self.profile, self.key, self.day = profile, key, inputs.draw_date
        self.by_id = {i.inspector_id: i for i in inputs.roster}
        self.members: dict[str, list[str]] = {}
        for i in sorted(inputs.roster, key=lambda i: i.inspector_id):
            if i.available_on(self.day):
                self.members.setdefault(i.node, []).append(i.inspector_id)
        self.declared: dict[str, set[str]] = {}
        for inspector_id, uscc in inputs.recusals:
            self.declared.setdefault(uscc, set()).add(inspector_id)
        self.blocked = {u: set(ids) for u, ids in self.declared.items()}
        for i in inputs.roster:
            for uscc in i.former_employers:
                self.blocked.setdefault(uscc, set()).add(i.inspector_id)
        self._qualified: dict[tuple[str, frozenset[str]], list[str]] = {}
        self._ordered: dict[str, list[tuple[bytes, str]]] = {}
        self._eligible: dict[str, list[str]] = {}
        self.lps = {i: lp(field_bytes(i)) for i in self.by_id}
        # record(tag, K_a, uscc, …) begins with record(tag, K_a): hash that prefix once.
        self._ticket_base = profile.new(record(ASSIGN_TICKET, key))
        self._order_base = profile.new(record(ASSIGN_ORDER, key))

    def priority(self, uscc: str) -> bytes:
        h = self._order_base.copy()
        h.update(lp(field_bytes(uscc)))
        return bytes(h.digest())

    def qualified(self, e: PickedEntity) -> list[str]:
        found = self._qualified.get((e.node, e.qualifications))
        if found is None:
            need, by_id = e.qualifications, self.by_id
            found = [i for i in self.members.get(e.node, ()) if need <= by_id[i].qualifications]
            self._qualified[(e.node, e.qualifications)] = found
        return found

    def eligible(self, e: PickedEntity) -> list[str]:
        """Eligible inspectors in inspector_id order."""
        blocked = self.blocked.get(e.uscc)
        if not blocked:
            return self.qualified(e)
        found = self._eligible.get(e.uscc)
        if found is None:
            found = self._eligible[e.uscc] = [i for i in self.qualified(e) if i not in blocked]
        return found

    def ticket_prefix(self, uscc: str) -> Any:
        """The hash state after record(ASSIGN_TICKET, K_a, uscc): a(e, i) appends lp(inspector_id)."""
        prefix = self._ticket_base.copy()
        prefix.update(lp(field_bytes(uscc)))
        return prefix

    def tickets(self, uscc: str) -> Callable[[str], bytes]:
        prefix = self.ticket_prefix(uscc)
        lps = self.lps

        def of(inspector_id: str) -> bytes:
            h = prefix.copy()
            h.update(lps[inspector_id])
            return bytes(h.digest())

        return of

    def ordered(self, e: PickedEntity) -> list[tuple[bytes, str]]:
        """The entity's eligible inspectors sorted by (a(e, i), inspector_id)."""
        found = self._ordered.get(e.uscc)
        if found is None:
            of = self.tickets(e.uscc)
            found = sorted((of(i), i) for i in self.eligible(e))
            self._ordered[e.uscc] = found
        return found

    def why_not(self, e: PickedEntity, inspector_id: str) -> str:
        """The first ineligibility code that applies, "" if the inspector is eligible for the entity."""
        i = self.by_id.get(inspector_id)
        if i is None:
            return "unknown"
        if not i.active:
            return "inactive"
        if not i.available_on(self.day):
            return "credential_expired"
        if i.node != e.node:
            return "wrong_node"
        if not e.qualifications <= i.qualifications:
            return "unqualified"
        if inspector_id in self.declared.get(e.uscc, ()):
            return "recused_declared"
        if e.uscc in i.former_employers:
            return "recused_former_employer"
        return ""

    def infeasibility(self, e: PickedEntity, team_size: int) -> Infeasible | None:
        available = len(self.members.get(e.node, ()))
        qualified = len(self.qualified(e))
        eligible = len(self.eligible(e))
        if eligible >= team_size:
            return None
        if available < team_size:
            reason = "too_few_in_node"
        elif qualified < team_size:
            reason = "too_few_qualified"
        else:
            reason = "too_few_after_recusal"
        return Infeasible(e.uscc, reason, available, qualified, eligible)


def ineligibility(inputs: AssignmentInput, entity: PickedEntity, inspector_id: str) -> str:
    """Why `inspector_id` may not inspect `entity` (a code of INELIGIBILITY), or "" if it may."""
    return _Index(SHA256, b"", inputs).why_not(entity, inspector_id)
