"""The repository the use cases speak to, and its SQLAlchemy implementation (the fake in tests/fakes.py passes the
same contract suite, tests/integration/test_repository_contract.py)."""

from __future__ import annotations

import abc
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Integer, and_, delete, exists, func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from notification.adapters.orm import (
    contact,
    contact_current,
    deadline_watch,
    delivery,
    inbox_read,
    notification,
    pending,
    preference,
    preference_current,
    visit_team,
)
from notification.adapters.watches import SqlWatchRecords, WatchRecords
from notification.domain.model import SENT_CHANNELS, Channel, Contact, Notification, State
from notification.domain.preferences import Preferences

NO_ADDRESS = "未登记联系方式（e-mail 或手机号码），或本部署未配置相应渠道，无法发送"

# `add` in one statement: the notifications arrive as one array per column (unnest), those not kept before are
# inserted, and of those the e-mail and SMS ones with an address are queued in `pending` (at their own due time)
# and the ones without are recorded failed at once. A batch of dispatches costs one round trip and no per-row SQL.
_NOTIFICATION_COLUMNS = [c.name for c in notification.columns]
_INCOMING = [*_NOTIFICATION_COLUMNS, "due_at"]
_TYPES = {c.name: {Integer: "integer", Boolean: "boolean"}.get(type(c.type), "text") for c in notification.columns}
_TYPES |= {"created_at": "timestamptz", "due_at": "timestamptz"}
_SENT = ", ".join(f"'{c}'" for c in SENT_CHANNELS)
_ADD = text(
    f"""
WITH incoming AS (
    SELECT * FROM unnest({", ".join(f"CAST(:{c} AS {_TYPES[c]}[])" for c in _INCOMING)}) AS i({", ".join(_INCOMING)})
), kept AS (
    INSERT INTO {notification.fullname} ({", ".join(_NOTIFICATION_COLUMNS)})
    SELECT {", ".join(_NOTIFICATION_COLUMNS)} FROM incoming
    ON CONFLICT DO NOTHING
    RETURNING id, channel, node, address, created_at
), queued AS (
    INSERT INTO {pending.fullname} (notification_id, channel, node, attempts, due_at, created_at)
    SELECT k.id, k.channel, k.node, 0, i.due_at, k.created_at FROM kept k JOIN incoming i ON i.id = k.id
    WHERE k.channel IN ({_SENT}) AND coalesce(k.address, '') <> ''
), unreachable AS (
    INSERT INTO {delivery.fullname} (notification_id, attempt, state, error, at)
    SELECT id, 0, :failed, :no_address, created_at FROM kept
    WHERE channel IN ({_SENT}) AND coalesce(address, '') = ''
)
SELECT count(*) FROM kept
"""
)


class NotificationRepository(WatchRecords, abc.ABC):
    @abc.abstractmethod
    def add(self, notifications: list[Notification], due: datetime, later: dict[str, datetime] | None = None) -> int:
        """Keep the notifications not kept before (by event, recipient and channel); queue the new e-mail and SMS
        ones at `due` (or at `later[id]`, after someone's quiet hours), and record those without an address as
        failed at once. How many were new."""

    @abc.abstractmethod
    def preference(self, holder: str) -> Preferences | None: ...

    @abc.abstractmethod
    def put_preference(self, found: Preferences, at: datetime) -> int:
        """A new version of the holder's preferences (history kept); its version."""

    @abc.abstractmethod
    def contact(self, holder: str) -> Contact | None: ...

    @abc.abstractmethod
    def contacts_of_inspector(self, inspector_id: str) -> list[Contact]: ...

    @abc.abstractmethod
    def contacts_with_role(self, node: str, role: str) -> list[Contact]: ...

    @abc.abstractmethod
    def contacts_of_inspectors(self, inspector_ids: list[str]) -> dict[str, list[Contact]]:
        """`contacts_of_inspector` for many at once (a batch of dispatches): inspector id -> their contacts by
        holder; an inspector nobody registered for is absent."""

    @abc.abstractmethod
    def preferences_of(self, holders: list[str]) -> dict[str, Preferences]:
        """The latest preferences of each of `holders` that kept any (one lookup for a batch)."""

    @abc.abstractmethod
    def put_contact(self, found: Contact, changed_by: str, at: datetime) -> int:
        """A new version of the holder's contact details (history kept); its version."""

    @abc.abstractmethod
    def keep_visit(self, visit_id: str, node: str, uscc: str, name: str, team: list[dict[str, str]], due: Any) -> None:
        """A visit's team as inspection last announced it."""

    @abc.abstractmethod
    def keep_visits(self, visits: list[dict[str, Any]]) -> None:
        """`keep_visit` for many (visit_id, node, uscc, entity_name, inspectors, due), as if one after another."""

    @abc.abstractmethod
    def visit(self, visit_id: str) -> dict[str, Any] | None: ...

    @abc.abstractmethod
    def watch(self, visit_id: str, node: str, due: date) -> None:
        """A visit's result is due by `due` (a new visit has no result in; a later due date keeps what is in)."""

    @abc.abstractmethod
    def result_in(self, visit_id: str, node: str, is_in: bool) -> None:
        """A result was submitted or approved (True), or returned (False: due again); kept even before the visit's
        own event is read (events of different topics come in any order), to be completed by `watch`."""

    @abc.abstractmethod
    def due_between(self, first: date, last: date) -> list[dict[str, Any]]:
        """The visits (their kept team and `due`) with no result in whose due date is in [first, last], by due date
        then visit id."""

    @abc.abstractmethod
    def inbox(self, recipients: list[str], reader: str, limit: int, unread_only: bool) -> list[dict[str, Any]]:
        """The inbox notifications of `recipients`, newest first, each with whether `reader` has read it."""

    @abc.abstractmethod
    def unread(self, recipients: list[str], reader: str) -> int: ...

    @abc.abstractmethod
    def mark_read(self, notification_id: str, recipients: list[str], reader: str, at: datetime) -> bool | None:
        """Record that `reader` read it (once; a new row, never an update): True when recorded now, False when read
        before, None when it is not in these recipients' inbox."""

    @abc.abstractmethod
    def failed(self, prefix: str, limit: int) -> list[dict[str, Any]]:
        """Notifications of the subtree whose codes start with `prefix` that failed for good, newest first, with
        the last error."""


class SqlNotificationRepository(SqlWatchRecords, NotificationRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, notifications: list[Notification], due: datetime, later: dict[str, datetime] | None = None) -> int:
        if not notifications:
            return 0
        later = later or {}
        unique = list({n.id: n for n in notifications}.values())  # one per id, should a rule name someone twice
        columns: dict[str, list[Any]] = {name: [] for name in _INCOMING}
        for n in unique:
            for name in _NOTIFICATION_COLUMNS:
                columns[name].append(getattr(n, name))
            columns["due_at"].append(later.get(n.id, due))
        columns["channel"] = [str(c) for c in columns["channel"]]
        return int(
            self.session.execute(_ADD, {**columns, "failed": str(State.FAILED), "no_address": NO_ADDRESS}).scalar_one()
        )

    def preference(self, holder: str) -> Preferences | None:
        row = self.session.execute(select(preference_current).where(preference_current.c.holder == holder)).first()
        return _preferences(row) if row is not None else None

    def put_preference(self, found: Preferences, at: datetime) -> int:
        locked = self.session.execute(
            select(preference_current.c.version).where(preference_current.c.holder == found.holder).with_for_update()
        ).scalar()
        version = (locked or 0) + 1
        start, end = found.quiet or (None, None)
        values = {
            "holder": found.holder,
            "version": version,
            "quiet_start": start,
            "quiet_end": end,
            "channels": {k: [str(c) for c in v] for k, v in found.channels.items()},
        }
        self.session.execute(insert(preference).values(**values, changed_at=at))
        upsert = pg_insert(preference_current).values(**values)
        self.session.execute(
            upsert.on_conflict_do_update(index_elements=["holder"], set_={k: upsert.excluded[k] for k in values})
        )
        return version

    def contact(self, holder: str) -> Contact | None:
        row = self.session.execute(select(contact_current).where(contact_current.c.holder == holder)).first()
        return _contact(row) if row else None

    def contacts_of_inspector(self, inspector_id: str) -> list[Contact]:
        query = select(contact_current).where(contact_current.c.inspector_id == inspector_id)
        return [_contact(r) for r in self.session.execute(query.order_by(contact_current.c.holder))]

    def contacts_with_role(self, node: str, role: str) -> list[Contact]:
        query = select(contact_current).where(contact_current.c.node == node, contact_current.c.roles.contains([role]))
        return [_contact(r) for r in self.session.execute(query.order_by(contact_current.c.holder))]

    def contacts_of_inspectors(self, inspector_ids: list[str]) -> dict[str, list[Contact]]:
        found: dict[str, list[Contact]] = {}
        if inspector_ids:
            c = contact_current.c
            query = select(contact_current).where(c.inspector_id.in_(list(dict.fromkeys(inspector_ids))))
            for row in self.session.execute(query.order_by(c.holder)):
                found.setdefault(row.inspector_id, []).append(_contact(row))
        return found

    def preferences_of(self, holders: list[str]) -> dict[str, Preferences]:
        if not holders:
            return {}
        query = select(preference_current).where(preference_current.c.holder.in_(list(dict.fromkeys(holders))))
        return {row.holder: _preferences(row) for row in self.session.execute(query)}

    def put_contact(self, found: Contact, changed_by: str, at: datetime) -> int:
        locked = self.session.execute(
            select(contact_current.c.version).where(contact_current.c.holder == found.holder).with_for_update()
        ).scalar()
        version = (locked or 0) + 1
        values = {
            "holder": found.holder,
            "node": found.node,
            "email": found.email,
            "mobile": found.mobile,
            "roles": list(found.roles),
            "inspector_id": found.inspector_id,
            "version": version,
        }
        self.session.execute(insert(contact).values(**values, changed_by=changed_by, changed_at=at))
        upsert = pg_insert(contact_current).values(**values)
        self.session.execute(
            upsert.on_conflict_do_update(index_elements=["holder"], set_={k: upsert.excluded[k] for k in values})
        )
        return version

    def keep_visit(self, visit_id: str, node: str, uscc: str, name: str, team: list[dict[str, str]], due: Any) -> None:
        values = {"visit_id": visit_id, "node": node, "uscc": uscc, "entity_name": name, "inspectors": team, "due": due}
        upsert = pg_insert(visit_team).values(**values)
        self.session.execute(
            upsert.on_conflict_do_update(
                index_elements=["visit_id"], set_={"inspectors": upsert.excluded.inspectors, "due": upsert.excluded.due}
            )
        )

    def keep_visits(self, visits: list[dict[str, Any]]) -> None:
        merged: dict[str, dict[str, Any]] = {}  # one row per visit: ON CONFLICT cannot change a row twice
        for v in visits:
            if v["visit_id"] in merged:
                merged[v["visit_id"]].update(inspectors=v["inspectors"], due=v["due"])
            else:
                merged[v["visit_id"]] = dict(v)
        if merged:
            upsert = pg_insert(visit_team)
            changed = {"inspectors": upsert.excluded.inspectors, "due": upsert.excluded.due}
            self.session.execute(
                upsert.on_conflict_do_update(index_elements=["visit_id"], set_=changed), list(merged.values())
            )

    def visit(self, visit_id: str) -> dict[str, Any] | None:
        row = self.session.execute(select(visit_team).where(visit_team.c.visit_id == visit_id)).first()
        return dict(row._mapping) if row else None

    def watch(self, visit_id: str, node: str, due: date) -> None:
        upsert = pg_insert(deadline_watch).values(visit_id=visit_id, node=node, due=due, result_in=False)
        self.session.execute(upsert.on_conflict_do_update(index_elements=["visit_id"], set_={"due": due}))

    def result_in(self, visit_id: str, node: str, is_in: bool) -> None:
        upsert = pg_insert(deadline_watch).values(visit_id=visit_id, node=node, due=None, result_in=is_in)
        self.session.execute(upsert.on_conflict_do_update(index_elements=["visit_id"], set_={"result_in": is_in}))

    def due_between(self, first: date, last: date) -> list[dict[str, Any]]:
        w = deadline_watch
        rows = self.session.execute(
            select(*[c for c in visit_team.c if c.name != "due"], w.c.due)
            .join(w, w.c.visit_id == visit_team.c.visit_id)
            .where(w.c.result_in.is_(False), w.c.due >= first, w.c.due <= last)
            .order_by(w.c.due, w.c.visit_id)
        )
        return [dict(r._mapping) for r in rows]

    def _read_by(self, reader: str) -> Any:
        return exists().where(
            and_(inbox_read.c.notification_id == notification.c.id, inbox_read.c.account_id == reader)
        )

    def inbox(self, recipients: list[str], reader: str, limit: int, unread_only: bool) -> list[dict[str, Any]]:
        n = notification.c
        read = self._read_by(reader)
        query = select(
            n.id,
            n.kind,
            n.subject,
            n.body,
            n.node,
            n.created_at,
            n.template_id,
            n.template_version,
            n.seed_section,
            read.label("read"),
        )
        query = query.where(n.channel == "inbox", n.recipient.in_(recipients))
        if unread_only:
            query = query.where(~read)
        rows = self.session.execute(query.order_by(n.created_at.desc(), n.id).limit(limit))
        return [dict(r._mapping) for r in rows]

    def unread(self, recipients: list[str], reader: str) -> int:
        n = notification.c
        query = select(func.count()).where(n.channel == "inbox", n.recipient.in_(recipients), ~self._read_by(reader))
        return int(self.session.execute(query).scalar_one())

    def mark_read(self, notification_id: str, recipients: list[str], reader: str, at: datetime) -> bool | None:
        n = notification.c
        mine = self.session.execute(
            select(n.id).where(n.id == notification_id, n.channel == "inbox", n.recipient.in_(recipients))
        ).first()
        if mine is None:
            return None
        added = self.session.execute(
            pg_insert(inbox_read)
            .values(notification_id=notification_id, account_id=reader, read_at=at)
            .on_conflict_do_nothing()
            .returning(inbox_read.c.notification_id)
        ).first()
        return added is not None

    def failed(self, prefix: str, limit: int) -> list[dict[str, Any]]:
        n, d = notification.c, delivery.c
        query = (
            select(
                n.id,
                n.kind,
                n.node,
                n.recipient,
                n.channel,
                n.template_id,
                n.template_version,
                n.created_at,
                d.attempt,
                d.error,
                d.at.label("failed_at"),
            )
            .join(delivery, d.notification_id == n.id)
            .where(d.state == str(State.FAILED), n.node.startswith(prefix, autoescape=True))
            .order_by(d.at.desc(), n.id)
            .limit(limit)
        )
        return [dict(r._mapping) for r in self.session.execute(query)]


def _preferences(row: Any) -> Preferences:
    quiet = (row.quiet_start, row.quiet_end) if row.quiet_start is not None else None
    channels = {k: tuple(Channel(c) for c in v) for k, v in row.channels.items()}
    return Preferences(row.holder, channels, quiet, row.version)


def _contact(row: Any) -> Contact:
    return Contact(row.holder, row.node, row.email, row.mobile, tuple(row.roles), row.inspector_id, row.version)


def drop_pending(session: Any, ids: list[str]) -> None:
    """Remove delivered or given-up notifications from the outbox (a projection, not history)."""
    session.execute(delete(pending).where(pending.c.notification_id.in_(ids)))
