"""In-memory stand-ins for the inspection service's adapters, for handler tests in milliseconds. The fake
repository behaves as the SQL one does (tests/integration/test_repository_contract.py runs both)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from inspection.adapters.repository import InspectionRepository, Tasks, Team
from inspection.domain.deadlines import Deadline
from inspection.domain.model import (
    ApprovedResult,
    Closure,
    DocumentNumber,
    FieldSubmission,
    FollowUp,
    FollowUpStep,
    NodeSettings,
    Notice,
    OverdueFlag,
    Publication,
    ReceivedAssignment,
    ResultHead,
    ResultState,
    ResultVersion,
    Review,
    Step,
    TeamChange,
    Visit,
    Withdrawal,
)


class FakeInspectionRepository(InspectionRepository):
    """The inspection repository in lists and dicts; locks are not needed in one thread."""

    def __init__(self) -> None:
        self.visits: dict[str, Visit] = {}
        self.assignments: dict[str, ReceivedAssignment] = {}
        self.teams: dict[str, tuple[str, Team]] = {}  # assignment id -> (visit id, current team)
        self.team_changes: list[TeamChange] = []
        self.withdrawals: dict[str, Withdrawal] = {}
        self.steps: list[Step] = []
        self.notices: list[Notice] = []
        self.settings: list[NodeSettings] = []
        self.numbers: list[DocumentNumber] = []
        self.results: dict[str, ResultHead] = {}
        self.versions: dict[tuple[str, int], ResultVersion] = {}
        self.reviews: dict[tuple[str, int], Review] = {}
        self.follow_ups: dict[str, FollowUp] = {}
        self.follow_up_entries: list[FollowUpStep] = []
        self.publications: dict[str, Publication] = {}
        self.field_submissions: dict[str, FieldSubmission] = {}
        self.published_tasks: dict[str, datetime] = {}
        self.overdue: dict[tuple[str, str], OverdueFlag] = {}

    def visit(self, visit_id: str, lock: bool = False) -> Visit | None:
        found = self.visits.get(visit_id)
        return None if found is None else replace(found)

    def lock_visit_key(self, node: str, uscc: str, period: int) -> None:
        pass

    def latest_visit(self, node: str, uscc: str, period: int) -> Visit | None:
        keyed = [v for v in self.visits.values() if (v.node, v.uscc, v.period) == (node, uscc, period)]
        return replace(max(keyed, key=lambda v: v.seq)) if keyed else None

    def add_visit(self, opened: Visit) -> None:
        self.visits[opened.visit_id] = replace(opened)

    def update_visit(self, visit_id: str, tasks: Tasks, team: Team, due: date, announced: bool) -> None:
        ids = [m["inspector_id"] for m in team]
        old = self.visits[visit_id]
        self.visits[visit_id] = replace(old, tasks=tasks, team=team, inspector_ids=ids, due=due, announced=announced)

    def has_result(self, visit_id: str) -> bool:
        return any(r.visit_id == visit_id for r in self.results.values())

    def has_approved_result(self, visit_id: str) -> bool:
        mine = {r.result_id for r in self.results.values() if r.visit_id == visit_id}
        return any(d.approved and d.result_id in mine for d in self.reviews.values())

    def result_state(self, visit_id: str) -> ResultState | None:
        head = next((r for r in self.results.values() if r.visit_id == visit_id), None)
        if head is None:
            return None
        latest = max((v for r, v in self.versions if r == head.result_id), default=0)
        decided = self.reviews.get((head.result_id, latest))
        return ResultState(head.result_id, latest, None if decided is None else decided.approved)

    def result(self, result_id: str) -> ResultHead | None:
        return self.results.get(result_id)

    def add_result(self, head: ResultHead) -> None:
        if any(r.visit_id == head.visit_id for r in self.results.values()):
            raise ValueError(f"visit {head.visit_id} has a result already")  # a unique column in SQL
        self.results[head.result_id] = head

    def result_version(self, result_id: str, version: int) -> ResultVersion | None:
        return self.versions.get((result_id, version))

    def add_result_version(self, submitted: ResultVersion) -> None:
        key = (submitted.result_id, submitted.version)
        if key in self.versions:
            raise ValueError(f"version {key} kept already")  # the primary key in SQL
        self.versions[key] = submitted

    def add_review(self, decided: Review) -> None:
        key = (decided.result_id, decided.version)
        if key in self.reviews:
            raise ValueError(f"decision on {key} kept already")  # the primary key in SQL
        self.reviews[key] = decided

    def approved_version(self, result_id: str) -> tuple[ResultVersion, Review] | None:
        decided = [d for d in self.reviews.values() if d.result_id == result_id and d.approved]
        return (self.versions[(result_id, decided[0].version)], decided[0]) if decided else None

    def approved_forms(self, prefixes: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
        return [
            (d.result_id, self.versions[(d.result_id, d.version)].form)
            for d in self.reviews.values()
            if d.approved and self.visits[self.results[d.result_id].visit_id].node.startswith(prefixes)
        ]

    def follow_up(self, follow_up_id: str) -> FollowUp | None:
        return self.follow_ups.get(follow_up_id)

    def add_follow_up(self, opened: FollowUp) -> None:
        self.follow_ups[opened.follow_up_id] = opened

    def lock_follow_up(self, follow_up_id: str) -> None:
        pass

    def follow_up_steps(self, follow_up_id: str) -> list[FollowUpStep]:
        return sorted((e for e in self.follow_up_entries if e.follow_up_id == follow_up_id), key=lambda e: e.seq)

    def add_follow_up_step(self, step: FollowUpStep) -> None:
        if any((e.follow_up_id, e.seq) == (step.follow_up_id, step.seq) for e in self.follow_up_entries):
            raise ValueError(f"step {step.seq} of {step.follow_up_id} kept already")  # the primary key in SQL
        self.follow_up_entries.append(step)

    def follow_ups_closed(self, result_ids: list[str]) -> dict[str, bool]:
        closed = {e.follow_up_id for e in self.follow_up_entries if e.kind == "closed"}
        out: dict[str, bool] = {}
        for f in self.follow_ups.values():
            if f.result_id in result_ids:
                out[f.result_id] = out.get(f.result_id, True) and f.follow_up_id in closed
        return out

    def publication(self, result_id: str) -> Publication | None:
        return self.publications.get(result_id)

    def add_publication(self, record: Publication) -> None:
        if record.result_id in self.publications:
            raise ValueError(f"result {record.result_id} published already")  # the primary key in SQL
        self.publications[record.result_id] = record

    def visit_of_assignment(self, assignment_id: str) -> str | None:
        found = self.assignments.get(assignment_id)
        return None if found is None else found.visit_id

    def add_assignment(self, received: ReceivedAssignment, team: Team) -> None:
        self.assignments[received.assignment_id] = received
        self.teams[received.assignment_id] = (received.visit_id, team)

    def assignment_ids(self, visit_id: str) -> list[str]:
        kept = [
            a for a in self.assignments.values() if a.visit_id == visit_id and a.assignment_id not in self.withdrawals
        ]
        return [a.assignment_id for a in sorted(kept, key=lambda a: (a.received_at, a.assignment_id))]

    def current_teams(self, visit_id: str) -> list[Team]:
        return [team for a, (v, team) in sorted(self.teams.items()) if v == visit_id and a not in self.withdrawals]

    def visit_of_team(self, assignment_id: str) -> str | None:
        found = self.teams.get(assignment_id)
        return None if found is None else found[0]

    def set_team(self, assignment_id: str, team: Team) -> None:
        if assignment_id in self.teams:
            self.teams[assignment_id] = (self.teams[assignment_id][0], team)

    def add_team_change(self, change: TeamChange) -> None:
        if any(c.event_id == change.event_id for c in self.team_changes):
            raise ValueError(f"team change event {change.event_id} kept already")  # a unique column in SQL
        self.team_changes.append(change)

    def latest_team_change(self, assignment_id: str) -> Team | None:
        mine = [(c.changed_at, n, c) for n, c in enumerate(self.team_changes) if c.assignment_id == assignment_id]
        return list(max(mine, key=lambda x: (x[0], x[1]))[2].team) if mine else None

    def active_assignments_of_draw(self, draw_id: str) -> dict[str, list[str]]:
        by_visit: dict[str, list[str]] = {}
        for a in self.assignments.values():
            if a.draw_id == draw_id and a.assignment_id not in self.withdrawals:
                by_visit.setdefault(a.visit_id, []).append(a.assignment_id)
        return dict(sorted(by_visit.items()))

    def add_withdrawal(self, withdrawal: Withdrawal) -> None:
        self.withdrawals[withdrawal.assignment_id] = withdrawal

    def withdrawn(self, visit_id: str) -> set[str]:
        return {w.assignment_id for w in self.withdrawals.values() if w.visit_id == visit_id}

    def assignment_tasks(self, assignment_ids: list[str]) -> dict[str, Tasks]:
        return {a: list(self.assignments[a].tasks) for a in assignment_ids if a in self.assignments}

    def assignment_teams(self, assignment_ids: list[str]) -> dict[str, Team]:
        return {a: list(self.teams[a][1]) for a in assignment_ids if a in self.teams}

    def add_step(self, step: Step) -> None:
        self.steps.append(step)

    def has_step(self, visit_id: str, status: str) -> bool:
        return any(s.visit_id == visit_id and s.status == status for s in self.steps)

    def closure(self, visit_id: str) -> Closure | None:
        closing = [s for s in self.steps if s.visit_id == visit_id and s.status == "closed"]
        return Closure(closing[0].reason, closing[0].actor, closing[0].at) if closing else None

    def current_status(self, visit_id: str) -> str | None:
        mine = [s.status for s in self.steps if s.visit_id == visit_id]
        return mine[-1] if mine else None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        kept = copy.deepcopy(self.__dict__)
        try:
            yield
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(kept)
            raise

    def lock_client_id(self, client_id: str) -> None:
        pass

    def field_submission(self, client_id: str) -> FieldSubmission | None:
        return self.field_submissions.get(client_id)

    def add_field_submission(self, accepted: FieldSubmission) -> None:
        if accepted.client_id in self.field_submissions:
            raise ValueError(f"client id {accepted.client_id} kept already")  # the primary key in SQL
        self.field_submissions[accepted.client_id] = accepted

    def _in_scope(self, prefixes: tuple[str, ...], inspector: str | None) -> list[Visit]:
        return [
            v
            for v in self.visits.values()
            if v.node.startswith(prefixes) and (inspector is None or inspector in v.inspector_ids)
        ]

    def result_deadlines(self, prefixes: tuple[str, ...], inspector: str | None) -> list[Deadline]:
        return [
            Deadline(
                v.visit_id, v.node, "result", v.due, self.has_result(v.visit_id) or self.closure(v.visit_id) is not None
            )
            for v in self._in_scope(prefixes, inspector)
        ]

    def approved_results(self, prefixes: tuple[str, ...], inspector: str | None) -> list[ApprovedResult]:
        visits = {v.visit_id: v for v in self._in_scope(prefixes, inspector)}
        return [
            ApprovedResult(
                r.result_id, visits[r.visit_id].node, list(visits[r.visit_id].tasks), r.result_id in self.publications
            )
            for r in self.results.values()
            if r.visit_id in visits and self.approved_version(r.result_id) is not None
        ]

    def correction_deadlines(self, prefixes: tuple[str, ...], inspector: str | None) -> list[Deadline]:
        own = {v.visit_id for v in self._in_scope(prefixes, inspector)}
        closed = {e.follow_up_id for e in self.follow_up_entries if e.kind == "closed"}
        return [
            Deadline(f.follow_up_id, f.node, "correction", f.due, f.follow_up_id in closed)
            for f in self.follow_ups.values()
            if f.kind == "correction"
            and f.due is not None
            and f.node.startswith(prefixes)
            and (inspector is None or f.visit_id in own)
        ]

    def published_task_ids(self) -> set[str]:
        return set(self.published_tasks)

    def mark_task_published(self, task_id: str, at: datetime) -> None:
        self.published_tasks.setdefault(task_id, at)

    def overdue_recorded(self) -> set[tuple[str, str]]:
        return set(self.overdue)

    def flag_overdue(self, flag: OverdueFlag) -> bool:
        if (flag.subject_id, flag.kind) in self.overdue:
            return False
        self.overdue[(flag.subject_id, flag.kind)] = flag
        return True

    def add_notice(self, issued: Notice) -> None:
        self.notices.append(issued)

    def lock_settings(self, node: str) -> None:
        pass

    def settings_versions(self, node: str) -> list[NodeSettings]:
        return sorted((s for s in self.settings if s.node == node), key=lambda s: s.version)

    def add_settings(self, settings: NodeSettings) -> None:
        self.settings.append(settings)

    def lock_document_numbers(self, node: str, year: int) -> None:
        pass

    def last_document_seq(self, node: str, year: int) -> int:
        return max((n.seq for n in self.numbers if (n.node, n.year) == (node, year)), default=0)

    def add_document_number(self, numbered: DocumentNumber) -> None:
        self.numbers.append(numbered)

    def document_number(self, kind: str, object_id: str) -> DocumentNumber | None:
        return next((n for n in self.numbers if (n.kind, n.object_id) == (kind, object_id)), None)


def repository_for(fake: FakeInspectionRepository) -> Any:
    """A `Components.repository` factory that hands every unit of work the same fake."""
    return lambda uow: fake
