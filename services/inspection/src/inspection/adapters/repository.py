"""The inspection repository: the port the use cases speak to. Its SQLAlchemy implementation on PostgreSQL is
`adapters/sql_repository.py` (split off to keep each module short); the fake in `tests/fakes.py` keeps the same
behaviour in memory, and tests/integration/test_repository_contract.py runs both through the same calls."""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any

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

Team = list[dict[str, Any]]
Tasks = list[dict[str, Any]]


class InspectionRepository(ABC):
    """What the visit, step, closure, notice and settings use cases read and write."""

    # -- visits --------------------------------------------------------------------------------------------
    @abstractmethod
    def visit(self, visit_id: str, lock: bool = False) -> Visit | None:
        """The visit; `lock` holds it until commit (result versions one at a time, merging dispatches wait)."""

    @abstractmethod
    def lock_visit_key(self, node: str, uscc: str, period: int) -> None:
        """One visit per key at a time, even with two dispatches of the same entity in two consumers."""

    @abstractmethod
    def latest_visit(self, node: str, uscc: str, period: int) -> Visit | None:
        """The key's visit with the highest `seq`, held until commit."""

    @abstractmethod
    def add_visit(self, opened: Visit) -> None:
        """Keep a newly opened visit."""

    @abstractmethod
    def update_visit(self, visit_id: str, tasks: Tasks, team: Team, due: date, announced: bool) -> None:
        """The visit's tasks, team (and its inspector ids), due date and notice rule after a merge or a change."""

    @abstractmethod
    def has_result(self, visit_id: str) -> bool:
        """Whether a result was ever submitted for the visit."""

    @abstractmethod
    def has_approved_result(self, visit_id: str) -> bool:
        """Whether a version of the visit's result is approved."""

    # -- results -------------------------------------------------------------------------------------------
    @abstractmethod
    def result_state(self, visit_id: str) -> ResultState | None:
        """The visit's result, its latest version and that version's decision; None before the first."""

    @abstractmethod
    def result(self, result_id: str) -> ResultHead | None:
        """The result, or None."""

    @abstractmethod
    def add_result(self, head: ResultHead) -> None:
        """Keep a visit's result at its first submission."""

    @abstractmethod
    def result_version(self, result_id: str, version: int) -> ResultVersion | None:
        """One version of the result, or None."""

    @abstractmethod
    def add_result_version(self, submitted: ResultVersion) -> None:
        """Keep a submitted version (append-only)."""

    @abstractmethod
    def add_review(self, decided: Review) -> None:
        """Keep the decision on a version (append-only)."""

    @abstractmethod
    def approved_version(self, result_id: str) -> tuple[ResultVersion, Review] | None:
        """The result's approved version and its decision, or None while none is approved."""

    @abstractmethod
    def approved_forms(self, prefixes: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
        """(result id, form) of every approved version whose visit's node starts with one of `prefixes`."""

    # -- follow-ups and publication ------------------------------------------------------------------------
    @abstractmethod
    def follow_up(self, follow_up_id: str) -> FollowUp | None:
        """The follow-up, or None."""

    @abstractmethod
    def add_follow_up(self, opened: FollowUp) -> None:
        """Keep an opened follow-up."""

    @abstractmethod
    def lock_follow_up(self, follow_up_id: str) -> None:
        """A follow-up's steps numbered one at a time."""

    @abstractmethod
    def follow_up_steps(self, follow_up_id: str) -> list[FollowUpStep]:
        """The follow-up's steps in order."""

    @abstractmethod
    def add_follow_up_step(self, step: FollowUpStep) -> None:
        """Keep a step of a follow-up (append-only)."""

    @abstractmethod
    def follow_ups_closed(self, result_ids: list[str]) -> dict[str, bool]:
        """For each of the results that has follow-ups: whether every one of them is closed."""

    @abstractmethod
    def publication(self, result_id: str) -> Publication | None:
        """The publication record of a result, or None."""

    @abstractmethod
    def add_publication(self, record: Publication) -> None:
        """Keep the publication record of a result (once)."""

    # -- assignments and teams ------------------------------------------------------------------------------
    @abstractmethod
    def visit_of_assignment(self, assignment_id: str) -> str | None:
        """The visit a received assignment went into, or None."""

    @abstractmethod
    def add_assignment(self, received: ReceivedAssignment, team: Team) -> None:
        """Keep the assignment as dispatched, and `team` as its current team."""

    @abstractmethod
    def assignment_ids(self, visit_id: str) -> list[str]:
        """The visit's assignments not withdrawn, in order of arrival."""

    @abstractmethod
    def current_teams(self, visit_id: str) -> list[Team]:
        """The current team of each of the visit's assignments not withdrawn, by assignment id."""

    @abstractmethod
    def visit_of_team(self, assignment_id: str) -> str | None:
        """The visit of an assignment whose team is kept, or None before its dispatch arrives."""

    @abstractmethod
    def set_team(self, assignment_id: str, team: Team) -> None:
        """The assignment's current team."""

    @abstractmethod
    def add_team_change(self, change: TeamChange) -> None:
        """Keep a team change (it may arrive before its dispatch)."""

    @abstractmethod
    def latest_team_change(self, assignment_id: str) -> Team | None:
        """The team of the assignment's latest change, or None."""

    @abstractmethod
    def active_assignments_of_draw(self, draw_id: str) -> dict[str, list[str]]:
        """The draw's assignments not withdrawn, by visit id (visits in id order)."""

    @abstractmethod
    def add_withdrawal(self, withdrawal: Withdrawal) -> None:
        """Keep an assignment taken back by a voided draw."""

    @abstractmethod
    def withdrawn(self, visit_id: str) -> set[str]:
        """The visit's withdrawn assignment ids."""

    @abstractmethod
    def assignment_tasks(self, assignment_ids: list[str]) -> dict[str, Tasks]:
        """The tasks each assignment was dispatched with."""

    @abstractmethod
    def assignment_teams(self, assignment_ids: list[str]) -> dict[str, Team]:
        """The current team of each assignment (absent if not kept)."""

    # -- steps ------------------------------------------------------------------------------------------------
    @abstractmethod
    def add_step(self, step: Step) -> None:
        """Keep a step of a visit (append-only)."""

    @abstractmethod
    def has_step(self, visit_id: str, status: str) -> bool:
        """Whether the visit has reached the step."""

    @abstractmethod
    def closure(self, visit_id: str) -> Closure | None:
        """The visit's closing step, or None while it is open."""

    @abstractmethod
    def current_status(self, visit_id: str) -> str | None:
        """The visit's latest step, or None."""

    # -- field entries -------------------------------------------------------------------------------------
    @abstractmethod
    def savepoint(self) -> AbstractContextManager[None]:
        """What is written inside is undone if it raises; what was written before stays."""

    @abstractmethod
    def lock_client_id(self, client_id: str) -> None:
        """Entries under one client id handled one at a time."""

    @abstractmethod
    def field_submission(self, client_id: str) -> FieldSubmission | None:
        """The accepted entry under the client id, or None."""

    @abstractmethod
    def add_field_submission(self, accepted: FieldSubmission) -> None:
        """Keep an accepted entry with its answer."""

    # -- deadlines -------------------------------------------------------------------------------------------
    @abstractmethod
    def result_deadlines(self, prefixes: tuple[str, ...], inspector: str | None) -> list[Deadline]:
        """Each visit under `prefixes` (only those whose team holds `inspector`, if given): its result is due,
        met by a result or by the visit's closing."""

    @abstractmethod
    def approved_results(self, prefixes: tuple[str, ...], inspector: str | None) -> list[ApprovedResult]:
        """The approved results of the visits under `prefixes` (and `inspector`'s, if given)."""

    @abstractmethod
    def correction_deadlines(self, prefixes: tuple[str, ...], inspector: str | None) -> list[Deadline]:
        """Each correction with a due date under `prefixes` (of `inspector`'s visits, if given), met once closed."""

    @abstractmethod
    def published_task_ids(self) -> set[str]:
        """The tasks whose results planning has published."""

    @abstractmethod
    def mark_task_published(self, task_id: str, at: datetime) -> None:
        """A task's results are public (once; again changes nothing)."""

    @abstractmethod
    def overdue_recorded(self) -> set[tuple[str, str]]:
        """(subject id, kind) of every overdue flag recorded."""

    @abstractmethod
    def flag_overdue(self, flag: OverdueFlag) -> bool:
        """Record the flag unless its subject and kind are recorded already; whether it is new."""

    # -- notices, settings and document numbers ------------------------------------------------------------
    @abstractmethod
    def add_notice(self, issued: Notice) -> None:
        """Keep an issued prior notice with its PDF."""

    @abstractmethod
    def lock_settings(self, node: str) -> None:
        """Settings versions of a node numbered one at a time."""

    @abstractmethod
    def settings_versions(self, node: str) -> list[NodeSettings]:
        """Every version of the node's settings, oldest first."""

    @abstractmethod
    def add_settings(self, settings: NodeSettings) -> None:
        """Keep a new version of a node's settings."""

    @abstractmethod
    def lock_document_numbers(self, node: str, year: int) -> None:
        """A node's document numbers of a year given one at a time."""

    @abstractmethod
    def last_document_seq(self, node: str, year: int) -> int:
        """The highest document number of the node in the year, 0 before the first."""

    @abstractmethod
    def add_document_number(self, numbered: DocumentNumber) -> None:
        """Keep the number given to a printed document."""

    @abstractmethod
    def document_number(self, kind: str, object_id: str) -> DocumentNumber | None:
        """The number a printed document was given, or None."""
