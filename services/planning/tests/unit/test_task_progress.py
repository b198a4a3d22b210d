"""The lifecycle after dispatch follows from facts: started visits, approved or closed visits, publication records."""

from __future__ import annotations

from planning.domain.task_lifecycle import TaskStatus
from planning.domain.task_progress import DrawFacts, TaskFacts, VisitFacts, due_steps, progress, totals

A, B = "task-a", "task-b"
COUNTY, OTHER_COUNTY = "130102", "130104"
S = TaskStatus


def visit(name: str, node: str = COUNTY, tasks: tuple[str, ...] = (A,), **flags: object) -> VisitFacts:
    return VisitFacts(name, node, frozenset(tasks), **flags)  # type: ignore[arg-type]


def draw(dispatched: dict[str, int], tasks: tuple[str, ...] = (A,), voided: bool = False) -> DrawFacts:
    return DrawFacts("draw-1", frozenset(tasks), dispatched, voided)


def steps(status: TaskStatus, *visits: VisitFacts, draws: tuple[DrawFacts, ...] | None = None) -> list[TaskStatus]:
    found = draws if draws is not None else (draw({COUNTY: 2}),)
    return [target for target, _ in due_steps(status, TaskFacts(A, found, visits))]


def test_a_dispatched_task_is_in_progress_once_its_first_visit_starts_not_when_it_opens() -> None:
    assert steps(S.DISPATCHED, visit("v1"), visit("v2")) == []
    assert steps(S.DISPATCHED, visit("v1", started=True), visit("v2")) == [S.IN_PROGRESS]


def test_a_visit_closed_before_it_started_does_not_start_the_task() -> None:
    assert steps(S.DISPATCHED, visit("v1", closed=True, closed_reason="抽取作废")) == []


def test_the_task_is_completed_only_when_every_dispatched_visit_is_approved_or_closed_with_a_reason() -> None:
    one = visit("v1", started=True, submitted=True, approved=True)
    assert steps(S.IN_PROGRESS, one) == []  # the draw dispatched two: the second visit is not reported yet
    pending = visit("v2", started=True, submitted=True)
    assert steps(S.IN_PROGRESS, one, pending) == []
    unexplained = visit("v2", closed=True, closed_reason="  ")
    assert steps(S.IN_PROGRESS, one, unexplained) == []
    closed = visit("v2", closed=True, closed_reason="企业已注销")
    assert steps(S.IN_PROGRESS, one, closed) == [S.COMPLETED]


def test_visits_reported_before_the_draw_complete_nothing_until_the_draw_says_how_many_to_expect() -> None:
    done = visit("v1", started=True, submitted=True, approved=True, published=True)
    assert steps(S.DISPATCHED, done, draws=()) == [S.IN_PROGRESS]
    assert steps(S.IN_PROGRESS, done, draws=()) == []
    assert steps(S.DISPATCHED, done, draws=(draw({COUNTY: 1}),)) == [S.IN_PROGRESS, S.COMPLETED, S.RESULTS_PUBLISHED]


def test_results_are_published_only_when_every_approved_result_has_a_publication_record() -> None:
    first = visit("v1", started=True, submitted=True, approved=True, published=True)
    second = visit("v2", started=True, submitted=True, approved=True)
    assert steps(S.COMPLETED, first, second) == []
    withheld = visit("v2", started=True, submitted=True, approved=True, published=True)
    assert steps(S.COMPLETED, first, withheld) == [S.RESULTS_PUBLISHED]


def test_a_closed_visit_needs_no_publication() -> None:
    first = visit("v1", started=True, submitted=True, approved=True, published=True)
    closed = visit("v2", started=True, closed=True, closed_reason="通过登记住所无法联系")
    assert steps(S.IN_PROGRESS, first, closed) == [S.COMPLETED, S.RESULTS_PUBLISHED]


def test_a_draw_group_expects_its_count_across_its_tasks_and_each_task_waits_only_for_its_own_visits() -> None:
    group = (draw({COUNTY: 2, OTHER_COUNTY: 1}, tasks=(A, B)),)
    mine = visit("v1", started=True, submitted=True, approved=True, published=True)
    theirs = visit("v2", tasks=(B,), started=True)  # B's visit, still in the field
    assert steps(S.IN_PROGRESS, mine, theirs, draws=group) == []  # OTHER_COUNTY's visit is not reported yet
    elsewhere = visit("v3", node=OTHER_COUNTY, tasks=(B,))
    assert steps(S.IN_PROGRESS, mine, theirs, elsewhere, draws=group) == [S.COMPLETED, S.RESULTS_PUBLISHED]


def test_a_voided_draw_expects_nothing_and_a_task_without_a_standing_draw_is_not_completed() -> None:
    closed = visit("v1", started=True, closed=True, closed_reason="抽取作废：种子公开前泄露")
    assert steps(S.IN_PROGRESS, closed, draws=(draw({COUNTY: 1}, voided=True),)) == []


def test_no_step_is_taken_before_dispatch_or_after_results_are_published() -> None:
    done = visit("v1", started=True, submitted=True, approved=True, published=True)
    one = (draw({COUNTY: 1}),)
    assert steps(S.FROZEN, done, draws=one) == []
    assert steps(S.RESULTS_PUBLISHED, done, draws=one) == []


def test_progress_counts_each_node_cumulatively_with_the_nodes_that_have_no_visit_yet() -> None:
    facts = TaskFacts(
        A,
        (draw({COUNTY: 3, OTHER_COUNTY: 1}, tasks=(A, B)),),
        (
            visit("v1", started=True, submitted=True, approved=True, published=True),
            visit("v2", started=True, submitted=True, overdue=True),
            visit("v3", closed=True, closed_reason="企业已注销"),
            visit("v4", tasks=(B,), started=True),  # another task's visit: not this task's progress
        ),
    )
    rows = progress(facts, [COUNTY, OTHER_COUNTY, "130105"])
    assert [r.as_dict() for r in rows] == [
        {
            "node": COUNTY,
            "expected": 3,
            "opened": 3,
            "started": 2,
            "submitted": 2,
            "approved": 1,
            "closed": 1,
            "overdue": 1,
            "published": 1,
        },
        {
            "node": OTHER_COUNTY,
            "expected": 1,
            **dict.fromkeys(("opened", "started", "submitted"), 0),
            **dict.fromkeys(("approved", "closed", "overdue", "published"), 0),
        },
        {
            "node": "130105",
            **dict.fromkeys(
                ("expected", "opened", "started", "submitted", "approved", "closed", "overdue", "published"), 0
            ),
        },
    ]
    assert totals(rows)["expected"] == 4 and totals(rows)["opened"] == 3 and totals(rows)["overdue"] == 1
