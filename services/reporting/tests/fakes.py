"""An in-memory reporting repository that merges facts by the same rules as the SQL one
(tests/integration/test_repository_contract.py runs both)."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from reporting.adapters.repository import ReportingRepository
from reporting.domain.facts import (
    Confirmation,
    DrawFact,
    Facts,
    FollowUpFact,
    InspectionFact,
    MissedDeadline,
    TaskFact,
    prefix_of,
)
from reporting.domain.merging import merge_draw, merge_follow_up, merge_inspection, merge_task


class FakeReportingRepository(ReportingRepository):
    def __init__(self) -> None:
        self.kept = Facts()
        self.missed: dict[tuple[str, str], MissedDeadline] = {}
        self.entry_versions: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.submitted: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def keep_task(self, fact: TaskFact) -> None:
        self.kept.tasks[fact.task_id] = merge_task(self.kept.tasks.get(fact.task_id), fact)

    def keep_draw(self, fact: DrawFact) -> None:
        self.kept.draws[fact.draw_id] = merge_draw(self.kept.draws.get(fact.draw_id), fact)

    def keep_inspection(self, fact: InspectionFact) -> None:
        self.kept.inspections[fact.visit_id] = merge_inspection(self.kept.inspections.get(fact.visit_id), fact)

    def keep_confirmation(self, fact: Confirmation) -> None:
        self.kept.confirmations.setdefault(fact.result_id, fact)

    def keep_follow_up(self, fact: FollowUpFact) -> None:
        self.kept.follow_ups[fact.follow_up_id] = merge_follow_up(self.kept.follow_ups.get(fact.follow_up_id), fact)

    def keep_missed(self, fact: MissedDeadline) -> None:
        self.missed.setdefault((fact.task_id, fact.result_id), fact)

    def facts(self, node: str) -> Facts:
        prefix = prefix_of(node)

        def under(found: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in found.items() if v.node.startswith(prefix)}

        inspections = under(self.kept.inspections)
        referred = {t for i in inspections.values() for t in i.task_ids}
        return Facts(
            tasks={k: v for k, v in self.kept.tasks.items() if v.node.startswith(prefix) or k in referred},
            draws=under(self.kept.draws),
            inspections=inspections,
            confirmations=under(self.kept.confirmations),
            follow_ups=under(self.kept.follow_ups),
            missed=[m for _, m in sorted(self.missed.items()) if m.node.startswith(prefix)],
        )

    def add_entries(self, node: str, month: str, entries: dict[str, Any], by: str, at: datetime) -> int:
        versions = self.entry_versions.setdefault((node, month), [])
        versions.append({"entries": copy.deepcopy(entries), "by": by, "at": at})
        return len(versions)

    def entries(self, node: str, month: str) -> tuple[int, dict[str, Any]] | None:
        versions = self.entry_versions.get((node, month))
        return (len(versions), copy.deepcopy(versions[-1]["entries"])) if versions else None

    def add_submission(self, node: str, month: str, record: dict[str, Any]) -> int:
        versions = self.submitted.setdefault((node, month), [])
        versions.append({**copy.deepcopy(record), "version": len(versions) + 1})
        return len(versions)

    def submissions(self, node: str, month: str) -> list[dict[str, Any]]:
        return copy.deepcopy(self.submitted.get((node, month), []))
