"""The inspection repository on PostgreSQL, in the unit of work's session: the SQL the use cases run. Locks are
transaction-scoped advisory locks named for what they serialise."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from inspection.adapters.orm import (
    assignment_team,
    assignment_withdrawal,
    document_number,
    field_submission,
    follow_up,
    follow_up_step,
    node_settings,
    notice,
    publication,
    result,
    result_version,
    review,
    team_change,
    visit,
    visit_assignment,
    visit_status,
)
from inspection.adapters.repository import InspectionRepository, Tasks, Team
from inspection.adapters.sql_deadlines import SqlDeadlines
from inspection.domain.model import (
    Closure,
    DocumentNumber,
    FieldSubmission,
    FollowUp,
    FollowUpStep,
    NodeSettings,
    Notice,
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


def _lock(session: Session, key: str) -> None:
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(key))))


_WITHDRAWN = sa.select(assignment_withdrawal.c.assignment_id)  # assignments a voided draw took back


class SqlInspectionRepository(SqlDeadlines, InspectionRepository):
    """The repository on the inspection schema, in the unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def visit(self, visit_id: str, lock: bool = False) -> Visit | None:
        query = sa.select(visit).where(visit.c.visit_id == visit_id)
        row = self.session.execute(query.with_for_update() if lock else query).first()
        return None if row is None else Visit(**row._mapping)

    def lock_visit_key(self, node: str, uscc: str, period: int) -> None:
        _lock(self.session, f"visit:{node}:{uscc}:{period}")

    def latest_visit(self, node: str, uscc: str, period: int) -> Visit | None:
        row = self.session.execute(
            sa.select(visit)
            .where(visit.c.node == node, visit.c.uscc == uscc, visit.c.period == period)
            .order_by(visit.c.seq.desc())
            .limit(1)
            .with_for_update()
        ).first()
        return None if row is None else Visit(**row._mapping)

    def add_visit(self, opened: Visit) -> None:
        self.session.execute(sa.insert(visit).values(**asdict(opened)))

    def update_visit(self, visit_id: str, tasks: Tasks, team: Team, due: date, announced: bool) -> None:
        self.session.execute(
            sa.update(visit)
            .where(visit.c.visit_id == visit_id)
            .values(
                tasks=tasks, team=team, inspector_ids=[m["inspector_id"] for m in team], due=due, announced=announced
            )
        )

    def has_result(self, visit_id: str) -> bool:
        found = self.session.execute(sa.select(result.c.result_id).where(result.c.visit_id == visit_id)).first()
        return found is not None

    def has_approved_result(self, visit_id: str) -> bool:
        found = self.session.execute(
            sa.select(review.c.result_id)
            .join(result, result.c.result_id == review.c.result_id)
            .where(result.c.visit_id == visit_id, review.c.approved.is_(True))
        ).first()
        return found is not None

    def result_state(self, visit_id: str) -> ResultState | None:
        latest = (
            sa.select(sa.func.max(result_version.c.version))
            .where(result_version.c.result_id == result.c.result_id)
            .scalar_subquery()
        )
        decision = (
            sa.select(review.c.approved)
            .where(review.c.result_id == result.c.result_id, review.c.version == latest)
            .scalar_subquery()
        )
        row = self.session.execute(
            sa.select(result.c.result_id, latest.label("latest"), decision.label("approved")).where(
                result.c.visit_id == visit_id
            )
        ).first()
        return None if row is None else ResultState(str(row.result_id), int(row.latest or 0), row.approved)

    def result(self, result_id: str) -> ResultHead | None:
        row = self.session.execute(sa.select(result).where(result.c.result_id == result_id)).first()
        return None if row is None else ResultHead(**row._mapping)

    def add_result(self, head: ResultHead) -> None:
        self.session.execute(sa.insert(result).values(**asdict(head)))

    def result_version(self, result_id: str, version: int) -> ResultVersion | None:
        row = self.session.execute(
            sa.select(result_version).where(
                result_version.c.result_id == result_id, result_version.c.version == version
            )
        ).first()
        return None if row is None else ResultVersion(**row._mapping)

    def add_result_version(self, submitted: ResultVersion) -> None:
        self.session.execute(sa.insert(result_version).values(**asdict(submitted)))

    def add_review(self, decided: Review) -> None:
        self.session.execute(sa.insert(review).values(**asdict(decided)))

    def approved_version(self, result_id: str) -> tuple[ResultVersion, Review] | None:
        row = self.session.execute(
            sa.select(result_version, review)
            .join(
                review,
                sa.and_(review.c.result_id == result_version.c.result_id, review.c.version == result_version.c.version),
            )
            .where(result_version.c.result_id == result_id, review.c.approved.is_(True))
        ).first()
        if row is None:
            return None
        values = row._mapping
        return (
            ResultVersion(**{c.name: values[result_version.c[c.name]] for c in result_version.columns}),
            Review(**{c.name: values[review.c[c.name]] for c in review.columns}),
        )

    def approved_forms(self, prefixes: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
        approved = (
            sa.select(result.c.result_id, result_version.c.form)
            .select_from(
                result.join(visit, visit.c.visit_id == result.c.visit_id)
                .join(result_version, result_version.c.result_id == result.c.result_id)
                .join(
                    review,
                    sa.and_(
                        review.c.result_id == result_version.c.result_id, review.c.version == result_version.c.version
                    ),
                )
            )
            .where(review.c.approved.is_(True), sa.or_(*[visit.c.node.like(p + "%") for p in prefixes]))
        )
        return [(str(r.result_id), r.form) for r in self.session.execute(approved)]

    def follow_up(self, follow_up_id: str) -> FollowUp | None:
        row = self.session.execute(sa.select(follow_up).where(follow_up.c.follow_up_id == follow_up_id)).first()
        return None if row is None else FollowUp(**row._mapping)

    def add_follow_up(self, opened: FollowUp) -> None:
        self.session.execute(sa.insert(follow_up).values(**asdict(opened)))

    def lock_follow_up(self, follow_up_id: str) -> None:
        _lock(self.session, f"follow_up:{follow_up_id}")

    def follow_up_steps(self, follow_up_id: str) -> list[FollowUpStep]:
        query = (
            sa.select(follow_up_step)
            .where(follow_up_step.c.follow_up_id == follow_up_id)
            .order_by(follow_up_step.c.seq)
        )
        return [FollowUpStep(**r._mapping) for r in self.session.execute(query)]

    def add_follow_up_step(self, step: FollowUpStep) -> None:
        self.session.execute(sa.insert(follow_up_step).values(**asdict(step)))

    def follow_ups_closed(self, result_ids: list[str]) -> dict[str, bool]:
        if not result_ids:
            return {}
        closing = sa.and_(follow_up_step.c.follow_up_id == follow_up.c.follow_up_id, follow_up_step.c.kind == "closed")
        query = (
            sa.select(follow_up.c.result_id, sa.func.bool_and(follow_up_step.c.kind.isnot(None)).label("closed"))
            .select_from(follow_up.outerjoin(follow_up_step, closing))
            .where(follow_up.c.result_id.in_(result_ids))
            .group_by(follow_up.c.result_id)
        )
        return {str(r.result_id): bool(r.closed) for r in self.session.execute(query)}

    def publication(self, result_id: str) -> Publication | None:
        row = self.session.execute(sa.select(publication).where(publication.c.result_id == result_id)).first()
        return None if row is None else Publication(**row._mapping)

    def add_publication(self, record: Publication) -> None:
        self.session.execute(sa.insert(publication).values(**asdict(record)))

    def visit_of_assignment(self, assignment_id: str) -> str | None:
        found = self.session.execute(
            sa.select(visit_assignment.c.visit_id).where(visit_assignment.c.assignment_id == assignment_id)
        ).scalar()
        return None if found is None else str(found)

    def add_assignment(self, received: ReceivedAssignment, team: Team) -> None:
        self.session.execute(sa.insert(visit_assignment).values(**asdict(received)))
        self.session.execute(
            sa.insert(assignment_team).values(
                assignment_id=received.assignment_id, visit_id=received.visit_id, team=team
            )
        )

    def assignment_ids(self, visit_id: str) -> list[str]:
        rows = self.session.execute(
            sa.select(visit_assignment.c.assignment_id)
            .where(visit_assignment.c.visit_id == visit_id, visit_assignment.c.assignment_id.not_in(_WITHDRAWN))
            .order_by(visit_assignment.c.received_at, visit_assignment.c.assignment_id)
        )
        return [str(r[0]) for r in rows]

    def current_teams(self, visit_id: str) -> list[Team]:
        rows = self.session.execute(
            sa.select(assignment_team.c.team)
            .where(assignment_team.c.visit_id == visit_id, assignment_team.c.assignment_id.not_in(_WITHDRAWN))
            .order_by(assignment_team.c.assignment_id)
        )
        return [list(r.team) for r in rows]

    def visit_of_team(self, assignment_id: str) -> str | None:
        found = self.session.execute(
            sa.select(assignment_team.c.visit_id).where(assignment_team.c.assignment_id == assignment_id)
        ).scalar()
        return None if found is None else str(found)

    def set_team(self, assignment_id: str, team: Team) -> None:
        self.session.execute(
            sa.update(assignment_team).where(assignment_team.c.assignment_id == assignment_id).values(team=team)
        )

    def add_team_change(self, change: TeamChange) -> None:
        self.session.execute(sa.insert(team_change).values(**asdict(change)))

    def latest_team_change(self, assignment_id: str) -> Team | None:
        found = self.session.execute(
            sa.select(team_change.c.team)
            .where(team_change.c.assignment_id == assignment_id)
            .order_by(team_change.c.changed_at.desc(), team_change.c.change_id.desc())
            .limit(1)
        ).scalar()
        return None if found is None else list(found)

    def active_assignments_of_draw(self, draw_id: str) -> dict[str, list[str]]:
        by_visit: dict[str, list[str]] = defaultdict(list)
        for r in self.session.execute(
            sa.select(visit_assignment.c.assignment_id, visit_assignment.c.visit_id)
            .where(visit_assignment.c.draw_id == draw_id, visit_assignment.c.assignment_id.not_in(_WITHDRAWN))
            .order_by(visit_assignment.c.visit_id)
        ):
            by_visit[str(r.visit_id)].append(str(r.assignment_id))
        return dict(by_visit)

    def add_withdrawal(self, withdrawal: Withdrawal) -> None:
        self.session.execute(sa.insert(assignment_withdrawal).values(**asdict(withdrawal)))

    def withdrawn(self, visit_id: str) -> set[str]:
        query = sa.select(assignment_withdrawal.c.assignment_id).where(assignment_withdrawal.c.visit_id == visit_id)
        return {str(a) for a in self.session.execute(query).scalars()}

    def assignment_tasks(self, assignment_ids: list[str]) -> dict[str, Tasks]:
        query = sa.select(visit_assignment.c.assignment_id, visit_assignment.c.tasks).where(
            visit_assignment.c.assignment_id.in_(assignment_ids)
        )
        return {str(r.assignment_id): list(r.tasks) for r in self.session.execute(query)}

    def assignment_teams(self, assignment_ids: list[str]) -> dict[str, Team]:
        query = sa.select(assignment_team.c.assignment_id, assignment_team.c.team).where(
            assignment_team.c.assignment_id.in_(assignment_ids)
        )
        return {str(r.assignment_id): list(r.team) for r in self.session.execute(query)}

    def add_step(self, step: Step) -> None:
        self.session.execute(sa.insert(visit_status).values(**asdict(step)))

    def has_step(self, visit_id: str, status: str) -> bool:
        found = self.session.execute(
            sa.select(visit_status.c.seq).where(visit_status.c.visit_id == visit_id, visit_status.c.status == status)
        ).first()
        return found is not None

    def closure(self, visit_id: str) -> Closure | None:
        row = self.session.execute(
            sa.select(visit_status.c.reason, visit_status.c.actor, visit_status.c.at).where(
                visit_status.c.visit_id == visit_id, visit_status.c.status == "closed"
            )
        ).first()
        return None if row is None else Closure(row.reason, row.actor, row.at)

    def current_status(self, visit_id: str) -> str | None:
        return self.session.execute(
            sa.select(visit_status.c.status)
            .where(visit_status.c.visit_id == visit_id)
            .order_by(visit_status.c.seq.desc())
            .limit(1)
        ).scalar()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        with self.session.begin_nested():
            yield

    def lock_client_id(self, client_id: str) -> None:
        _lock(self.session, f"client:{client_id}")

    def field_submission(self, client_id: str) -> FieldSubmission | None:
        query = sa.select(field_submission).where(field_submission.c.client_id == client_id)
        row = self.session.execute(query).first()
        return None if row is None else FieldSubmission(**row._mapping)

    def add_field_submission(self, accepted: FieldSubmission) -> None:
        self.session.execute(sa.insert(field_submission).values(**asdict(accepted)))

    def add_notice(self, issued: Notice) -> None:
        self.session.execute(sa.insert(notice).values(**asdict(issued)))

    def lock_settings(self, node: str) -> None:
        _lock(self.session, f"settings:{node}")

    def settings_versions(self, node: str) -> list[NodeSettings]:
        query = sa.select(node_settings).where(node_settings.c.node == node).order_by(node_settings.c.version)
        return [NodeSettings(**r._mapping) for r in self.session.execute(query)]

    def add_settings(self, settings: NodeSettings) -> None:
        self.session.execute(sa.insert(node_settings).values(**asdict(settings)))

    def lock_document_numbers(self, node: str, year: int) -> None:
        _lock(self.session, f"docno:{node}:{year}")

    def last_document_seq(self, node: str, year: int) -> int:
        last = self.session.execute(
            sa.select(sa.func.max(document_number.c.seq)).where(
                document_number.c.node == node, document_number.c.year == year
            )
        ).scalar()
        return int(last or 0)

    def add_document_number(self, numbered: DocumentNumber) -> None:
        self.session.execute(sa.insert(document_number).values(**asdict(numbered)))

    def document_number(self, kind: str, object_id: str) -> DocumentNumber | None:
        row = self.session.execute(
            sa.select(document_number).where(document_number.c.kind == kind, document_number.c.object_id == object_id)
        ).first()
        return None if row is None else DocumentNumber(**row._mapping)
