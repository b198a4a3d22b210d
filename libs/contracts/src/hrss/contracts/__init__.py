"""Event contracts shared by every service: the envelope, versioned payloads, nodes."""

from hrss.contracts.envelope import ContractError, Envelope, Producer, new_trace_id, utcnow
from hrss.contracts.errors import PlatformError, field_path
from hrss.contracts.nodes import InvalidNodeCode, Level, Node, NodeCode, parse_nodes, producing_node
from hrss.contracts.registry import Contract, ContractRegistry, event_contract, registry
from hrss.contracts.tracing import current_trace_id

__all__ = [
    "Contract",
    "ContractError",
    "ContractRegistry",
    "Envelope",
    "InvalidNodeCode",
    "Level",
    "Node",
    "NodeCode",
    "PlatformError",
    "Producer",
    "current_trace_id",
    "event_contract",
    "field_path",
    "new_trace_id",
    "parse_nodes",
    "producing_node",
    "registry",
    "utcnow",
]
