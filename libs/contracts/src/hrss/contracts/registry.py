"""Versioned event contracts: one pydantic payload model per (type, version)."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from hrss.contracts.envelope import ContractError, Envelope, Producer, new_trace_id, utcnow
from hrss.contracts.ids import time_ordered_ids
from hrss.contracts.nodes import check_code

M = TypeVar("M", bound=type[BaseModel])


@dataclass(frozen=True)
class Contract:
    """One version of one event type; `addressed` events travel on per-node topics."""

    type: str
    version: int
    model: builtins.type[BaseModel]
    addressed: bool = False
    compacted: bool = False

    @property
    def topic(self) -> str:
        """The base topic: `<service>.<event_past_tense>.v<N>`."""
        return f"{self.type}.v{self.version}"

    def topic_for(self, target_node: str | None) -> str:
        """The topic an event of this contract is published on."""
        if self.addressed:
            if target_node is None:
                raise ContractError("envelope.target_node_missing", f"{self.type} 必须指定接收节点 target_node")
            return f"{self.topic}.{check_code(target_node)}"
        if target_node is not None:
            raise ContractError("envelope.target_node_unexpected", f"{self.type} 不是定向事件，不能指定 target_node")
        return self.topic


class Encoded(NamedTuple):
    """One event ready for the outbox: its id, topic, key and wire bytes."""

    event_id: str
    topic: str
    key: str
    value: bytes
    type: str


class ContractRegistry:
    """Maps (type, version) to its contract; validates envelopes at both ends."""

    def __init__(self) -> None:
        self._contracts: dict[tuple[str, int], Contract] = {}

    def register(self, contract: Contract) -> Contract:
        key = (contract.type, contract.version)
        known = self._contracts.get(key)
        if known is not None and known != contract:
            raise ValueError(f"contract {contract.type} v{contract.version} registered twice with different models")
        self._contracts[key] = contract
        return contract

    def get(self, event_type: str, version: int) -> Contract:
        try:
            return self._contracts[(event_type, version)]
        except KeyError:
            raise ContractError("contract.unknown", f"未知的事件类型或版本：{event_type} v{version}") from None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self._contracts.values(), key=lambda c: (c.type, c.version)))

    def validate(self, envelope: Envelope) -> BaseModel:
        """Check the payload against its contract and return it as the contract's model."""
        contract = self.get(envelope.type, envelope.schema_version)
        if contract.addressed != (envelope.target_node is not None):
            contract.topic_for(envelope.target_node)  # raises the precise error
        try:
            return contract.model.model_validate(envelope.payload)
        except ValidationError as exc:
            fields = ", ".join(".".join(str(p) for p in err["loc"]) or "<root>" for err in exc.errors())
            raise ContractError(
                "payload.invalid", f"{envelope.type} v{envelope.schema_version} 载荷不符合契约，字段：{fields}"
            ) from exc

    def build(
        self,
        payload: BaseModel,
        *,
        subject: str,
        producer: Producer,
        trace_id: str | None = None,
        target_node: str | None = None,
        event_id: uuid.UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> Envelope:
        """Wrap a payload model in a validated envelope."""
        contract = self.contract_of(type(payload))
        envelope = Envelope(
            event_id=event_id or uuid.uuid4(),
            type=contract.type,
            schema_version=contract.version,
            occurred_at=occurred_at or utcnow(),
            producer=producer,
            subject=subject,
            trace_id=trace_id or new_trace_id(),
            target_node=target_node,
            payload=payload.model_dump(mode="json"),
        )
        self.validate(envelope)
        return envelope

    def encode_many(
        self,
        model: builtins.type[BaseModel],
        payloads: Iterable[tuple[str, dict[str, Any]]],
        *,
        producer: Producer,
        trace_id: str,
        occurred_at: datetime | None = None,
    ) -> Iterator[Encoded]:
        """Wire bytes of many events of one non-addressed contract, `(subject, payload)` each; for bulk writers.

        Every payload is validated against its contract as `build` does; the envelope around it is made here
        from values that are valid by construction, which makes this several times faster than `build`.
        """
        contract = self.contract_of(model)
        if contract.addressed:
            raise ContractError("envelope.target_node_missing", f"{contract.type} 必须逐条指定接收节点 target_node")
        validate = contract.model.__pydantic_validator__.validate_python
        when = (occurred_at or utcnow()).astimezone(UTC).isoformat()
        head = {"type": contract.type, "schema_version": contract.version, "occurred_at": when}
        sender = Producer.model_validate(producer).model_dump(mode="json")
        ids = time_ordered_ids()
        for subject, payload in payloads:
            if not 0 < len(subject) <= 200:
                raise ContractError("envelope.invalid", "事件信封格式错误，字段：subject")
            try:
                validate(payload)
            except ValidationError as exc:
                fields = ", ".join(".".join(str(p) for p in err["loc"]) or "<root>" for err in exc.errors())
                raise ContractError(
                    "payload.invalid", f"{contract.type} v{contract.version} 载荷不符合契约，字段：{fields}"
                ) from exc
            event_id = next(ids)
            envelope = {
                "event_id": event_id,
                **head,
                "producer": sender,
                "subject": subject,
                "trace_id": trace_id,
                "target_node": None,
                "payload": payload,
            }
            yield Encoded(event_id, contract.topic, subject, orjson.dumps(envelope), contract.type)

    def contract_of(self, model: type[BaseModel]) -> Contract:
        for contract in self._contracts.values():
            if contract.model is model:
                return contract
        raise ContractError("contract.unknown", f"{model.__name__} 未注册为事件契约")

    def json_schemas(self) -> dict[str, Any]:
        """JSON Schema of the envelope and of every registered payload, for docs and other languages."""
        schemas: dict[str, Any] = {"envelope": Envelope.model_json_schema()}
        for contract in self:
            schemas[contract.topic] = contract.model.model_json_schema()
        return schemas


registry = ContractRegistry()


def event_contract(
    event_type: str, version: int, *, addressed: bool = False, compacted: bool = False
) -> Callable[[M], M]:
    """Class decorator registering a payload model as the contract of `event_type` v`version`."""

    def register(model: M) -> M:
        registry.register(Contract(event_type, version, model, addressed=addressed, compacted=compacted))
        return model

    return register
