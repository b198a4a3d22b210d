"""The task state machine: every legal and every illegal transition, generated as the full matrix."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise, product

import pytest
from planning.domain.errors import Conflict, IllegalTransition, InvalidRecord
from planning.domain.task_lifecycle import TRANSITIONS, TaskStatus, can_transition, cancel_task, transition
from planning.domain.tasks import Task, with_number
from planning_builders import COUNTY, actor, cst, make_task

S = TaskStatus
HAPPY_PATH = [S.DRAFT, S.PUBLISHED, S.FROZEN, S.DRAWN, S.DISPATCHED, S.IN_PROGRESS, S.COMPLETED, S.RESULTS_PUBLISHED]
LEGAL = {(a, b) for a, b in pairwise(HAPPY_PATH)} | {
    (S.DRAFT, S.CANCELLED),
    (S.PUBLISHED, S.CANCELLED),
}
MATRIX = list(product(TaskStatus, TaskStatus))
AT = cst(2026, 4, 1)


def task_in(status: TaskStatus) -> Task:
    return replace(with_number(make_task(), "冀人社抽〔2026〕12号"), status=status)


def test_the_lifecycle_table_is_exactly_the_happy_path_plus_early_cancellation() -> None:
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == LEGAL
    assert set(TRANSITIONS) == set(TaskStatus)


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL), ids=lambda s: s.value)
def test_a_legal_transition_changes_the_state_and_returns_its_record(current: TaskStatus, target: TaskStatus) -> None:
    task, record = transition(
        task_in(current), target, actor(COUNTY), AT, "因故取消" if target is S.CANCELLED else None
    )
    assert task.status is target
    assert (record.from_status, record.to_status, record.actor, record.at) == (current, target, actor(COUNTY), AT)
    assert (record.task_id, record.node, record.number) == ("task-1", COUNTY, "冀人社抽〔2026〕12号")
    assert record.event_type.startswith("planning.task_")


ILLEGAL = [pair for pair in MATRIX if pair not in LEGAL]


@pytest.mark.parametrize(("current", "target"), ILLEGAL, ids=lambda s: s.value)
def test_an_illegal_transition_is_refused_naming_both_states_in_chinese(
    current: TaskStatus, target: TaskStatus
) -> None:
    assert not can_transition(current, target)
    with pytest.raises(IllegalTransition) as refused:
        transition(task_in(current), target, actor(COUNTY), AT, "理由")
    assert refused.value.code == "task.illegal_transition" and refused.value.status == 409
    assert refused.value.message == f"当前状态为“{current.label}”，不能变更为“{target.label}”"


def test_the_matrix_covers_every_pair_of_states() -> None:
    assert len(LEGAL) + len(ILLEGAL) == len(TaskStatus) ** 2 == 81


def test_a_task_walks_the_whole_lifecycle_and_leaves_one_record_per_step() -> None:
    task, records = task_in(S.DRAFT), []
    for target in HAPPY_PATH[1:]:
        task, record = transition(task, target, actor(COUNTY), AT)
        records.append(record)
    assert task.status is S.RESULTS_PUBLISHED
    assert [r.to_status for r in records] == HAPPY_PATH[1:]
    assert [r.from_status for r in records] == HAPPY_PATH[:-1]


def test_freezing_is_the_event_the_draw_starts_from() -> None:
    _, record = transition(task_in(S.PUBLISHED), S.FROZEN, actor(COUNTY), AT)
    assert record.ready_for_draw
    assert record.event_type == "planning.task_ready_for_draw"
    _, published = transition(task_in(S.DRAFT), S.PUBLISHED, actor(COUNTY), AT)
    assert not published.ready_for_draw


@pytest.mark.parametrize("status", [S.DRAFT, S.PUBLISHED])
def test_cancellation_needs_a_reason_which_the_record_keeps(status: TaskStatus) -> None:
    with pytest.raises(InvalidRecord) as refused:
        cancel_task(task_in(status), actor(COUNTY), AT, "  ")
    assert refused.value.errors[0].code == "task.cancel_reason_required"
    task, record = cancel_task(task_in(status), actor(COUNTY), AT, " 与市级统一任务重复 ")
    assert task.status is S.CANCELLED and record.reason == "与市级统一任务重复"
    assert record.event_type == "planning.task_cancelled"


def test_a_task_without_a_number_is_not_published() -> None:
    with pytest.raises(Conflict) as refused:
        transition(make_task(), S.PUBLISHED, actor(COUNTY), AT)
    assert refused.value.code == "task.number_required"


def test_a_transition_with_a_naive_timestamp_is_refused() -> None:
    with pytest.raises(ValueError):
        transition(task_in(S.DRAFT), S.PUBLISHED, actor(COUNTY), AT.replace(tzinfo=None))
