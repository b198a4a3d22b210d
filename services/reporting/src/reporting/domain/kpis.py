"""The figures 003 sets targets for, each computed from the facts of one node's subtree over a period of CST dates,
with the records behind it. Definitions (numerator, denominator, period, events) are in docs/reporting.md; the
code below is their one implementation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from reporting.domain.facts import PROBLEM_CATEGORIES, Facts, InspectionFact, TaskFact, prefix_of


@dataclass(frozen=True)
class Target:
    code: str
    label: str
    minimum: Fraction


TARGETS: dict[str, Target] = {
    t.code: t
    for t in (
        Target("joint_tasks", "部门联合抽查次数占随机抽查总次数的比例", Fraction(40, 100)),
        Target("joint_entities", "联合抽查户数占随机抽查总户数的比例", Fraction(25, 100)),
        Target("credit_differentiated", "企业信用风险差异化抽查次数占抽查企业总次数的比例", Fraction(85, 100)),
        Target("results_published", "抽查检查结果公示率", Fraction(1)),
        Target("follow_up", "抽查检查发现问题后续处理率", Fraction(1)),
        Target("ratio", "抽查比例", Fraction(3, 100)),
    )
}


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both included, in CST dates."""

    start: date
    end: date

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


@dataclass
class Kpi:
    """One figure: numerator over denominator, checked against its target, with the records behind it."""

    code: str
    numerator: int
    denominator: int
    records: list[dict[str, Any]] = field(default_factory=list)

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def met(self) -> bool | None:
        """None when nothing was counted (no denominator): neither met nor missed."""
        value = self.value
        return None if value is None else value >= TARGETS[self.code].minimum

    def summary(self) -> dict[str, Any]:
        value = self.value
        target = TARGETS[self.code]
        return {
            "code": self.code,
            "label": target.label,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": None if value is None else round(float(value), 6),
            "percent": None if value is None else f"{float(value) * 100:.2f}%",
            "target": f"≥{float(target.minimum) * 100:g}%",
            "met": self.met,
        }


def _inspections(facts: Facts, node: str, period: Period) -> list[InspectionFact]:
    prefix = prefix_of(node)
    found = [i for i in facts.inspections.values() if i.node.startswith(prefix) and period.holds(i.approved_on)]
    return sorted(found, key=lambda i: (i.approved_on, i.visit_id))


def _tasks(facts: Facts, node: str, period: Period) -> list[TaskFact]:
    prefix = prefix_of(node)
    found = [
        t
        for t in facts.tasks.values()
        if t.node.startswith(prefix) and not t.cancelled and period.holds(t.published_on)
    ]
    return sorted(found, key=lambda t: (t.published_on or date.min, t.task_id))


def _any_task(facts: Facts, task_ids: tuple[str, ...], flag: Callable[[TaskFact], bool]) -> bool:
    return any(flag(facts.tasks[t]) for t in task_ids if t in facts.tasks)


def joint_tasks(facts: Facts, node: str, period: Period) -> Kpi:
    """Tasks published in the period (not cancelled) that are joint, over all of them."""
    tasks = _tasks(facts, node, period)
    records = [
        {"task_id": t.task_id, "node": t.node, "number": t.number, "title": t.title, "counted": t.joint} for t in tasks
    ]
    return Kpi("joint_tasks", sum(t.joint for t in tasks), len(tasks), records)


def joint_entities(facts: Facts, node: str, period: Period) -> Kpi:
    """Distinct entities with an approved result in the period, of which inspected for a joint task."""
    entities: dict[str, bool] = {}
    for i in _inspections(facts, node, period):
        joint = _any_task(facts, i.task_ids, lambda t: t.joint)
        entities[i.uscc] = entities.get(i.uscc, False) or joint
    records = [{"uscc": u, "counted": j} for u, j in sorted(entities.items())]
    return Kpi("joint_entities", sum(entities.values()), len(entities), records)


def credit_differentiated(facts: Facts, node: str, period: Period) -> Kpi:
    """Inspections (approved results) in the period for a task drawn by credit grade, over all inspections."""
    records = []
    for i in _inspections(facts, node, period):
        counted = _any_task(facts, i.task_ids, lambda t: t.credit_differentiated)
        records.append(_inspection_record(i, counted))
    return Kpi("credit_differentiated", sum(r["counted"] for r in records), len(records), records)


def results_published(facts: Facts, node: str, period: Period) -> Kpi:
    """Inspections approved in the period that have their publication record (published, or withheld by law)."""
    records = []
    for i in _inspections(facts, node, period):
        confirmed = facts.confirmations.get(i.result_id)
        record = _inspection_record(i, confirmed is not None)
        record["on_time"] = None if confirmed is None else confirmed.on_time
        record["deadline_missed"] = any(m.result_id == i.result_id for m in facts.missed)
        records.append(record)
    return Kpi("results_published", sum(r["counted"] for r in records), len(records), records)


def follow_up(facts: Facts, node: str, period: Period) -> Kpi:
    """Inspections approved in the period that found a problem, of which every follow-up opened is closed (and at
    least one was opened)."""
    by_result: dict[str, list[Any]] = {}
    for f in facts.follow_ups.values():
        by_result.setdefault(f.result_id, []).append(f)
    records = []
    for i in _inspections(facts, node, period):
        if i.overall not in PROBLEM_CATEGORIES:
            continue
        opened = [f for f in by_result.get(i.result_id, []) if f.opened_on is not None]
        closed = [f for f in opened if f.closed_on is not None]
        record = _inspection_record(i, bool(opened) and len(closed) == len(opened))
        record["follow_ups_opened"] = len(opened)
        record["follow_ups_closed"] = len(closed)
        records.append(record)
    return Kpi("follow_up", sum(r["counted"] for r in records), len(records), records)


def ratio(facts: Facts, node: str, period: Period) -> Kpi:
    """Entities drawn over entities eligible, summed over the draws completed in the period (each draw's own ratio
    in its record, `counted` when it is at least 3 %)."""
    prefix = prefix_of(node)
    draws = sorted(
        (
            d
            for d in facts.draws.values()
            if d.node.startswith(prefix) and period.holds(d.completed_on) and d.eligible and d.picks is not None
        ),
        key=lambda d: (d.completed_on, d.draw_id),
    )
    records = []
    for d in draws:
        assert d.eligible and d.picks is not None
        own = Fraction(d.picks, d.eligible)
        records.append(
            {
                "draw_id": d.draw_id,
                "node": d.node,
                "task_ids": list(d.task_ids),
                "picks": d.picks,
                "eligible": d.eligible,
                "ratio": round(float(own), 6),
                "counted": own >= TARGETS["ratio"].minimum,
            }
        )
    return Kpi("ratio", sum(r["picks"] for r in records), sum(r["eligible"] for r in records), records)


def _inspection_record(i: InspectionFact, counted: bool) -> dict[str, Any]:
    return {
        "result_id": i.result_id,
        "visit_id": i.visit_id,
        "node": i.node,
        "uscc": i.uscc,
        "task_ids": list(i.task_ids),
        "overall": i.overall,
        "approved_on": i.approved_on.isoformat(),
        "counted": counted,
    }


KPIS: dict[str, Callable[[Facts, str, Period], Kpi]] = {
    "joint_tasks": joint_tasks,
    "joint_entities": joint_entities,
    "credit_differentiated": credit_differentiated,
    "results_published": results_published,
    "follow_up": follow_up,
    "ratio": ratio,
}


def all_kpis(facts: Facts, node: str, period: Period) -> list[Kpi]:
    """Every KPI of `node`'s subtree over the period, in 003's order."""
    return [compute(facts, node, period) for compute in KPIS.values()]


def nodes_in(facts: Facts, node: str) -> list[str]:
    """Every node of `node`'s subtree that some fact names (the nodes that have something to count), sorted."""
    prefix = prefix_of(node)
    seen: set[str] = set()
    for group in (facts.tasks.values(), facts.draws.values(), facts.inspections.values()):
        seen.update(x.node for x in group)
    return sorted(n for n in seen if n.startswith(prefix))


def below_target(facts: Facts, node: str, period: Period) -> list[dict[str, Any]]:
    """The nodes under `node` (itself excluded) whose own subtree misses a target, each with the KPIs missed."""
    found = []
    for below in _levels_under(facts, node):
        missed = [k.summary() for k in all_kpis(facts, below, period) if k.met is False]
        if missed:
            found.append({"node": below, "missed": missed})
    return found


def _levels_under(facts: Facts, node: str) -> list[str]:
    """The cities and counties under `node` that facts name, each city counted for its counties too."""
    codes: set[str] = set()
    for code in nodes_in(facts, node):
        if not code.endswith("0000"):
            codes.add(code[:4] + "00")  # its city (or itself)
        if not code.endswith("00"):
            codes.add(code)
    return sorted(c for c in codes if c != node and c.startswith(prefix_of(node)))
