"""A batch's view of the publication repository: what publishing reads about the batch's results is loaded at once
(`load`, `load_around`), what it writes about them is kept and written at once (`flush`, before the transaction
commits). Publishing runs over it unchanged, event by event, so a batch does exactly what its events one by one do.

Only the reads and writes of publishing results are served here, and only for the results, tasks and entities
loaded; anything else goes through to the repository beneath after a flush (so it reads what was kept here) and
forgets what was loaded (what it writes may change it). Locks are taken once per node and task: they are held
until the transaction ends anyway. Callers do not change what they are handed (publishing builds new content)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from publication.adapters.repository import PublicationRepository, ResultRows, ResultState
from publication.domain.deadlines import TaskDeadline
from publication.domain.records import Kind, Receipt, RecordVersion


class BufferedRepository(PublicationRepository):
    """The repository as one batch of result events sees it, over `inner` (the unit of work's)."""

    def __init__(self, inner: PublicationRepository) -> None:
        self.inner = inner
        self.rows = ResultRows()
        self._chains: set[str] = set()
        self._task_locks: set[str] = set()
        self._forget()

    # -- loading and writing -------------------------------------------------------------------

    def load(self, result_ids: Collection[str]) -> None:
        """Read the state of these results (approved versions, decision, public versions, changes, follow-ups,
        confirmation) in a few queries; call under the locks of their nodes."""
        fresh = set(result_ids) - self._results
        if not fresh:
            return
        self.flush()
        found = self.inner.result_state(fresh)
        for name in ("approved", "decisions", "versions", "changes", "follow_ups"):
            getattr(self._state, name).update(getattr(found, name))
        self._state.confirmed |= found.confirmed
        self._results |= fresh

    def load_around(self, task_ids: Collection[str], usccs: Collection[str]) -> None:
        """Read these tasks, their deadlines and these entities' kinds at once; call under the tasks' locks."""
        tasks, entities = set(task_ids) - self._task_ids, set(usccs) - self._usccs
        if tasks:
            self._tasks.update(self.inner.tasks(sorted(tasks)))
            self._deadlines.update({d.task_id: d for d in self.inner.task_deadlines(sorted(tasks))})
            self._task_ids |= tasks
        if entities:
            self._kinds.update(self.inner.entity_kinds(entities))
            self._usccs |= entities

    def flush(self) -> None:
        """Write what was kept into the transaction."""
        if self.rows:
            rows, self.rows = self.rows, ResultRows()
            self.inner.write_results(rows)

    def _forget(self) -> None:
        self._state = ResultState()
        self._results: set[str] = set()
        self._tasks: dict[str, dict[str, Any]] = {}
        self._deadlines: dict[str, TaskDeadline] = {}
        self._task_ids: set[str] = set()
        self._kinds: dict[str, str] = {}
        self._usccs: set[str] = set()
        self._receipts: dict[str, Receipt | None] = {}
        self._withheld: set[str] = set()

    def _through(self) -> PublicationRepository:
        self.flush()
        self._forget()
        return self.inner

    # -- served here ----------------------------------------------------------------------------

    def lock_chain(self, node: str) -> None:
        if node not in self._chains:
            self.inner.lock_chain(node)
            self._chains.add(node)

    def lock_task(self, task_id: str) -> None:
        if task_id not in self._task_locks:
            self.inner.lock_task(task_id)
            self._task_locks.add(task_id)

    def add_approved(self, result_id: str, version: int, node: str, payload: dict[str, Any], event_id: str,
                     at: datetime) -> bool:  # fmt: skip
        if result_id not in self._results:
            return self._through().add_approved(result_id, version, node, payload, event_id, at)
        kept = self._state.approved.setdefault(result_id, {})
        if version in kept:
            return False
        kept[version] = payload
        row = dict(result_id=result_id, version=version, node=node, payload=payload, event_id=event_id, received_at=at)
        self.rows.approved.append(row)
        return True

    def approved(self, result_id: str) -> dict[str, Any] | None:
        if result_id not in self._results:
            return self._through().approved(result_id)
        kept = self._state.approved.get(result_id)
        return kept[max(kept)] if kept else None

    def add_decision(self, result_id: str, node: str, public: bool, payload: dict[str, Any], event_id: str,
                     at: datetime) -> bool:  # fmt: skip
        if result_id not in self._results:
            return self._through().add_decision(result_id, node, public, payload, event_id, at)
        if result_id in self._state.decisions:
            return False
        self._state.decisions[result_id] = payload
        row = dict(result_id=result_id, node=node, public=public, payload=payload, event_id=event_id, received_at=at)
        self.rows.decisions.append(row)
        return True

    def decision(self, result_id: str) -> dict[str, Any] | None:
        if result_id not in self._results:
            return self._through().decision(result_id)
        return self._state.decisions.get(result_id)

    def tasks(self, task_ids: list[str]) -> dict[str, dict[str, Any]]:
        if not set(task_ids) <= self._task_ids:
            return self._through().tasks(task_ids)
        return {t: self._tasks[t] for t in task_ids if t in self._tasks}

    def follow_ups(self, result_id: str) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
        if result_id not in self._results:
            return self._through().follow_ups(result_id)
        return list(self._state.follow_ups.get(result_id, []))

    def entity_kind(self, uscc: str) -> str | None:
        if uscc not in self._usccs:
            return self._through().entity_kind(uscc)
        return self._kinds.get(uscc)

    def last_receipt(self, node: str) -> Receipt | None:
        if node not in self._receipts:
            self._receipts[node] = self.inner.last_receipt(node)  # none of the node's is kept here yet
        return self._receipts[node]

    def add_receipt(self, receipt: Receipt) -> None:
        self.last_receipt(receipt.node)
        self.rows.receipts.append(receipt)
        self._receipts[receipt.node] = receipt

    def add_record(self, record: RecordVersion) -> None:
        if record.kind != "result" or record.record_id not in self._results:
            return self._through().add_record(record)
        self._state.versions.setdefault(record.record_id, []).append(record)
        self.rows.records.append(record)

    def versions(self, kind: Kind, record_id: str) -> list[RecordVersion]:
        if kind != "result" or record_id not in self._results:
            return self._through().versions(kind, record_id)
        return list(self._state.versions.get(record_id, []))

    def changes(self, kind: Kind, record_id: str) -> list[dict[str, Any]]:
        if kind != "result" or record_id not in self._results:
            return self._through().changes(kind, record_id)
        return list(self._state.changes.get(record_id, []))

    def add_withheld(self, result_id: str, node: str, task_ids: list[str], reason: str, source_sha256: str,
                     at: datetime, event_id: str) -> None:  # fmt: skip
        if result_id not in self._results:
            return self._through().add_withheld(result_id, node, task_ids, reason, source_sha256, at, event_id)
        if result_id not in self._withheld:  # the first is kept, as the table's key keeps it
            self._withheld.add(result_id)
            row = dict(result_id=result_id, node=node, task_ids=task_ids, reason=reason, source_sha256=source_sha256,
                       withheld_at=at, event_id=event_id)  # fmt: skip
            self.rows.withheld.append(row)

    def task_deadlines(self, task_ids: list[str]) -> list[TaskDeadline]:
        if not set(task_ids) <= self._task_ids:
            return self._through().task_deadlines(task_ids)
        return [self._deadlines[t] for t in sorted(set(task_ids)) if t in self._deadlines]

    def add_confirmation(self, confirmation: dict[str, Any]) -> bool:
        result_id = confirmation["result_id"]
        if result_id not in self._results:
            return self._through().add_confirmation(confirmation)
        if result_id in self._state.confirmed:
            return False
        self._state.confirmed.add(result_id)
        self.rows.confirmations.append(confirmation)
        return True

    # -- through to the repository beneath -------------------------------------------------------

    def add_task_source(self, task_id: str, node: str, payload: dict[str, Any], event_id: str) -> None:
        self._through().add_task_source(task_id, node, payload, event_id)

    def add_follow_up(self, follow_up_id: str, step: str, result_id: str, node: str, payload: dict[str, Any],
                      event_id: str) -> bool:  # fmt: skip
        return self._through().add_follow_up(follow_up_id, step, result_id, node, payload, event_id)

    def add_check_item(self, item_id: str, version: int, node: str, payload: dict[str, Any], event_id: str) -> bool:
        return self._through().add_check_item(item_id, version, node, payload, event_id)

    def check_items(self, node: str) -> list[dict[str, Any]]:
        return self._through().check_items(node)

    def add_draw(self, draw_id: str, node: str, task_ids: list[str], payload: dict[str, Any], event_id: str) -> bool:
        return self._through().add_draw(draw_id, node, task_ids, payload, event_id)

    def draw(self, draw_id: str) -> dict[str, Any] | None:
        return self._through().draw(draw_id)

    def draws_naming_task(self, task_id: str) -> list[str]:
        return self._through().draws_naming_task(task_id)

    def add_dispatch(self, assignment_id: str, draw_id: str, target_node: str, payload: dict[str, Any],
                     event_id: str) -> bool:  # fmt: skip
        return self._through().add_dispatch(assignment_id, draw_id, target_node, payload, event_id)

    def dispatches(self, draw_id: str, target_node: str) -> list[dict[str, Any]]:
        return self._through().dispatches(draw_id, target_node)

    def set_entity_kinds(self, entities: list[tuple[str, str, int]]) -> None:
        self._through().set_entity_kinds(entities)

    def entity_kinds(self, usccs: Collection[str]) -> dict[str, str]:
        return self._through().entity_kinds(usccs)

    def results_naming_task(self, task_id: str) -> list[str]:
        return self._through().results_naming_task(task_id)

    def withheld(self, node_prefix: str) -> list[dict[str, Any]]:
        return self._through().withheld(node_prefix)

    def kind_of(self, record_id: str) -> Kind | None:
        return self._through().kind_of(record_id)

    def add_change(self, kind: Kind, record_id: str, change: dict[str, Any]) -> int:
        return self._through().add_change(kind, record_id, change)

    def result_state(self, result_ids: Collection[str]) -> ResultState:
        return self._through().result_state(result_ids)

    def write_results(self, rows: ResultRows) -> None:
        self._through().write_results(rows)

    def record_versions(self, keys: Collection[tuple[Kind, str, int]]) -> list[RecordVersion]:
        return self._through().record_versions(keys)

    def add_task_deadline(self, deadline: TaskDeadline, event_id: str, at: datetime) -> bool:
        return self._through().add_task_deadline(deadline, event_id, at)

    def confirmation(self, result_id: str) -> dict[str, Any] | None:
        return self._through().confirmation(result_id)

    def deadline_rows(self, node_prefixes: tuple[str, ...]) -> list[dict[str, Any]]:
        return self._through().deadline_rows(node_prefixes)

    def flag_missed(self, task_id: str, result_id: str, node: str, due: date, detected_on: date,
                    at: datetime) -> bool:  # fmt: skip
        return self._through().flag_missed(task_id, result_id, node, due, detected_on, at)

    def missed(self) -> set[tuple[str, str]]:
        return self._through().missed()

    def results_of_entity(self, uscc: str) -> list[RecordVersion]:
        return self._through().results_of_entity(uscc)

    def records(self, kind: Kind, node_prefix: str, year: int | None, limit: int, offset: int,
                result_code: str | None = None) -> list[RecordVersion]:  # fmt: skip
        return self._through().records(kind, node_prefix, year, limit, offset, result_code)

    def receipts(self, node: str, after: int = 0, limit: int | None = None) -> list[Receipt]:
        return self._through().receipts(node, after, limit)

    def contents_of(self, node: str) -> dict[tuple[str, str, int], dict[str, Any]]:
        return self._through().contents_of(node)
