"""Inspector assignment (执法检查人员随机匹配): eligibility, assignment tickets, the balanced random-priority
assignment, replacement of a drawn inspector, the auditor's check and the roster and recusal commitments
(docs/draw-assignment.md). Standard library only: no floating point, every step re-derivable.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from hrss.drawkit import merkle
from hrss.drawkit.encoding import SHA256, Profile, field_bytes, lp, record

ASSIGN_TICKET = "hrss-draw/v1/assign-ticket"
ASSIGN_ORDER = "hrss-draw/v1/assign-order"
ROSTER_LEAF = "hrss-draw/v1/roster-leaf"
RECUSAL_LEAF = "hrss-draw/v1/recusal-leaf"

# Reasons a drawn inspector may be replaced (004 §9.2.2).
REPLACEMENT_REASONS = {"job_change": "工作调动", "work_conflict": "工作冲突", "health": "身体原因"}

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


@dataclass(frozen=True)
class Inspector:
    """A roster entry. `credential_expires` (YYYY-MM-DD) is the last day the credential is valid."""

    inspector_id: str
    credential_no: str
    node: str
    qualifications: frozenset[str]
    active: bool
    credential_expires: str
    station_region: str
    former_employers: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.inspector_id:
            raise ValueError("an inspector needs an id")
        if date.fromisoformat(self.credential_expires).isoformat() != self.credential_expires:
            raise ValueError(f"{self.inspector_id}: credential_expires must be written YYYY-MM-DD")
        object.__setattr__(self, "qualifications", frozenset(self.qualifications))
        object.__setattr__(self, "former_employers", frozenset(self.former_employers))

    def available_on(self, day: date) -> bool:
        """Active, with a credential valid on `day`."""
        return self.active and day.isoformat() <= self.credential_expires

    def leaf(self, salt: str) -> bytes:
        """The roster leaf record (docs/draw-assignment.md §3)."""
        return record(
            ROSTER_LEAF,
            _salt(salt),
            self.inspector_id,
            self.credential_no,
            self.node,
            _set_field(self.qualifications),
            1 if self.active else 0,
            self.credential_expires,
            self.station_region,
            _set_field(self.former_employers),
        )


@dataclass(frozen=True)
class PickedEntity:
    """A drawn entity: its implementing node (属地实施) and the union of the qualifications its items need."""

    uscc: str
    region_code: str
    node: str
    qualifications: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "qualifications", frozenset(self.qualifications))


@dataclass(frozen=True)
class AssignmentInput:
    """Everything the assignment is a function of, besides the profile and K_a."""

    entities: tuple[PickedEntity, ...]
    roster: tuple[Inspector, ...]
    draw_date: date
    recusals: frozenset[tuple[str, str]] = frozenset()  # declared (inspector_id, uscc) pairs
    team_size: int = 2

    def __post_init__(self) -> None:
        object.__setattr__(self, "entities", tuple(self.entities))
        object.__setattr__(self, "roster", tuple(self.roster))
        object.__setattr__(self, "recusals", frozenset((str(i), str(u)) for i, u in self.recusals))
        if self.team_size < 2:
            raise ValueError("a team has at least 2 inspectors (004 §9.3.2.3)")
        for what, keys in (
            ("uscc", [e.uscc for e in self.entities]),
            ("inspector", [i.inspector_id for i in self.roster]),
        ):
            repeated = [k for k, n in Counter(keys).items() if n > 1]
            if repeated:
                raise ValueError(f"{what} {repeated[0]} appears twice")


@dataclass(frozen=True)
class Member:
    inspector_id: str
    ticket: str  # hex of a(e, i)


@dataclass(frozen=True)
class Infeasible:
    """An entity that cannot get a full team, with the counts that show why."""

    uscc: str
    reason: str
    available: int  # active inspectors of the node with a valid credential
    qualified: int  # of those, holding every required qualification
    eligible: int  # of those, not recused


@dataclass(frozen=True)
class Assignment:
    """Teams (members in ticket order), the load of every roster inspector, and the infeasible entities."""

    teams: Mapping[str, tuple[Member, ...]]
    loads: Mapping[str, int]
    infeasible: tuple[Infeasible, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "teams": {
                u: [{"inspector_id": m.inspector_id, "ticket": m.ticket} for m in t] for u, t in self.teams.items()
            },
            "loads": dict(self.loads),
            "infeasible": [vars(f) for f in self.infeasible],
        }


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


def _order(ix: _Index, entities: Iterable[PickedEntity]) -> list[PickedEntity]:
    """Fewest eligible inspectors first, then p(e), then uscc."""
    return sorted(entities, key=lambda e: (len(ix.eligible(e)), ix.priority(e.uscc), e.uscc))


def assign(profile: Profile, key: bytes, inputs: AssignmentInput) -> Assignment:
    """The assignment of docs/draw-assignment.md §5: greedy least-loaded teams in priority order, ties by
    ticket, then balancing along improving paths until no inspector can pass work to one two or more below."""
    ix = _Index(profile, key, inputs)
    t = inputs.team_size
    loads = {i: 0 for members in ix.members.values() for i in members}
    teams: dict[str, list[str]] = {}
    infeasible = []
    feasible = []
    for e in inputs.entities:
        problem = ix.infeasibility(e, t)
        if problem is None:
            feasible.append(e)
        else:
            infeasible.append(problem)
    order = _order(ix, feasible)
    _greedy(ix, order, t, loads, teams)
    by_node: dict[str, list[PickedEntity]] = {}
    for e in order:
        by_node.setdefault(e.node, []).append(e)
    for node, entities in sorted(by_node.items()):
        _balance(ix, ix.members[node], entities, teams, loads)
    return _result(ix, inputs, teams, loads, infeasible)


def _greedy(ix: _Index, order: list[PickedEntity], t: int, loads: dict[str, int], teams: dict[str, list[str]]) -> None:
    """Each entity in turn takes the t eligible inspectors with the least load, ties by smallest a(e, i) (§5.2)."""
    lps = ix.lps
    for e in order:
        eligible = ix.eligible(e)
        levels = sorted([loads[i] for i in eligible])
        threshold = levels[t - 1]
        if len(levels) == t or levels[t] > threshold:
            team = [i for i in eligible if loads[i] <= threshold]  # exactly t: no tie to break
        else:
            team = [i for i in eligible if loads[i] < threshold]
            copy = ix.ticket_prefix(e.uscc).copy
            tied = []
            for i in eligible:  # the hot loop: written out, no call per ticket
                if loads[i] == threshold:
                    h = copy()
                    h.update(lps[i])
                    tied.append((h.digest(), i))
            wanted = t - len(team)
            team += [min(tied)[1]] if wanted == 1 else [i for _, i in sorted(tied)[:wanted]]
        for i in team:
            loads[i] += 1
        teams[e.uscc] = team


def _result(
    ix: _Index, inputs: AssignmentInput, teams: Mapping[str, Sequence[str]], loads: Mapping[str, int], infeasible: list
) -> Assignment:
    members = {}
    for uscc, team in teams.items():
        of = ix.tickets(uscc)
        members[uscc] = tuple(Member(i, tk.hex()) for tk, i in sorted((of(i), i) for i in team))
    all_loads = {i.inspector_id: loads.get(i.inspector_id, 0) for i in inputs.roster}
    return Assignment(members, all_loads, tuple(sorted(infeasible, key=lambda f: f.uscc)))


def _balance(
    ix: _Index, members: list[str], entities: list[PickedEntity], teams: dict[str, list[str]], loads: dict[str, int]
) -> None:
    """Apply improving paths (§5.3) until none is left."""
    state = _State(ix, entities, teams)
    while True:
        levels = [loads[i] for i in members]
        for level in range(max(levels), min(levels) + 1, -1):
            path = state.improving_path(members, loads, level)
            if path is not None:
                state.shift(path, loads)
                break
        else:
            return


class _State:
    """The teams of one node, with the entities each inspector is on, for path search."""

    def __init__(self, ix: _Index, entities: list[PickedEntity], teams: dict[str, list[str]]) -> None:
        self.ix, self.teams = ix, teams
        self.entity = {e.uscc: e for e in entities}
        self.position = {e.uscc: n for n, e in enumerate(entities)}
        self.on: dict[str, set[str]] = {}
        for e in entities:
            for i in teams[e.uscc]:
                self.on.setdefault(i, set()).add(e.uscc)

    def improving_path(
        self, members: list[str], loads: Mapping[str, int], level: int
    ) -> list[tuple[str, str, str]] | None:
        """A shortest path from an inspector loaded ≥ `level` to one loaded ≤ `level` − 2, as steps (uscc, out, in):
        breadth first, sources by (−load, id), an inspector's entities in processing order, candidates by ticket."""
        sources = sorted((i for i in members if loads[i] >= level), key=lambda i: (-loads[i], i))
        seen = set(sources)
        expanded: set[str] = set()
        parent: dict[str, tuple[str, str]] = {}
        queue = deque(sources)
        while queue:
            x = queue.popleft()
            for uscc in sorted(self.on.get(x, ()), key=self.position.__getitem__):
                if uscc in expanded:
                    continue
                expanded.add(uscc)
                team = self.teams[uscc]
                for _, y in self.ix.ordered(self.entity[uscc]):
                    if y in seen or y in team:
                        continue
                    parent[y] = (x, uscc)
                    if loads[y] <= level - 2:
                        steps = []
                        while y in parent:
                            x, uscc = parent[y]
                            steps.append((uscc, x, y))
                            y = x
                        return steps[::-1]
                    seen.add(y)
                    queue.append(y)
        return None

    def shift(self, steps: list[tuple[str, str, str]], loads: dict[str, int]) -> None:
        for uscc, out, into in steps:
            team = self.teams[uscc]
            team[team.index(out)] = into
            self.on[out].discard(uscc)
            self.on.setdefault(into, set()).add(uscc)
        loads[steps[0][1]] -= 1
        loads[steps[-1][2]] += 1


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


def _salt(salt: str) -> str:
    if len(salt) != 32 or any(c not in "0123456789abcdef" for c in salt):
        raise ValueError("a salt is 32 lower-case hex digits")
    return salt


def _set_field(values: Iterable[str]) -> bytes:
    """A set as one field: lp of each element, sorted by UTF-8 bytes (unambiguous inside its own lp)."""
    return b"".join(lp(field_bytes(v)) for v in sorted(values))


def recusal_leaf(inspector_id: str, uscc: str, salt: str) -> bytes:
    return record(RECUSAL_LEAF, _salt(salt), inspector_id, uscc)


def roster_root(profile: Profile, roster: Iterable[Inspector], salts: Mapping[str, str]) -> bytes:
    """The roster commitment: RFC 6962 root over the roster leaves sorted by inspector_id."""
    ordered = sorted(roster, key=lambda i: i.inspector_id)
    return merkle.root(profile, [i.leaf(salts[i.inspector_id]) for i in ordered])


def recusal_root(profile: Profile, recusals: Iterable[tuple[str, str]], salts: Mapping[tuple[str, str], str]) -> bytes:
    """The recusal commitment: RFC 6962 root over the declared pairs' leaves sorted by (inspector_id, uscc)."""
    return merkle.root(profile, [recusal_leaf(i, u, salts[(i, u)]) for i, u in sorted(set(recusals))])
