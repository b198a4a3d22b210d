"""In-memory stand-ins for the publication service's repository, for handler tests in milliseconds. It behaves as
the SQL one does (tests/integration/test_repository_contract.py runs both)."""

from __future__ import annotations

import copy
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from publication.adapters.repository import PublicationRepository, ResultRows, ResultState
from publication.domain.deadlines import TaskDeadline
from publication.domain.records import Kind, Receipt, RecordVersion


class FakePublicationRepository(PublicationRepository):
    """The publication repository in lists and dicts; locks are not needed in one thread."""

    def __init__(self) -> None:
        self.approved_rows: dict[tuple[str, int], dict[str, Any]] = {}
        self.decisions: dict[str, tuple[bool, dict[str, Any]]] = {}
        self.task_rows: dict[str, list[dict[str, Any]]] = {}
        self.kinds: dict[str, tuple[str, int]] = {}
        self.records_kept: list[RecordVersion] = []
        self.receipts_kept: list[Receipt] = []
        self.withheld_rows: dict[str, dict[str, Any]] = {}
        self.approved_nodes: dict[str, str] = {}
        self.follow_up_rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.change_rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.check_item_rows: dict[tuple[str, int], tuple[str, dict[str, Any]]] = {}
        self.draw_rows: dict[str, dict[str, Any]] = {}
        self.dispatch_rows: dict[str, tuple[str, str, dict[str, Any]]] = {}
        self.deadlines: dict[str, TaskDeadline] = {}
        self.confirmations: dict[str, dict[str, Any]] = {}
        self.missed_rows: dict[tuple[str, str], dict[str, Any]] = {}

    def add_approved(self, result_id: str, version: int, node: str, payload: dict[str, Any], event_id: str,
                     at: datetime) -> bool:  # fmt: skip
        if (result_id, version) in self.approved_rows:
            return False
        self.approved_rows[(result_id, version)] = copy.deepcopy(payload)
        self.approved_nodes[result_id] = node
        return True

    def approved(self, result_id: str) -> dict[str, Any] | None:
        found = sorted((v, p) for (r, v), p in self.approved_rows.items() if r == result_id)
        return copy.deepcopy(found[-1][1]) if found else None

    def add_decision(self, result_id: str, node: str, public: bool, payload: dict[str, Any], event_id: str,
                     at: datetime) -> bool:  # fmt: skip
        if result_id in self.decisions:
            return False
        self.decisions[result_id] = (public, copy.deepcopy(payload))
        return True

    def decision(self, result_id: str) -> dict[str, Any] | None:
        found = self.decisions.get(result_id)
        return copy.deepcopy(found[1]) if found else None

    def add_task_source(self, task_id: str, node: str, payload: dict[str, Any], event_id: str) -> None:
        self.task_rows.setdefault(task_id, []).append(copy.deepcopy(payload))

    def tasks(self, task_ids: list[str]) -> dict[str, dict[str, Any]]:
        return {t: copy.deepcopy(self.task_rows[t][-1]) for t in task_ids if t in self.task_rows}

    def add_follow_up(self, follow_up_id: str, step: str, result_id: str, node: str, payload: dict[str, Any],
                      event_id: str) -> bool:  # fmt: skip
        if (follow_up_id, step) in self.follow_up_rows:
            return False
        self.follow_up_rows[(follow_up_id, step)] = {"result_id": result_id, "payload": copy.deepcopy(payload)}
        return True

    def follow_ups(self, result_id: str) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
        mine = {k: v["payload"] for k, v in self.follow_up_rows.items() if v["result_id"] == result_id}
        opened = {f: p for (f, step), p in mine.items() if step == "opened"}
        order = sorted(opened, key=lambda f: (opened[f]["opened_at"], f))
        return [(copy.deepcopy(opened[f]), copy.deepcopy(mine.get((f, "closed")))) for f in order]

    def add_check_item(self, item_id: str, version: int, node: str, payload: dict[str, Any], event_id: str) -> bool:
        if (item_id, version) in self.check_item_rows:
            return False
        self.check_item_rows[(item_id, version)] = (node, copy.deepcopy(payload))
        return True

    def check_items(self, node: str) -> list[dict[str, Any]]:
        latest: dict[str, tuple[int, dict[str, Any]]] = {}
        for (item_id, version), (n, payload) in self.check_item_rows.items():
            if n == node and (item_id not in latest or latest[item_id][0] < version):
                latest[item_id] = (version, payload)
        found = [copy.deepcopy(p) for _, p in latest.values()]
        return sorted(found, key=lambda p: (p["spec"].get("number", 0), p["number"], p["item_id"]))

    def add_draw(self, draw_id: str, node: str, task_ids: list[str], payload: dict[str, Any], event_id: str) -> bool:
        if draw_id in self.draw_rows:
            return False
        self.draw_rows[draw_id] = {"task_ids": list(task_ids), "payload": copy.deepcopy(payload)}
        return True

    def draw(self, draw_id: str) -> dict[str, Any] | None:
        found = self.draw_rows.get(draw_id)
        return copy.deepcopy(found["payload"]) if found else None

    def draws_naming_task(self, task_id: str) -> list[str]:
        return sorted(d for d, row in self.draw_rows.items() if task_id in row["task_ids"])

    def add_dispatch(self, assignment_id: str, draw_id: str, target_node: str, payload: dict[str, Any],
                     event_id: str) -> bool:  # fmt: skip
        if assignment_id in self.dispatch_rows:
            return False
        self.dispatch_rows[assignment_id] = (draw_id, target_node, copy.deepcopy(payload))
        return True

    def dispatches(self, draw_id: str, target_node: str) -> list[dict[str, Any]]:
        found = [copy.deepcopy(p) for d, n, p in self.dispatch_rows.values() if (d, n) == (draw_id, target_node)]
        return sorted(found, key=lambda p: (p["batch"], p["uscc"], p["assignment_id"]))

    def set_entity_kinds(self, entities: list[tuple[str, str, int]]) -> None:
        for uscc, object_type, version in entities:
            if uscc not in self.kinds or self.kinds[uscc][1] < version:
                self.kinds[uscc] = (object_type, version)

    def entity_kind(self, uscc: str) -> str | None:
        found = self.kinds.get(uscc)
        return found[0] if found else None

    def lock_chain(self, node: str) -> None:
        pass

    def lock_task(self, task_id: str) -> None:
        pass

    def results_naming_task(self, task_id: str) -> list[str]:
        return sorted({r for (r, _), p in self.approved_rows.items() if task_id in [str(t) for t in p["task_ids"]]})

    def last_receipt(self, node: str) -> Receipt | None:
        mine = [r for r in self.receipts_kept if r.node == node]
        return max(mine, key=lambda r: r.seq) if mine else None

    def add_receipt(self, receipt: Receipt) -> None:
        if any((r.node, r.seq) == (receipt.node, receipt.seq) for r in self.receipts_kept):
            raise ValueError("duplicate receipt")
        self.receipts_kept.append(receipt)

    def add_record(self, record: RecordVersion) -> None:
        key = (record.kind, record.record_id, record.version)
        if any((r.kind, r.record_id, r.version) == key for r in self.records_kept):
            raise ValueError("duplicate record version")
        self.records_kept.append(record)

    def versions(self, kind: Kind, record_id: str) -> list[RecordVersion]:
        found = [r for r in self.records_kept if r.kind == kind and r.record_id == record_id]
        return sorted(found, key=lambda r: r.version)

    def add_withheld(self, result_id: str, node: str, task_ids: list[str], reason: str, source_sha256: str,
                     at: datetime, event_id: str) -> None:  # fmt: skip
        self.withheld_rows.setdefault(
            result_id,
            {"result_id": result_id, "node": node, "task_ids": list(task_ids), "reason": reason,
             "source_sha256": source_sha256, "withheld_at": at},
        )  # fmt: skip

    def withheld(self, node_prefix: str) -> list[dict[str, Any]]:
        rows = [dict(r) for r in self.withheld_rows.values() if r["node"].startswith(node_prefix)]
        return sorted(sorted(rows, key=lambda r: r["result_id"]), key=lambda r: r["withheld_at"], reverse=True)

    def kind_of(self, record_id: str) -> Kind | None:
        return next((r.kind for r in self.records_kept if r.record_id == record_id), None)

    def add_change(self, kind: Kind, record_id: str, change: dict[str, Any]) -> int:
        kept = self.change_rows.setdefault((kind, record_id), [])
        kept.append({**copy.deepcopy(change), "at": change["at"].isoformat()})
        return len(kept)

    def changes(self, kind: Kind, record_id: str) -> list[dict[str, Any]]:
        return copy.deepcopy(self.change_rows.get((kind, record_id), []))

    def result_state(self, result_ids: Collection[str]) -> ResultState:
        ids = set(result_ids)
        state = ResultState()
        for (result_id, version), payload in sorted(self.approved_rows.items()):
            if result_id in ids:
                state.approved.setdefault(result_id, {})[version] = copy.deepcopy(payload)
        state.decisions = {r: copy.deepcopy(p) for r, (_, p) in self.decisions.items() if r in ids}
        for r in sorted(ids):
            if found := self.versions("result", r):
                state.versions[r] = found
            if made := self.changes("result", r):
                state.changes[r] = made
            if follow_ups := self.follow_ups(r):
                state.follow_ups[r] = follow_ups
        state.confirmed = ids & set(self.confirmations)
        return state

    def entity_kinds(self, usccs: Collection[str]) -> dict[str, str]:
        return {u: self.kinds[u][0] for u in usccs if u in self.kinds}

    def write_results(self, rows: ResultRows) -> None:
        for row in rows.approved:
            self.add_approved(**{k: v for k, v in row.items() if k != "received_at"}, at=row["received_at"])
        for row in rows.decisions:
            self.add_decision(**{k: v for k, v in row.items() if k != "received_at"}, at=row["received_at"])
        for record in rows.records:
            self.add_record(record)
        for receipt in rows.receipts:
            self.add_receipt(receipt)
        for row in rows.withheld:
            self.add_withheld(**{k: v for k, v in row.items() if k != "withheld_at"}, at=row["withheld_at"])
        for row in rows.confirmations:
            self.add_confirmation(row)

    def record_versions(self, keys: Collection[tuple[Kind, str, int]]) -> list[RecordVersion]:
        wanted = set(keys)
        return [r for r in self.records_kept if (r.kind, r.record_id, r.version) in wanted]

    def add_task_deadline(self, deadline: TaskDeadline, event_id: str, at: datetime) -> bool:
        if deadline.task_id in self.deadlines:
            return False
        self.deadlines[deadline.task_id] = deadline
        return True

    def task_deadlines(self, task_ids: list[str]) -> list[TaskDeadline]:
        return [self.deadlines[t] for t in sorted(set(task_ids)) if t in self.deadlines]

    def add_confirmation(self, confirmation: dict[str, Any]) -> bool:
        if confirmation["result_id"] in self.confirmations:
            return False
        self.confirmations[confirmation["result_id"]] = copy.deepcopy(confirmation)
        return True

    def confirmation(self, result_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.confirmations.get(result_id))

    def deadline_rows(self, node_prefixes: tuple[str, ...]) -> list[dict[str, Any]]:
        latest: dict[str, dict[str, Any]] = {}
        for (result_id, _version), payload in sorted(self.approved_rows.items()):
            latest[result_id] = payload
        rows = []
        for result_id, payload in latest.items():
            node = self.approved_nodes[result_id]
            if not any(node.startswith(p) for p in node_prefixes):
                continue
            for task_id in {str(t) for t in payload["task_ids"]}:
                d = self.deadlines.get(task_id)
                if d is None:
                    continue
                confirmed = self.confirmations.get(result_id)
                rows.append({
                    "task_id": task_id, "result_id": result_id, "node": node,
                    "completed_on": d.completed_on, "due": d.due, "provisional": d.provisional,
                    "confirmed_at": confirmed["confirmed_at"] if confirmed else None,
                })  # fmt: skip
        return sorted(rows, key=lambda r: (r["due"], r["task_id"], r["result_id"]))

    def flag_missed(self, task_id: str, result_id: str, node: str, due: date, detected_on: date,
                    at: datetime) -> bool:  # fmt: skip
        if (task_id, result_id) in self.missed_rows:
            return False
        self.missed_rows[(task_id, result_id)] = {"node": node, "due": due, "detected_on": detected_on}
        return True

    def missed(self) -> set[tuple[str, str]]:
        return set(self.missed_rows)

    def _latest(self, keep: Any) -> list[RecordVersion]:
        latest: dict[tuple[str, str], RecordVersion] = {}
        for r in self.records_kept:
            if keep(r) and ((r.kind, r.record_id) not in latest or latest[(r.kind, r.record_id)].version < r.version):
                latest[(r.kind, r.record_id)] = r
        by_id = sorted(latest.values(), key=lambda r: r.record_id)
        return sorted(by_id, key=lambda r: r.published_at, reverse=True)

    def results_of_entity(self, uscc: str) -> list[RecordVersion]:
        return self._latest(lambda r: r.kind == "result" and r.uscc == uscc)

    def records(self, kind: Kind, node_prefix: str, year: int | None, limit: int, offset: int,
                result_code: str | None = None) -> list[RecordVersion]:  # fmt: skip
        found = self._latest(
            lambda r: r.kind == kind and r.node.startswith(node_prefix) and (year is None or r.year == year)
        )
        if result_code is not None:
            found = [r for r in found if r.content.get("result_code") == result_code]
        return found[offset : offset + limit]

    def receipts(self, node: str, after: int = 0, limit: int | None = None) -> list[Receipt]:
        found = sorted((r for r in self.receipts_kept if r.node == node and r.seq > after), key=lambda r: r.seq)
        return found[:limit] if limit is not None else found

    def contents_of(self, node: str) -> dict[tuple[str, str, int], dict[str, Any]]:
        return {(r.kind, r.record_id, r.version): copy.deepcopy(r.content) for r in self.records_kept if r.node == node}


def repository_for(fake: FakePublicationRepository) -> Any:
    """A `Components.repository` factory that hands every unit of work the same fake."""
    return lambda uow: fake
