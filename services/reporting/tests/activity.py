"""A year of generated activity across a province, two cities and four counties, as the events the other services
publish, with the answers known from what was generated (counted here by plain loops over the generator's own
records, not by the service's code): every KPI per node and period, every cell of the monthly report per node and
month. Seeded: the same seed gives the same events and answers."""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

from pydantic import BaseModel

from hrss.contracts import Node
from hrss.contracts.events.draw import DrawCommitted, DrawCompleted, Roots
from hrss.contracts.events.inspection import (
    FollowUpClosed,
    FollowUpOpened,
    Inspector,
    ItemResult,
    RecordForm,
    ResultApproved,
)
from hrss.contracts.events.planning import (
    Acting,
    KpiFacts,
    RatioSpec,
    ScopeSpec,
    TaskCancelled,
    TaskItemSpec,
    TaskPublished,
    TaskState,
)
from hrss.contracts.events.publication import DeadlineMissed, Receipt, ResultConfirmed

PROVINCE = "330000"
CITIES = {"330100": ("330102", "330106"), "330200": ("330203", "330205")}
COUNTIES = tuple(c for cs in CITIES.values() for c in cs)
NODES = (PROVINCE, *CITIES, *COUNTIES)
YEAR = 2026
CST = timezone(timedelta(hours=8))
CATEGORIES = ("no_problem", "corrected", "pending_follow_up", "refused", "unreachable", "no_activity", "closed")
PROBLEMS = {"corrected", "pending_follow_up", "refused"}
HASH = "a" * 64


def _at(day: date, hour_cst: int) -> datetime:
    """A UTC timestamp at `hour_cst` o'clock CST on `day` (late hours are the previous day in UTC)."""
    return datetime(day.year, day.month, day.day, hour_cst, tzinfo=CST).astimezone(UTC)


@dataclass
class Task:
    task_id: str
    node: str
    number: str
    title: str
    joint: bool
    credit: bool
    major: int
    minor: int
    published_on: date
    cancelled: bool
    regions: tuple[str, ...]


@dataclass
class Draw:
    draw_id: str
    node: str
    task_ids: tuple[str, ...]
    eligible: int
    picks: int
    completed_on: date


@dataclass
class Inspection:
    result_id: str
    visit_id: str
    node: str
    uscc: str
    task_ids: tuple[str, ...]
    overall: str
    approved_on: date
    confirmed_on: date | None
    public: bool
    follow_ups: list[tuple[date, date | None]]  # (opened, closed)


@dataclass
class Activity:
    events: list[BaseModel] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    draws: list[Draw] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _state(t: Task, task_uuid: uuid.UUID) -> TaskState:
    ratio = RatioSpec(kind="fraction", numerator=3, denominator=100)
    item = TaskItemSpec(
        item_id="HRSS-01",
        item_version=1,
        name="劳动合同签订情况检查",
        category="general",
        methods=["on_site"],
        object_type="enterprise",
        line="labour_inspection",
        ratio=ratio,
        item_ratio=ratio,
    )
    return TaskState(
        task_id=task_uuid,
        node=t.node,
        number=t.number,
        title=t.title,
        year=YEAR,
        status="published",
        items=[item],
        lines=["labour_inspection"],
        departments=["人社"] + (["市场监管"] if t.joint else []),
        implementing_nodes=[t.node],
        unified=False,
        scope=ScopeSpec(region_codes=list(t.regions), object_types=["enterprise"], tags=[], grades=[]),
        draw_regions=[t.node],
        grade_ratios=[],
        exclude_inspected_within_months=0,
        team_size=2,
        publish_drawn_list=True,
        prior_notice=False,
        start=t.published_on,
        end=date(YEAR, 12, 31),
        plan_id=None,
        plan_version=None,
        ad_hoc_reason=None,
        draw_group=None,
        kpi=KpiFacts(joint=t.joint, credit_differentiated=t.credit, major_items=t.major, minor_items=t.minor),
    )


def _counties_under(node: str) -> tuple[str, ...]:
    return tuple(c for c in COUNTIES if Node(node).contains(Node(c)))


def generate(seed: int = 20, months: int = 12) -> Activity:
    """Events and records of `months` months of year 2026, from `seed`."""
    rng = random.Random(seed)
    found = Activity()
    entities = {c: [f"91{c}{n:010d}" for n in range(40)] for c in COUNTIES}
    inspectors = [Inspector(inspector_id=_uuid(rng), credential_no=f"ZJ{n:04d}") for n in range(2)]
    serial = 0
    for month in range(1, months + 1):
        for node in NODES:
            for _ in range(rng.randint(0, 2)):
                serial += 1
                last = (date(YEAR + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
                day = date(YEAR, month, rng.choice([1, 10, last]))
                task_uuid = _uuid(rng)
                task = Task(
                    str(task_uuid),
                    node,
                    f"人社抽〔{YEAR}〕{serial}号",
                    f"{node} 第 {serial} 号随机抽查任务",
                    joint=rng.random() < 0.45,
                    credit=rng.random() < 0.85,
                    major=rng.randint(1, 3),
                    minor=rng.randint(1, 9),
                    published_on=day,
                    cancelled=rng.random() < 0.1,
                    regions=(node,) if rng.random() < 0.5 else (),
                )
                found.tasks.append(task)
                acting = Acting(user_id="planner", node=node)
                state = _state(task, task_uuid)
                # 07:00 CST on the 1st is still the previous month in UTC: the month counted is CST's
                hour = 7 if day.day == 1 else 10
                found.events.append(
                    TaskPublished(
                        task=state,
                        from_status="draft",
                        to_status="published",
                        actor=acting,
                        at=_at(day, hour),
                        reason=None,
                    )
                )
                if task.cancelled:
                    found.events.append(
                        TaskCancelled(
                            task=state,
                            from_status="published",
                            to_status="cancelled",
                            actor=acting,
                            at=_at(day, 12),
                            reason="撤销",
                        )
                    )
                    continue
                _draw_and_inspect(rng, found, task, task_uuid, entities, inspectors)
    return found


def _draw_and_inspect(
    rng: random.Random,
    found: Activity,
    task: Task,
    task_uuid: uuid.UUID,
    entities: dict[str, list[str]],
    inspectors: list[Inspector],
) -> None:
    eligible = rng.randint(50, 400)
    picks = max(1, round(eligible * rng.choice([0.02, 0.03, 0.05, 0.1])))
    drawn_on = task.published_on + timedelta(days=rng.randint(0, 20))
    draw = Draw(str(_uuid(rng)), task.node, (task.task_id,), eligible, picks, drawn_on)
    found.draws.append(draw)
    draw_uuid = uuid.UUID(draw.draw_id)
    roots = Roots(task_hash=HASH, frame_root=HASH, roster_root=HASH, recusal_root=HASH)
    found.events.append(
        DrawCommitted(
            draw_id=draw_uuid,
            task_ids=[task_uuid],
            node=task.node,
            algorithm="x",
            profile="p",
            commitments=roots,
            frame_size=eligible + 10,
            eligible=eligible,
            randomness_plan="r",
            committed_at=_at(drawn_on, 9),
        )
    )
    found.events.append(
        DrawCompleted(
            draw_id=draw_uuid,
            task_ids=[task_uuid],
            node=task.node,
            seed=HASH,
            picks=picks,
            dispatched={},
            completed_at=_at(drawn_on, 11),
        )
    )
    for _ in range(min(picks, rng.randint(0, 4))):
        county = rng.choice(_counties_under(task.node))
        uscc = rng.choice(entities[county])
        approved_on = drawn_on + timedelta(days=rng.randint(1, 40))
        if approved_on.year != YEAR:
            continue
        _inspect(rng, found, task, county, uscc, approved_on, inspectors)


def _inspect(
    rng: random.Random,
    found: Activity,
    task: Task,
    county: str,
    uscc: str,
    approved_on: date,
    inspectors: list[Inspector],
) -> None:
    result_id, visit_id = _uuid(rng), _uuid(rng)
    overall = rng.choice(CATEGORIES)
    public = rng.random() < 0.95
    confirmed_on = approved_on + timedelta(days=rng.randint(0, 30)) if rng.random() < 0.85 else None
    if confirmed_on is not None and confirmed_on.year != YEAR:
        confirmed_on = None
    task_uuid = uuid.UUID(task.task_id)
    item = ItemResult(
        task_id=task_uuid,
        item_id="HRSS-01",
        item_version=1,
        item_name="劳动合同",
        category=overall,
        methods=["on_site"],
    )
    record = RecordForm(
        inspected_on=approved_on, inspectors=inspectors, entity_signed=True, methods=["on_site"], record_sha256=HASH
    )
    inspection = Inspection(
        str(result_id), str(visit_id), county, uscc, (task.task_id,), overall, approved_on, confirmed_on, public, []
    )
    found.inspections.append(inspection)
    approved = dict(
        result_id=result_id,
        visit_id=visit_id,
        node=county,
        uscc=uscc,
        entity_name="某公司",
        region_code=county,
        task_ids=[task_uuid],
        overall=overall,
        items=[item],
        record=record,
        public=public,
        reviewer="r",
    )
    if rng.random() < 0.1:  # an earlier version read after the later one changes nothing
        found.events.append(ResultApproved(version=2, approved_at=_at(approved_on, 15), **approved))
        found.events.append(
            ResultApproved(version=1, approved_at=_at(approved_on - timedelta(days=40), 15), **approved)
        )
    else:
        found.events.append(ResultApproved(version=1, approved_at=_at(approved_on, 15), **approved))
    if confirmed_on is not None:
        receipt = Receipt(seq=1, previous_sha256=HASH, receipt_sha256=HASH) if public else None
        found.events.append(
            ResultConfirmed(
                result_id=result_id,
                visit_id=visit_id,
                node=county,
                task_ids=[task_uuid],
                public=public,
                withheld_reason=None if public else "依法不予公开",
                content_sha256=HASH,
                record_version=1 if public else None,
                receipt=receipt,
                due=approved_on + timedelta(days=28),
                on_time=True,
                confirmed_at=_at(confirmed_on, 16),
            )
        )
    else:
        found.events.append(
            DeadlineMissed(
                task_id=task_uuid,
                result_id=result_id,
                node=county,
                supervisor=county[:4] + "00",
                completed_on=approved_on,
                due=approved_on + timedelta(days=28),
                detected_on=approved_on + timedelta(days=29),
            )
        )
    if overall in PROBLEMS or rng.random() < 0.05:
        for _ in range(rng.randint(0 if overall in PROBLEMS else 1, 2)):
            follow_id = _uuid(rng)
            opened = approved_on + timedelta(days=1)
            closed = opened + timedelta(days=rng.randint(1, 30)) if rng.random() < 0.7 else None
            inspection.follow_ups.append((opened, closed))
            if closed is not None and rng.random() < 0.3:  # the close read before the opening
                found.events.append(_closed(follow_id, result_id, county, closed))
                found.events.append(_opened(follow_id, result_id, county, uscc, opened))
            else:
                found.events.append(_opened(follow_id, result_id, county, uscc, opened))
                if closed is not None:
                    found.events.append(_closed(follow_id, result_id, county, closed))


def _opened(follow_id: uuid.UUID, result_id: uuid.UUID, node: str, uscc: str, on: date) -> FollowUpOpened:
    return FollowUpOpened(
        follow_up_id=follow_id,
        result_id=result_id,
        node=node,
        uscc=uscc,
        kind="correction",
        due=on + timedelta(days=30),
        target=None,
        opened_at=_at(on, 10),
    )


def _closed(follow_id: uuid.UUID, result_id: uuid.UUID, node: str, on: date) -> FollowUpClosed:
    return FollowUpClosed(
        follow_up_id=follow_id, result_id=result_id, node=node, outcome="已改正", closed_on=on, closed_at=_at(on, 10)
    )


# -- the known answers ---------------------------------------------------------------------------


def _under(node: str, other: str) -> bool:
    return Node(node).contains(Node(other))


def expected_kpis(a: Activity, node: str, start: date, end: date) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) of each KPI for `node`'s subtree, counted from the generated records."""
    tasks = [t for t in a.tasks if _under(node, t.node) and not t.cancelled and start <= t.published_on <= end]
    by_id = {t.task_id: t for t in a.tasks}
    insp = [i for i in a.inspections if _under(node, i.node) and start <= i.approved_on <= end]
    joint_entities: dict[str, bool] = {}
    for i in insp:
        joint_entities[i.uscc] = joint_entities.get(i.uscc, False) or any(by_id[t].joint for t in i.task_ids)
    problems = [i for i in insp if i.overall in PROBLEMS]
    followed = [i for i in problems if i.follow_ups and all(closed is not None for _, closed in i.follow_ups)]
    draws = [d for d in a.draws if _under(node, d.node) and start <= d.completed_on <= end]
    return {
        "joint_tasks": (sum(t.joint for t in tasks), len(tasks)),
        "joint_entities": (sum(joint_entities.values()), len(joint_entities)),
        "credit_differentiated": (sum(any(by_id[t].credit for t in i.task_ids) for i in insp), len(insp)),
        "results_published": (sum(i.confirmed_on is not None for i in insp), len(insp)),
        "follow_up": (len(followed), len(problems)),
        "ratio": (sum(d.picks for d in draws), sum(d.eligible for d in draws)),
    }


def expected_below_target(a: Activity, node: str, start: date, end: date) -> dict[str, set[str]]:
    """For each city and county under `node`: the KPIs it misses (denominator > 0 and below 003's target)."""
    targets = {
        "joint_tasks": Fraction(2, 5),
        "joint_entities": Fraction(1, 4),
        "credit_differentiated": Fraction(17, 20),
        "results_published": Fraction(1),
        "follow_up": Fraction(1),
        "ratio": Fraction(3, 100),
    }
    found = {}
    for below in NODES:
        if below == node or not _under(node, below):
            continue
        missed = {k for k, (n, d) in expected_kpis(a, below, start, end).items() if d and Fraction(n, d) < targets[k]}
        if missed:
            found[below] = missed
    return found


def expected_report(a: Activity, node: str, month: int) -> dict[str, Any]:
    """Part 4 (the node's own tasks published in the month) and part 5 (its subtree) as counted from the records."""
    start = date(YEAR, month, 1)
    end = date(YEAR + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    own = []
    for t in sorted(a.tasks, key=lambda t: (t.published_on, t.task_id)):
        if t.node != node or t.cancelled or not start <= t.published_on <= end:
            continue
        draws = [d for d in a.draws if t.task_id in d.task_ids]
        results = [i for i in a.inspections if t.task_id in i.task_ids]
        own.append(
            {
                "number": t.number,
                "picks": sum(d.picks for d in draws),
                "eligible": sum(d.eligible for d in draws),
                "major_items": t.major,
                "minor_items": t.minor,
                "results_published": sum(
                    1 for i in results if i.public and i.confirmed_on is not None and start <= i.confirmed_on <= end
                ),
            }
        )
    insp = [i for i in a.inspections if _under(node, i.node) and start <= i.approved_on <= end]
    published = [
        i
        for i in a.inspections
        if _under(node, i.node) and i.public and i.confirmed_on and start <= i.confirmed_on <= end
    ]
    return {
        "own": own,
        "units": len({i.node for i in insp}),
        "entities_inspected": len({i.uscc for i in insp}),
        "results_published": len(published),
    }


def digest(events: list[BaseModel]) -> str:
    """A fingerprint of the generated events (the same seed, the same events)."""
    return hashlib.sha256("".join(e.model_dump_json() for e in events).encode()).hexdigest()
