"""The monthly report in the form attached to 003 (河北省人社领域"双随机、一公开"监管工作月报表): parts one to three
entered by the node (meetings, documents, trainings), part four what the node itself ran this month, part five the
node's whole system (its subtree). Standard library only."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from reporting.domain.facts import Facts, prefix_of
from reporting.domain.kpis import Period

FORM_TITLE = '人社领域"双随机、一公开"监管工作月报表'


@dataclass(frozen=True)
class Meeting:
    name: str
    held_on: date


@dataclass(frozen=True)
class Document:
    title: str
    number: str


@dataclass(frozen=True)
class Training:
    name: str
    participants: int
    content: str


@dataclass(frozen=True)
class Entries:
    """What the node enters itself (parts 1–3 and the contact lines), one version of it."""

    meetings: tuple[Meeting, ...] = ()
    documents: tuple[Document, ...] = ()
    trainings: tuple[Training, ...] = ()
    contact: str = ""
    phone: str = ""
    mobile: str = ""

    def as_json(self) -> dict[str, Any]:
        """Plain JSON (lists, ISO dates): what is stored and hashed."""
        return {
            "meetings": [{"name": m.name, "held_on": m.held_on.isoformat()} for m in self.meetings],
            "documents": [asdict(d) for d in self.documents],
            "trainings": [asdict(t) for t in self.trainings],
            "contact": self.contact,
            "phone": self.phone,
            "mobile": self.mobile,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Entries:
        return Entries(
            meetings=tuple(Meeting(m["name"], date.fromisoformat(m["held_on"])) for m in data.get("meetings", [])),
            documents=tuple(Document(d["title"], d["number"]) for d in data.get("documents", [])),
            trainings=tuple(
                Training(t["name"], int(t["participants"]), t["content"]) for t in data.get("trainings", [])
            ),
            contact=data.get("contact", ""),
            phone=data.get("phone", ""),
            mobile=data.get("mobile", ""),
        )


@dataclass(frozen=True)
class OwnTask:
    """One task the node itself published this month (part 4)."""

    task_id: str
    number: str | None
    title: str
    scope: str
    picks: int
    eligible: int
    major_items: int
    minor_items: int
    results_published: int

    @property
    def ratio(self) -> str:
        return f"{self.picks / self.eligible * 100:.2f}%" if self.eligible else "—"


@dataclass(frozen=True)
class SystemWide:
    """Part 5: the node's subtree this month."""

    units: int
    entities_inspected: int
    results_published: int


@dataclass
class MonthlyReport:
    node: str
    node_name: str
    year: int
    month: int
    entries: Entries
    entries_version: int | None
    own_tasks: list[OwnTask] = field(default_factory=list)
    system: SystemWide = SystemWide(0, 0, 0)
    publication_site: str = ""
    filled_on: date | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "node_name": self.node_name,
            "month": f"{self.year:04d}-{self.month:02d}",
            "entries_version": self.entries_version,
            "entries": self.entries.as_json(),
            "own_tasks": [{**asdict(t), "ratio": t.ratio} for t in self.own_tasks],
            "system": asdict(self.system),
            "publication_site": self.publication_site,
            "filled_on": self.filled_on.isoformat() if self.filled_on else None,
        }


def month_period(year: int, month: int) -> Period:
    """The CST dates of a calendar month."""
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return Period(start, date.fromordinal(end.toordinal() - 1))


def _scope(regions: tuple[str, ...], object_types: tuple[str, ...], node: str) -> str:
    where = "、".join(regions) if regions else f"{node} 全辖区"
    what = "、".join(object_types) if object_types else "各类检查对象"
    return f"{where}；{what}"


def build(
    facts: Facts,
    node: str,
    node_name: str,
    year: int,
    month: int,
    entries: Entries,
    entries_version: int | None,
    publication_site: str,
    filled_on: date | None = None,
) -> MonthlyReport:
    """The report of `node` for the month from the facts of its subtree and the node's own entries."""
    period = month_period(year, month)
    prefix = prefix_of(node)
    own = []
    for task in sorted(facts.tasks.values(), key=lambda t: (t.published_on or date.min, t.task_id)):
        if task.node != node or task.cancelled or not period.holds(task.published_on):
            continue
        draws = [d for d in facts.draws.values() if task.task_id in d.task_ids and d.picks is not None]
        results = {i.result_id for i in facts.inspections.values() if task.task_id in i.task_ids}
        published = sum(
            1
            for r in results
            if (c := facts.confirmations.get(r)) is not None and c.public and period.holds(c.confirmed_on)
        )
        own.append(
            OwnTask(
                task_id=task.task_id,
                number=task.number,
                title=task.title,
                scope=_scope(task.regions, task.object_types, node),
                picks=sum(d.picks or 0 for d in draws),
                eligible=sum(d.eligible or 0 for d in draws),
                major_items=task.major_items,
                minor_items=task.minor_items,
                results_published=published,
            )
        )
    inspected = [i for i in facts.inspections.values() if i.node.startswith(prefix) and period.holds(i.approved_on)]
    published_here = [
        c
        for c in facts.confirmations.values()
        if c.node.startswith(prefix) and c.public and period.holds(c.confirmed_on)
    ]
    system = SystemWide(
        units=len({i.node for i in inspected}),
        entities_inspected=len({i.uscc for i in inspected}),
        results_published=len(published_here),
    )
    return MonthlyReport(
        node, node_name, year, month, entries, entries_version, own, system, publication_site, filled_on
    )
