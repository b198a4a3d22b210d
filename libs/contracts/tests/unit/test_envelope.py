import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import BaseModel

from hrss.contracts import ContractError, ContractRegistry, Envelope, Producer
from hrss.contracts.registry import Contract


class Greeting(BaseModel):
    text: str
    count: int


class Dispatch(BaseModel):
    entity: str


@pytest.fixture
def contracts() -> ContractRegistry:
    reg = ContractRegistry()
    reg.register(Contract("demo.greeted", 1, Greeting))
    reg.register(Contract("demo.dispatched", 1, Dispatch, addressed=True))
    return reg


PRODUCER = Producer(service="demo", node="330000")


def test_built_envelope_round_trips_through_bytes(contracts):
    envelope = contracts.build(Greeting(text="你好", count=2), subject="g-1", producer=PRODUCER)
    again = Envelope.from_bytes(envelope.to_bytes())
    assert again == envelope
    assert contracts.validate(again) == Greeting(text="你好", count=2)
    assert json.loads(envelope.to_bytes())["type"] == "demo.greeted"


def test_occurred_at_is_normalised_to_utc(contracts):
    local = datetime(2026, 1, 31, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    envelope = contracts.build(Greeting(text="x", count=1), subject="s", producer=PRODUCER, occurred_at=local)
    assert envelope.occurred_at == datetime(2026, 1, 31, 0, 0, tzinfo=UTC)
    assert envelope.occurred_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "raw, code",
    [
        (None, "envelope.empty"),
        (b"not json", "envelope.invalid"),
        (b"{}", "envelope.invalid"),
        (b"\xff\xfe\x00", "envelope.invalid"),
    ],
)
def test_malformed_bytes_raise_a_contract_error_with_a_stable_code(raw, code):
    with pytest.raises(ContractError) as caught:
        Envelope.from_bytes(raw)
    assert caught.value.code == code


def test_naive_timestamps_and_extra_fields_are_refused(contracts):
    good = json.loads(contracts.build(Greeting(text="x", count=1), subject="s", producer=PRODUCER).to_bytes())
    naive = dict(good, occurred_at="2026-01-01T00:00:00")
    extra = dict(good, surprise=1)
    for doc, field in ((naive, "occurred_at"), (extra, "surprise")):
        with pytest.raises(ContractError) as caught:
            Envelope.from_bytes(json.dumps(doc).encode())
        assert field in caught.value.message


def test_payload_is_validated_against_its_version(contracts):
    envelope = contracts.build(Greeting(text="x", count=1), subject="s", producer=PRODUCER)
    broken = envelope.model_copy(update={"payload": {"text": "x", "count": "many"}})
    with pytest.raises(ContractError) as caught:
        contracts.validate(broken)
    assert caught.value.code == "payload.invalid"
    assert "count" in caught.value.message
    unknown = envelope.model_copy(update={"schema_version": 2})
    with pytest.raises(ContractError) as caught:
        contracts.validate(unknown)
    assert caught.value.code == "contract.unknown"


def test_addressed_events_travel_on_their_target_nodes_topic(contracts):
    envelope = contracts.build(Dispatch(entity="e"), subject="d-1", producer=PRODUCER, target_node="330102")
    contract = contracts.get("demo.dispatched", 1)
    assert contract.topic_for(envelope.target_node) == "demo.dispatched.v1.330102"
    with pytest.raises(ContractError) as caught:
        contracts.build(Dispatch(entity="e"), subject="d-1", producer=PRODUCER)
    assert caught.value.code == "envelope.target_node_missing"
    with pytest.raises(ContractError) as caught:
        contracts.build(Greeting(text="x", count=1), subject="s", producer=PRODUCER, target_node="330102")
    assert caught.value.code == "envelope.target_node_unexpected"


def test_registering_a_different_model_under_the_same_version_is_refused(contracts):
    with pytest.raises(ValueError):
        contracts.register(Contract("demo.greeted", 1, Dispatch))


def test_every_registered_contract_exports_a_json_schema(contracts):
    schemas = contracts.json_schemas()
    assert set(schemas) == {"envelope", "demo.greeted.v1", "demo.dispatched.v1"}
    assert schemas["demo.greeted.v1"]["required"] == ["text", "count"]
    assert "event_id" in schemas["envelope"]["properties"]


def test_event_ids_are_unique_per_build(contracts):
    ids = {contracts.build(Greeting(text="x", count=1), subject="s", producer=PRODUCER).event_id for _ in range(100)}
    assert len(ids) == 100
    assert all(isinstance(i, uuid.UUID) for i in ids)
