"""Inspector assignment (执法检查人员随机匹配): eligibility, assignment tickets, the balanced random-priority
assignment, replacement of a drawn inspector, the auditor's check and the roster and recusal commitments
(docs/draw-assignment.md). Standard library only: no floating point, every step re-derivable.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from itertools import compress, repeat
from typing import Any

from hrss.drawkit import merkle
from hrss.drawkit.encoding import SHA256, Profile, canonical_json, field_bytes, lp, record

ASSIGN_TICKET = "hrss-draw/v1/assign-ticket"
ASSIGN_ORDER = "hrss-draw/v1/assign-order"
REPLACEMENT_REASON = "hrss-draw/v1/replacement-reason"
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


def _width(node: str) -> int:
    """How many leading digits of a region code a node's territory fixes: 2 for a province (`xx0000`), 4 for a
    city (`xxxx00`), 6 for a county; the deeper the node, the wider."""
    return 2 if node.endswith("0000") else 4 if node.endswith("00") else 6


def holds(node: str, region_code: str) -> bool:
    """True if the territory of `node` holds the region `region_code` (six-digit codes; the rule of
    hrss.contracts.Node.contains, restated here because the verifier uses the standard library only)."""
    width = _width(node)
    return region_code == node if width == 6 else region_code[:width] == node[:width]


def territorial_node(task: Mapping[str, Any], region_code: str) -> str:
    """The node that inspects an entity of `region_code` for `task` (属地实施, docs/draw-assignment.md §1): for a
    unified task, the deepest of its implementing nodes whose territory holds the region (the task's own node if
    none does); for a node's own task, that node."""
    if not task.get("unified"):
        return str(task["node"])
    holders = [str(n) for n in task.get("implementing_nodes", ()) if holds(str(n), region_code)]
    return max(holders, key=_width, default=str(task["node"]))


def pick_node(tasks: Sequence[Mapping[str, Any]], items: Iterable[str], region_code: str) -> str:
    """The node that inspects a pick of tasks drawn jointly: `territorial_node` of the first task whose items
    (`<task_id>:<item_id>`) it was drawn for, else of the first task."""
    wanted = list(items)
    for task in tasks:
        if any(item.startswith(f"{task['task_id']}:") for item in wanted):
            return territorial_node(task, region_code)
    return territorial_node(tasks[0], region_code)


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

    def logged(self, profile: Profile, salt: str) -> dict[str, object]:
        """The body of its `team_replaced` log entry: the reason only as a salted commitment (§7), since a reason
        such as health next to a credential number is personal data, and the log is public as it is."""
        body = {k: v for k, v in vars(self).items() if k != "reason"}
        body["reason_commitment"] = reason_commitment(profile, salt, self.reason)
        return body


def reason_commitment(profile: Profile, salt: str, reason: str) -> str:
    """hex H(record(REPLACEMENT_REASON, salt, reason)): `salt` is 32 hex digits of fresh randomness."""
    if len(salt) != 32 or salt.strip("0123456789abcdef"):
        raise ValueError("a reason's salt is 32 lower-case hex digits")
    return profile.hash(record(REPLACEMENT_REASON, salt, reason)).hex()


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
    """Each entity in turn takes the t eligible inspectors with the least load, ties by smallest a(e, i) (§5.3).

    Written for speed, with the same result as sorting E(e) by (load, a(e, i), inspector_id): the loads are read,
    compared and counted by C iterators (`map`, `compress`, `count`, `min`), never by a Python loop over E(e), and
    a ticket is computed only for an inspector tied at the threshold load (the t-th smallest), where it decides.
    """
    lps = ix.lps
    get = loads.__getitem__
    kind = type(ix.ticket_prefix(""))
    copy, update, digest = kind.copy, kind.update, kind.digest
    for e in order:
        eligible = ix.eligible(e)
        levels = list(map(get, eligible))
        threshold = min(levels)
        below = 0  # inspectors loaded strictly less than the threshold: all of them are on the team
        at = levels.count(threshold)
        while below + at < t:
            below += at
            threshold = min(filter(threshold.__lt__, levels))
            at = levels.count(threshold)
        team = list(compress(eligible, map(threshold.__gt__, levels))) if below else []
        tied = list(compress(eligible, map(threshold.__eq__, levels)))
        if below + at == t:  # exactly t: no tie to break
            team += tied
        else:  # the hot path: a(e, i) of every tied inspector, the hash object's own methods mapped in C
            states = list(map(copy, repeat(ix.ticket_prefix(e.uscc), len(tied))))
            any(map(update, states, map(lps.__getitem__, tied)))  # update returns None: any() runs them all
            ranked = list(zip(map(digest, states), tied, strict=True))
            wanted = t - below
            first = min(ranked)
            if wanted == 1:
                team.append(first[1])
            elif wanted == 2:
                ranked.remove(first)
                team += [first[1], min(ranked)[1]]
            else:
                team += [i for _, i in sorted(ranked)[:wanted]]
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


# The assignment in the auditor package (docs/draw-assignment.md §9): what the draw records, and the auditor's
# re-run of it. Nothing here goes into the public record: the roster, the recusal pairs and the salts are the
# auditor's only.

CST = timezone(timedelta(hours=8))
AUDIT_CHECKS = (
    "assignment.roster_root",
    "assignment.recusal_root",
    "assignment.inputs",
    "assignment.teams_hash",
    "assignment.rerun",
    "assignment.check",
    "assignment.replacements",
)


def item_requirements(
    tasks: Sequence[Mapping[str, Any]], base: Iterable[str], by_line: Mapping[str, Iterable[str]]
) -> dict[str, list[str]]:
    """`task_id:item_id` → the qualifications a team member needs for that item: the base ones plus those of the
    item's line of business (业务条线), sorted."""
    common = set(base)
    return {
        f"{task['task_id']}:{item['item_id']}": sorted(common | set(by_line.get(str(item.get("line") or ""), ())))
        for task in tasks
        for item in task["items"]
    }


def requirement(items: Iterable[str], by_item: Mapping[str, Iterable[str]]) -> frozenset[str]:
    """The union of what the entity's items need (KeyError for an item the map does not name)."""
    return frozenset(q for item in items for q in by_item[item])


def inspector_json(inspector: Inspector, salt: str) -> dict[str, Any]:
    """A roster leaf as the auditor receives it: every field of §3 and its salt."""
    return {
        "inspector_id": inspector.inspector_id,
        "credential_no": inspector.credential_no,
        "node": inspector.node,
        "qualifications": sorted(inspector.qualifications),
        "active": inspector.active,
        "credential_expires": inspector.credential_expires,
        "station_region": inspector.station_region,
        "former_employers": sorted(inspector.former_employers),
        "salt": salt,
    }


def inspector_from(data: Mapping[str, Any]) -> Inspector:
    if not isinstance(data["active"], bool):
        raise TypeError("active must be true or false")
    return Inspector(
        inspector_id=str(data["inspector_id"]),
        credential_no=str(data["credential_no"]),
        node=str(data["node"]),
        qualifications=frozenset(str(q) for q in data["qualifications"]),
        active=data["active"],
        credential_expires=str(data["credential_expires"]),
        station_region=str(data["station_region"]),
        former_employers=frozenset(str(u) for u in data["former_employers"]),
    )


def teams_json(result: Assignment, credentials: Mapping[str, str]) -> dict[str, list[dict[str, str]]]:
    """The teams with each member's id, credential number and ticket, sorted by uscc."""
    return {
        uscc: [
            {"inspector_id": m.inspector_id, "credential_no": credentials[m.inspector_id], "ticket": m.ticket}
            for m in team
        ]
        for uscc, team in sorted(result.teams.items())
    }


def teams_hash(profile: Profile, teams: Mapping[str, Sequence[Mapping[str, str]]]) -> str:
    """H(canonical JSON of uscc → [credential_no, …] in member order): what the public log holds of the teams."""
    public = {uscc: [m["credential_no"] for m in team] for uscc, team in sorted(teams.items())}
    return profile.hash(canonical_json(public)).hex()


def assigned_body(
    profile: Profile, inputs: AssignmentInput, result: Assignment, credentials: Mapping[str, str]
) -> dict[str, Any]:
    """The body of the public `assigned` log entry. Infeasible entities are listed by uscc only: their reasons and
    counts hint at recusal relations (§5.5), and the auditor re-derives them."""
    return {
        "teams": len(result.teams),
        "teams_hash": teams_hash(profile, teams_json(result, credentials)),
        "team_size": inputs.team_size,
        "draw_date": inputs.draw_date.isoformat(),
        "infeasible": [f.uscc for f in result.infeasible],
    }


def run_json(seq: int, inputs: AssignmentInput, teams: Mapping[str, Sequence[Mapping[str, str]]]) -> dict[str, Any]:
    """One assignment run of the auditor package: the `assigned` log entry it belongs to, its entities (their
    qualifications follow from their picks' items) and the teams it gave."""
    return {
        "seq": seq,
        "entities": [{"uscc": e.uscc, "region_code": e.region_code, "node": e.node} for e in inputs.entities],
        "teams": {u: [dict(m) for m in t] for u, t in sorted(teams.items())},
    }


def section(
    roster: Sequence[Mapping[str, Any]],
    recusal: Sequence[Mapping[str, Any]],
    by_item: Mapping[str, Sequence[str]],
    runs: Sequence[Mapping[str, Any]],
    reasons: Mapping[int, Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """The auditor package's `assignment`: roster leaves with salts, recusal pairs with salts, the qualifications
    per item, every run, and the opening `{reason, salt}` of each `team_replaced` entry's reason, by its seq."""
    return {
        "roster": [dict(r) for r in roster],
        "recusal": [dict(r) for r in recusal],
        "qualifications": {k: sorted(v) for k, v in sorted(by_item.items())},
        "runs": [dict(r) for r in runs],
        "replacement_reasons": {str(seq): dict(o) for seq, o in sorted((reasons or {}).items())},
    }


def assigned_picks(package: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], list[Mapping[str, Any]]]]:
    """Each `assigned` log entry with the picks it assigned: those of the entry (drawn, replaced or expanded)
    that precedes it (picks of an entry no `assigned` entry follows have no run)."""
    picks, found, position, pending = list(package["picks"]), [], 0, 0
    added = {"drawn": lambda b: int(b["picks"]), "replaced": lambda b: 1, "expanded": lambda b: len(b["picks"])}
    for entry in package["log"]:
        if entry["kind"] in added:
            position += pending
            pending = added[entry["kind"]](entry["body"])
        elif entry["kind"] == "assigned":
            found.append((entry, picks[position : position + pending]))
            position += pending
            pending = 0
    return found


def run_date(entry: Mapping[str, Any]) -> date:
    """The draw date of an `assigned` log entry: its `draw_date`, else (entries logged before it was recorded) the
    calendar day of its instant in UTC+8."""
    given = entry["body"].get("draw_date")
    if given is not None:
        return date.fromisoformat(str(given))
    return datetime.fromisoformat(str(entry["at"])).astimezone(CST).date()


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
    for name, run in zip(AUDIT_CHECKS, runs, strict=True):
        try:
            ok, detail = run()
        except errors as error:
            ok, detail = False, f"{type(error).__name__}: {error}"
        found.append((name, ok, detail))
    return found
