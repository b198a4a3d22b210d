"""A task's lifecycle after dispatch follows from facts, never from a person's say-so:

- **in progress** when the first visit of the task has started (检查开始);
- **completed** when every visit the task's draw dispatched exists and each visit of the task has an approved result
  or is closed with a recorded reason;
- **results published** when every approved result of the task has a publication record (公示, or withheld where the
  law says it must not be public), as the publication service confirms it (`publication.result_confirmed`).

How many visits to expect: the draw's `draw.draw_completed` says how many entities it dispatched to each node. One
visit covers every task an entity was drawn for (进一次门、查多项事), so a draw of a draw group dispatched
`dispatched[node]` entities for all its tasks together: the expectation is met when the node has that many visits
covering any task of the draw. Visits may be reported before or after the draw's event (they come from other
topics), so nothing completes until both are in. A voided draw expects nothing (its visits are closed with the
void's reason); a task without a standing draw is not completed.

Every function here is pure: the service layer hands in the facts it holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from planning.domain.actors import blank
from planning.domain.task_lifecycle import TaskStatus


@dataclass(frozen=True)
class VisitFacts:
    """What is known of one visit: its node, the tasks it covers and the steps it has reached."""

    visit_id: str
    node: str
    task_ids: frozenset[str]
    started: bool = False
    submitted: bool = False
    approved: bool = False
    closed: bool = False
    closed_reason: str | None = None
    published: bool = False  # the approved result has a publication record
    overdue: bool = False  # its result was flagged overdue (inspection.overdue, kind result): stays counted

    @property
    def closed_with_reason(self) -> bool:
        """Closed without a result, and the reason is recorded."""
        return self.closed and not blank(self.closed_reason)

    @property
    def done(self) -> bool:
        """Nothing more is expected of the visit for its tasks to complete."""
        return self.approved or self.closed_with_reason


@dataclass(frozen=True)
class DrawFacts:
    """A completed draw: its tasks and how many entities it dispatched to each node; voided if it was."""

    draw_id: str
    task_ids: frozenset[str]
    dispatched: Mapping[str, int] = field(default_factory=dict)
    voided: bool = False


@dataclass(frozen=True)
class TaskFacts:
    """The facts of one task: the draws naming it, and the visits covering it or another task of those draws."""

    task_id: str
    draws: tuple[DrawFacts, ...] = ()
    visits: tuple[VisitFacts, ...] = ()

    @property
    def standing_draws(self) -> tuple[DrawFacts, ...]:
        return tuple(d for d in self.draws if self.task_id in d.task_ids and not d.voided)

    @property
    def own_visits(self) -> tuple[VisitFacts, ...]:
        """The visits that cover this task."""
        return tuple(v for v in self.visits if self.task_id in v.task_ids)

    def missing_visits(self) -> dict[str, int]:
        """Per node, how many visits the standing draws dispatched that have not been reported yet."""
        missing: dict[str, int] = {}
        for draw in self.standing_draws:
            for node, expected in draw.dispatched.items():
                known = sum(1 for v in self.visits if v.node == node and v.task_ids & draw.task_ids)
                if known < expected:
                    missing[node] = missing.get(node, 0) + expected - known
        return missing


def started(facts: TaskFacts) -> VisitFacts | None:
    """The first started visit of the task, if any (a visit closed unstarted has not started)."""
    return next((v for v in facts.own_visits if v.started), None)


def completed(facts: TaskFacts) -> bool:
    """Every dispatched visit is known and each visit of the task is approved or closed with a reason."""
    if not facts.standing_draws or facts.missing_visits():
        return False
    return all(v.done for v in facts.own_visits)


def results_published(facts: TaskFacts) -> bool:
    """Completed, and every approved result of the task has a publication record."""
    return completed(facts) and all(v.published for v in facts.own_visits if v.approved)


def _completion_reason(facts: TaskFacts) -> str:
    visits = facts.own_visits
    approved = sum(1 for v in visits if v.approved)
    closed = sum(1 for v in visits if not v.approved and v.closed_with_reason)
    return f"全部 {len(visits)} 户检查对象已办结：检查结果审核通过 {approved} 户，记录理由关闭 {closed} 户"


def _publication_reason(facts: TaskFacts) -> str:
    approved = [v for v in facts.own_visits if v.approved]
    return f"全部 {len(approved)} 份审核通过的检查结果均有公示记录"


def due_steps(status: TaskStatus, facts: TaskFacts) -> list[tuple[TaskStatus, str]]:
    """The transitions the facts call for from `status`, in order, each with its reason (in Chinese)."""
    steps: list[tuple[TaskStatus, str]] = []
    current = status
    if current is TaskStatus.DISPATCHED and (first := started(facts)) is not None:
        steps.append((TaskStatus.IN_PROGRESS, f"首户检查对象开始检查（检查 {first.visit_id}，节点 {first.node}）"))
        current = TaskStatus.IN_PROGRESS
    if current is TaskStatus.IN_PROGRESS and completed(facts):
        steps.append((TaskStatus.COMPLETED, _completion_reason(facts)))
        current = TaskStatus.COMPLETED
    if current is TaskStatus.COMPLETED and results_published(facts):
        steps.append((TaskStatus.RESULTS_PUBLISHED, _publication_reason(facts)))
    return steps


PROGRESS_COUNTS = ("expected", "opened", "started", "submitted", "approved", "closed", "overdue", "published")


@dataclass(frozen=True)
class NodeProgress:
    """The counts of one implementing node for one task (cumulative: a visit approved was also started)."""

    node: str
    expected: int = 0  # entities the task's standing draws dispatched to the node (a draw group's: the whole draw)
    opened: int = 0
    started: int = 0
    submitted: int = 0
    approved: int = 0
    closed: int = 0
    overdue: int = 0
    published: int = 0

    def as_dict(self) -> dict[str, int | str]:
        return {"node": self.node, **{name: getattr(self, name) for name in PROGRESS_COUNTS}}


def progress(facts: TaskFacts, nodes: Iterable[str]) -> list[NodeProgress]:
    """Per node (the task's implementing nodes, and any other node with a visit of it), the task's counts."""
    expected: dict[str, int] = {}
    for draw in facts.standing_draws:
        for node, count in draw.dispatched.items():
            expected[node] = expected.get(node, 0) + count
    visits = facts.own_visits
    every = sorted({*nodes, *expected, *(v.node for v in visits)})
    rows = []
    for node in every:
        here = [v for v in visits if v.node == node]
        rows.append(
            NodeProgress(
                node=node,
                expected=expected.get(node, 0),
                opened=len(here),
                started=sum(1 for v in here if v.started),
                submitted=sum(1 for v in here if v.submitted),
                approved=sum(1 for v in here if v.approved),
                closed=sum(1 for v in here if v.closed),
                overdue=sum(1 for v in here if v.overdue),
                published=sum(1 for v in here if v.approved and v.published),
            )
        )
    return rows


def totals(rows: Iterable[NodeProgress]) -> dict[str, int]:
    """The sums of the rows given."""
    listed = list(rows)
    return {name: sum(int(getattr(row, name)) for row in listed) for name in PROGRESS_COUNTS}
