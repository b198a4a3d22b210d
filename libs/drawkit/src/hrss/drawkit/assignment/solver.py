"""The balanced random-priority assignment (docs/draw-assignment.md §5): greedy least-loaded teams in priority
order, then balancing along improving paths."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress, repeat

from hrss.drawkit.assignment.eligibility import _Index
from hrss.drawkit.assignment.model import Assignment, AssignmentInput, Member, PickedEntity
from hrss.drawkit.encoding import Profile


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
            ranked = list(zip(map(digest, states), tied))
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
