"""Events become facts: each consumed event is turned into the fact it states and kept (merged) by the repository.
Nothing here reads another service's tables; a replayed event merges into the same fact."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from hrss.contracts.events.draw import DrawCommitted, DrawCompleted
from hrss.contracts.events.inspection import FollowUpClosed, FollowUpOpened, ResultApproved
from hrss.contracts.events.planning import TaskCancelled, TaskCompleted, TaskPublished
from hrss.contracts.events.publication import DeadlineMissed, ResultConfirmed
from reporting.domain.facts import (
    Confirmation,
    DrawFact,
    FollowUpFact,
    InspectionFact,
    MissedDeadline,
    TaskFact,
    china_date,
)

if TYPE_CHECKING:
    from reporting.adapters.repository import ReportingRepository


def _task(event: Any, **marks: Any) -> TaskFact:
    t = event.task
    return TaskFact(
        task_id=str(t.task_id),
        node=t.node,
        number=t.number,
        title=t.title,
        joint=t.kpi.joint,
        credit_differentiated=t.kpi.credit_differentiated,
        major_items=t.kpi.major_items,
        minor_items=t.kpi.minor_items,
        regions=tuple(t.scope.region_codes),
        object_types=tuple(t.scope.object_types),
        **marks,
    )


def _ids(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def task_published(repo: ReportingRepository, e: TaskPublished) -> None:
    repo.keep_task(_task(e, published_on=china_date(e.at)))


def task_completed(repo: ReportingRepository, e: TaskCompleted) -> None:
    repo.keep_task(_task(e, completed_on=china_date(e.at)))


def task_cancelled(repo: ReportingRepository, e: TaskCancelled) -> None:
    repo.keep_task(_task(e, cancelled=True))


def draw_committed(repo: ReportingRepository, e: DrawCommitted) -> None:
    repo.keep_draw(DrawFact(str(e.draw_id), e.node, _ids(e.task_ids), eligible=e.eligible))


def draw_completed(repo: ReportingRepository, e: DrawCompleted) -> None:
    repo.keep_draw(
        DrawFact(str(e.draw_id), e.node, _ids(e.task_ids), picks=e.picks, completed_on=china_date(e.completed_at))
    )


def result_approved(repo: ReportingRepository, e: ResultApproved) -> None:
    repo.keep_inspection(
        InspectionFact(
            result_id=str(e.result_id),
            visit_id=str(e.visit_id),
            node=e.node,
            region_code=e.region_code,
            uscc=e.uscc,
            task_ids=_ids(e.task_ids),
            overall=e.overall,
            public=e.public,
            approved_on=china_date(e.approved_at),
            version=e.version,
        )
    )


def result_confirmed(repo: ReportingRepository, e: ResultConfirmed) -> None:
    repo.keep_confirmation(
        Confirmation(str(e.result_id), e.node, e.public, e.on_time, e.due, china_date(e.confirmed_at))
    )


def follow_up_opened(repo: ReportingRepository, e: FollowUpOpened) -> None:
    repo.keep_follow_up(
        FollowUpFact(str(e.follow_up_id), str(e.result_id), e.node, e.kind, china_date(e.opened_at), e.due)
    )


def follow_up_closed(repo: ReportingRepository, e: FollowUpClosed) -> None:
    repo.keep_follow_up(FollowUpFact(str(e.follow_up_id), str(e.result_id), e.node, closed_on=e.closed_on))


def deadline_missed(repo: ReportingRepository, e: DeadlineMissed) -> None:
    repo.keep_missed(MissedDeadline(str(e.task_id), str(e.result_id), e.node, e.due, e.detected_on))


PROJECTIONS: dict[type[BaseModel], Callable[[ReportingRepository, Any], None]] = {
    TaskPublished: task_published,
    TaskCompleted: task_completed,
    TaskCancelled: task_cancelled,
    DrawCommitted: draw_committed,
    DrawCompleted: draw_completed,
    ResultApproved: result_approved,
    ResultConfirmed: result_confirmed,
    FollowUpOpened: follow_up_opened,
    FollowUpClosed: follow_up_closed,
    DeadlineMissed: deadline_missed,
}


def project(repo: ReportingRepository, event: BaseModel) -> None:
    """Keep the fact `event` states."""
    PROJECTIONS[type(event)](repo, event)
