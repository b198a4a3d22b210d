"""A unit of work: one database transaction holding state changes and the events they cause."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from hrss.contracts import ContractRegistry, Envelope, Producer, producing_node
from hrss.contracts import registry as default_registry
from hrss.db.copy import copy_lines, copy_value

if TYPE_CHECKING:
    from hrss.audit import AuditLog, AuditRecord


class UnitOfWork:
    """Wraps a session; `publish` adds events to the outbox inside the same transaction."""

    def __init__(
        self,
        session: Session,
        outbox: Table,
        *,
        service: str,
        nodes: tuple[str, ...],
        trace_id: Callable[[], str],
        registry: ContractRegistry = default_registry,
        audit_log: AuditLog | None = None,
    ) -> None:
        self.session = session
        self._outbox = outbox
        self._service = service
        self.nodes = nodes
        self._trace_id = trace_id
        self._registry = registry
        self.events: list[Envelope] = []
        self._pending: list[dict[str, object]] = []
        self._pending_lines: list[str] = []  # outbox rows of publish_many, as COPY lines
        self.audit_log = audit_log
        self._audits: dict[str, list[AuditRecord]] = {}
        self.finished = False

    def publish(
        self, payload: BaseModel, *, subject: str, target_node: str | None = None, node: str | None = None
    ) -> Envelope:
        """Record an event to be sent once, and only if, this transaction commits."""
        envelope = build_envelope(
            self._registry,
            payload,
            self._service,
            self.nodes,
            self._trace_id(),
            subject=subject,
            target_node=target_node,
            node=node,
        )
        self.add_envelope(envelope)
        return envelope

    def add_envelope(self, envelope: Envelope) -> None:
        """Put an already built envelope in the outbox (validated again here)."""
        self._registry.validate(envelope)
        contract = self._registry.get(envelope.type, envelope.schema_version)
        self._pending.append(
            {
                "event_id": envelope.event_id,
                "topic": contract.topic_for(envelope.target_node),
                "key": envelope.subject,
                "value": envelope.to_bytes(),
                "headers": {
                    "event_type": envelope.type,
                    "schema_version": str(envelope.schema_version),
                    "trace_id": envelope.trace_id,
                },
            }
        )
        self.events.append(envelope)

    def publish_many(
        self, model: type[BaseModel], payloads: Iterable[tuple[str, dict[str, Any]]], *, node: str | None = None
    ) -> int:
        """Record many events of one contract, `(subject, payload)` each, validated as `publish` does; bulk path.

        The outbox rows are kept as ready COPY lines and streamed at commit (`hrss.db.copy`).
        """
        producer = Producer(service=self._service, node=producing_node(self.nodes, node))
        trace_id = self._trace_id()
        contract = self._registry.contract_of(model)
        headers = copy_value(
            {"event_type": contract.type, "schema_version": str(contract.version), "trace_id": trace_id}
        )
        before = len(self._pending_lines)
        append = self._pending_lines.append
        for encoded in self._registry.encode_many(model, payloads, producer=producer, trace_id=trace_id):
            append(
                f"{encoded.event_id}\t{copy_value(encoded.topic)}\t{copy_value(encoded.key)}\t"
                f"{copy_value(encoded.value)}\t{headers}\n"
            )
        return len(self._pending_lines) - before

    def flush(self) -> None:
        """Write pending outbox rows into the open transaction: one INSERT, and COPY for bulk events."""
        if self._pending:
            rows, self._pending = self._pending, []
            self.session.execute(insert(self._outbox), rows)
        if self._pending_lines:
            lines, self._pending_lines = self._pending_lines, []
            copy_lines(self.session, self._outbox, ("event_id", "topic", "key", "value", "headers"), lines)

    def audit(self, record: AuditRecord, *, node: str | None = None) -> None:
        """Add an entry to the node's audit chain; it is sealed at commit, in this transaction."""
        if self.audit_log is None:
            raise RuntimeError("this service has no audit_entry table in its metadata")
        self._audits.setdefault(producing_node(self.nodes, node), []).append(record)

    def commit(self) -> None:
        if not self.finished:
            self.flush()
            if self.audit_log is not None:
                # last, because the chain's per-node lock is held from here to COMMIT
                for node, records in sorted(self._audits.items()):
                    self.audit_log.append(self.session, node, records)
            self.session.commit()
            self.finished = True

    def rollback(self) -> None:
        if not self.finished:
            self.session.rollback()
            self._pending.clear()
            self._pending_lines.clear()
            self._audits.clear()
            self.events.clear()
            self.finished = True

    def close(self) -> None:
        self.session.close()


def build_envelope(
    registry: ContractRegistry,
    payload: BaseModel,
    service: str,
    nodes: tuple[str, ...],
    trace_id: str,
    *,
    subject: str,
    target_node: str | None,
    node: str | None,
) -> Envelope:
    """The validated envelope a service serving `nodes` publishes (shared with the fake unit of work)."""
    return registry.build(
        payload,
        subject=subject,
        producer=Producer(service=service, node=producing_node(nodes, node)),
        trace_id=trace_id,
        target_node=target_node,
    )
