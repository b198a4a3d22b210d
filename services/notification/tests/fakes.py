"""In-memory stand-ins for the notification repository, the sender's queue and a channel, for tests in
milliseconds. The repository and the queue behave as the SQL ones do (tests/integration/test_repository_contract.py
runs both), sharing one store as the SQL ones share the database."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from typing import Any

from notification.adapters.channels import Transport
from notification.adapters.queue import DeliveryQueue
from notification.adapters.repository import NO_ADDRESS, NotificationRepository
from notification.domain.model import SENT_CHANNELS, Channel, Contact, DeliveryError, Notification, Outgoing, State
from notification.domain.preferences import Preferences


class FakeNotificationRepository(NotificationRepository):
    def __init__(self) -> None:
        self.notifications: dict[str, Notification] = {}
        self.deliveries: list[tuple[str, int, str, str | None, datetime]] = []  # (id, attempt, state, error, at)
        self.pending: dict[str, dict[str, Any]] = {}
        self.reads: dict[tuple[str, str], datetime] = {}
        self.contacts: dict[str, list[Contact]] = {}
        self.teams: dict[str, dict[str, Any]] = {}
        self.preferences: dict[str, list[Preferences]] = {}
        self.watched: dict[str, dict[str, Any]] = {}  # visit id -> {node, due, result_in}
        self.overdue: dict[tuple[str, str], dict[str, Any]] = {}  # (subject id, kind) -> its row
        self.lent: dict[str, dict[str, Any]] = {}  # borrowing id -> its row

    def add(self, notifications: list[Notification], due: datetime, later: dict[str, datetime] | None = None) -> int:
        later = later or {}
        keys = {(n.event_id, n.recipient, n.channel) for n in self.notifications.values()}
        new = 0
        for n in notifications:
            if n.id in self.notifications or (n.event_id, n.recipient, n.channel) in keys:
                continue
            self.notifications[n.id] = n
            keys.add((n.event_id, n.recipient, n.channel))
            new += 1
            if n.channel in SENT_CHANNELS and n.address:
                self.pending[n.id] = {
                    "channel": n.channel,
                    "attempts": 0,
                    "due_at": later.get(n.id, due),
                    "created_at": n.created_at,
                }
            elif n.channel in SENT_CHANNELS:
                self.deliveries.append((n.id, 0, str(State.FAILED), NO_ADDRESS, n.created_at))
        return new

    def preference(self, holder: str) -> Preferences | None:
        found = self.preferences.get(holder)
        return found[-1] if found else None

    def put_preference(self, found: Preferences, at: datetime) -> int:
        versions = self.preferences.setdefault(found.holder, [])
        versions.append(Preferences(found.holder, dict(found.channels), found.quiet, len(versions) + 1))
        return len(versions)

    def contact(self, holder: str) -> Contact | None:
        found = self.contacts.get(holder)
        return found[-1] if found else None

    def contacts_of_inspector(self, inspector_id: str) -> list[Contact]:
        return [v[-1] for k, v in sorted(self.contacts.items()) if v[-1].inspector_id == inspector_id]

    def contacts_with_role(self, node: str, role: str) -> list[Contact]:
        return [v[-1] for k, v in sorted(self.contacts.items()) if v[-1].node == node and role in v[-1].roles]

    def contacts_of_inspectors(self, inspector_ids: list[str]) -> dict[str, list[Contact]]:
        wanted = set(inspector_ids)
        found: dict[str, list[Contact]] = {}
        for _, versions in sorted(self.contacts.items()):
            if versions[-1].inspector_id in wanted:
                found.setdefault(versions[-1].inspector_id, []).append(versions[-1])
        return found

    def preferences_of(self, holders: list[str]) -> dict[str, Preferences]:
        return {h: self.preferences[h][-1] for h in holders if self.preferences.get(h)}

    def put_contact(self, found: Contact, changed_by: str, at: datetime) -> int:
        versions = self.contacts.setdefault(found.holder, [])
        kept = Contact(
            found.holder,
            found.node,
            found.email,
            found.mobile,
            tuple(found.roles),
            found.inspector_id,
            len(versions) + 1,
        )
        versions.append(kept)
        return kept.version

    def keep_visit(self, visit_id: str, node: str, uscc: str, name: str, team: list[dict[str, str]], due: Any) -> None:
        known = self.teams.get(visit_id)
        self.teams[visit_id] = {
            "visit_id": visit_id,
            "node": node,
            "uscc": known["uscc"] if known else uscc,
            "entity_name": known["entity_name"] if known else name,
            "inspectors": copy.deepcopy(team),
            "due": due,
        }

    def keep_visits(self, visits: list[dict[str, Any]]) -> None:
        for v in visits:
            self.keep_visit(v["visit_id"], v["node"], v["uscc"], v["entity_name"], v["inspectors"], v["due"])

    def visit(self, visit_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.teams.get(visit_id))

    def watch(self, visit_id: str, node: str, due: date) -> None:
        known = self.watched.get(visit_id)
        self.watched[visit_id] = {"node": node, "due": due, "result_in": known["result_in"] if known else False}

    def result_in(self, visit_id: str, node: str, is_in: bool) -> None:
        self.watched.setdefault(visit_id, {"node": node, "due": None})["result_in"] = is_in

    def due_between(self, first: date, last: date) -> list[dict[str, Any]]:
        found = [
            {**copy.deepcopy(self.teams[v]), "due": w["due"]}
            for v, w in self.watched.items()
            if not w["result_in"] and w["due"] is not None and first <= w["due"] <= last and v in self.teams
        ]
        return sorted(found, key=lambda r: (r["due"], r["visit_id"]))

    def keep_overdue(self, subject_id: str, kind: str, node: str, supervisor: str | None, due: date, on: date) -> None:
        row = self.overdue.setdefault((subject_id, kind), {"closed": False, "detected_on": None})
        if row["detected_on"] is None:
            row.update(subject_id=subject_id, kind=kind, node=node, supervisor=supervisor, due=due, detected_on=on)

    def close_overdue(self, subject_id: str, kind: str) -> None:
        self.overdue.setdefault((subject_id, kind), {"detected_on": None})["closed"] = True

    def open_overdue(self) -> list[dict[str, Any]]:
        found = [
            {k: r[k] for k in ("subject_id", "kind", "node", "supervisor", "due", "detected_on")}
            for r in self.overdue.values()
            if not r["closed"] and r["detected_on"] is not None
        ]
        return sorted(found, key=lambda r: (r["detected_on"], r["subject_id"], r["kind"]))

    def keep_borrowing(self, lent: dict[str, Any], returned: bool) -> None:
        if lent["borrowing_id"] not in self.lent:
            self.lent[lent["borrowing_id"]] = {**lent, "returned": returned}
        elif returned:
            self.lent[lent["borrowing_id"]]["returned"] = True

    def borrowings_out(self, last: date) -> list[dict[str, Any]]:
        found = [
            {k: v for k, v in r.items() if k != "returned"}
            for r in self.lent.values()
            if not r["returned"] and r["due_back"] <= last
        ]
        return sorted(found, key=lambda r: (r["due_back"], r["borrowing_id"]))

    def _mine(self, recipients: list[str]) -> list[Notification]:
        found = [n for n in self.notifications.values() if n.channel is Channel.INBOX and n.recipient in recipients]
        return sorted(sorted(found, key=lambda n: n.id), key=lambda n: n.created_at, reverse=True)

    def inbox(self, recipients: list[str], reader: str, limit: int, unread_only: bool) -> list[dict[str, Any]]:
        rows = [
            {
                "id": n.id,
                "kind": n.kind,
                "subject": n.subject,
                "body": n.body,
                "node": n.node,
                "created_at": n.created_at,
                "template_id": n.template_id,
                "template_version": n.template_version,
                "seed_section": n.seed_section,
                "read": (n.id, reader) in self.reads,
            }
            for n in self._mine(recipients)
        ]
        return [r for r in rows if not (unread_only and r["read"])][:limit]

    def unread(self, recipients: list[str], reader: str) -> int:
        return sum(1 for n in self._mine(recipients) if (n.id, reader) not in self.reads)

    def mark_read(self, notification_id: str, recipients: list[str], reader: str, at: datetime) -> bool | None:
        if notification_id not in {n.id for n in self._mine(recipients)}:
            return None
        if (notification_id, reader) in self.reads:
            return False
        self.reads[(notification_id, reader)] = at
        return True

    def failed(self, prefix: str, limit: int) -> list[dict[str, Any]]:
        rows = []
        for nid, attempt, state, error, at in self.deliveries:
            n = self.notifications[nid]
            if state == State.FAILED and n.node.startswith(prefix):
                rows.append(
                    {
                        "id": n.id,
                        "kind": n.kind,
                        "node": n.node,
                        "recipient": n.recipient,
                        "channel": str(n.channel),
                        "template_id": n.template_id,
                        "template_version": n.template_version,
                        "created_at": n.created_at,
                        "attempt": attempt,
                        "error": error,
                        "failed_at": at,
                    }
                )
        return sorted(sorted(rows, key=lambda r: r["id"]), key=lambda r: r["failed_at"], reverse=True)[:limit]

    def states(self, notification_id: str) -> list[str]:
        """The delivery steps of one notification, in order (for tests)."""
        return [state for nid, _, state, _, _ in self.deliveries if nid == notification_id]


class FakeDeliveryQueue(DeliveryQueue):
    """The sender's queue over a fake repository's store."""

    def __init__(self, store: FakeNotificationRepository) -> None:
        self.store = store

    def claim(self, channel: Channel, limit: int, now: datetime, lease: timedelta) -> list[Outgoing]:
        due = sorted(
            (p["due_at"], nid)
            for nid, p in self.store.pending.items()
            if p["channel"] == channel and p["due_at"] <= now
        )[:limit]
        claimed = []
        for _, nid in due:
            p = self.store.pending[nid]
            p["attempts"] += 1
            p["due_at"] = now + lease
            self.store.deliveries.append((nid, p["attempts"], str(State.SENDING), None, now))
            n = self.store.notifications[nid]
            assert n.address is not None
            claimed.append(Outgoing(nid, channel, n.node, n.address, n.subject, n.body, p["attempts"], n.created_at))
        return claimed

    def sent(self, claimed: list[Outgoing], now: datetime) -> None:
        for c in claimed:
            self.store.deliveries.append((c.notification_id, c.attempt, str(State.SENT), None, now))
            self.store.pending.pop(c.notification_id, None)

    def retry(self, claimed: Outgoing, error: str, due: datetime, now: datetime) -> None:
        self.store.deliveries.append((claimed.notification_id, claimed.attempt, str(State.RETRY), error[:2000], now))
        self.store.pending[claimed.notification_id]["due_at"] = due

    def fail(self, claimed: Outgoing, error: str, now: datetime) -> None:
        self.store.deliveries.append((claimed.notification_id, claimed.attempt, str(State.FAILED), error[:2000], now))
        self.store.pending.pop(claimed.notification_id, None)

    def oldest(self, channel: Channel) -> datetime | None:
        found = [p["created_at"] for p in self.store.pending.values() if p["channel"] == channel]
        return min(found) if found else None

    def close(self) -> None:
        pass


class FakeTransport(Transport):
    """A channel that keeps what it was given; `down` makes it fail (transiently), `refuse` permanently."""

    def __init__(self) -> None:
        self.received: list[Outgoing] = []
        self.down = False
        self.refuse: set[str] = set()

    def send(self, message: Outgoing) -> None:
        if self.down:
            raise DeliveryError("连接被拒绝")
        if message.address in self.refuse:
            raise DeliveryError("收件人不存在", permanent=True)
        self.received.append(message)

    def close(self) -> None:
        pass


def repository_for(repo: FakeNotificationRepository) -> Any:
    return lambda uow: repo
