"""Checkpoints between nodes: a nameko mixin that makes, sends, keeps and countersigns them.

A service whose metadata has `audit_entry` and `audit_checkpoint` and whose `db` is a `Database` adds
`AuditCheckpoints` to its bases. Every `HRSS_AUDIT_CHECKPOINT_SECONDS` (default 300) it signs the head of
each served node's chain and sends it to the parent node; the parent checks the signature against the keys
it trusts, countersigns it and keeps it. Keys come from config `AUDIT`:

    AUDIT:
      signing_keys: {"330102": "kid=base64-private-seed"}   # one per served node
      trusted_keys: "kid=base64-public,kid=base64-public"    # the nodes below (and their old keys)
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import timer
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import Table, func, insert, select

from hrss.audit.checkpoints import SignedCheckpoint, b64, unb64
from hrss.auth.keys import KeySet, SigningKey
from hrss.bus.consumer import Received, consume
from hrss.contracts import ContractError, Node, NodeCode, event_contract, utcnow

INTERVAL = float(os.environ.get("HRSS_AUDIT_CHECKPOINT_SECONDS", "300"))


@event_contract("audit.checkpoint_made", 1, addressed=True)
class CheckpointMade(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service: str = Field(max_length=40)
    node: NodeCode
    size: int = Field(ge=1)
    head_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    algorithm: str
    made_at: AwareDatetime
    key_id: str = Field(max_length=64)
    signature: str = Field(max_length=200)


class CheckpointKeys(DependencyProvider):
    """This process's node signing keys and the public keys of the nodes below it."""

    def setup(self) -> None:
        config = self.container.config.get("AUDIT") or {}
        self.signing: dict[str, Any] = {}
        for node, text in (config.get("signing_keys") or {}).items():
            kid, _, seed = str(text).partition("=")
            self.signing[str(node)] = SigningKey.from_base64(kid, seed)
        trusted = config.get("trusted_keys") or os.environ.get("HRSS_AUDIT_TRUSTED_KEYS", "")
        self.trusted = KeySet.parse(trusted) if isinstance(trusted, str) and trusted else None
        if isinstance(trusted, dict):
            self.trusted = KeySet.from_base64(trusted)

    def get_dependency(self, worker_ctx: Any) -> CheckpointKeys:
        return self

    def sign(self, node: str, message: bytes) -> tuple[str, str]:
        key = self.signing.get(node)
        if key is None:
            raise RuntimeError(f"no audit signing key configured for node {node} (AUDIT.signing_keys)")
        return key.kid, b64(key.sign(message))

    def trusts(self, kid: str, message: bytes, signature: str) -> bool:
        key = self.trusted.get(kid) if self.trusted is not None else None
        if key is None:
            return False
        try:
            key.verify(unb64(signature), message)
        except Exception:
            return False
        return True


class AuditCheckpoints:
    """Mixin: periodic checkpoints of the served nodes' chains, and keeping those of the nodes below."""

    audit_keys = CheckpointKeys()
    db: Any
    name: str

    @timer(interval=INTERVAL)
    def make_checkpoints(self) -> int:
        """Sign each served node's chain head (if it grew) and send it to the parent node.

        Making a checkpoint is not itself an audit entry: it would grow the chain it attests, so every run
        would find something new to sign. Its record is the append-only checkpoint row, here and above.
        """
        unit = self.db
        log = unit.audit_log
        table = _checkpoints(log.table)
        made = 0
        for node in unit.nodes:
            parent = Node(node).parent
            size, head = log.head(unit.session, node)
            if parent is None or head is None or size <= self._last_size(table, node):
                continue
            made_at = utcnow()
            draft = SignedCheckpoint(self.name, node, size, head, log.algorithm, made_at, "", "")
            kid, signature = self.audit_keys.sign(node, draft.message())
            checkpoint = SignedCheckpoint(self.name, node, size, head, log.algorithm, made_at, kid, signature)
            unit.session.execute(insert(table).values(**_row(checkpoint, kept_by=node)))
            unit.publish(
                CheckpointMade(**_payload(checkpoint)),
                subject=f"{self.name}:{node}",
                target_node=parent.code,
                node=node,
            )
            made += 1
        return made

    @consume(CheckpointMade)
    def keep_checkpoint(self, event: Received) -> None:
        """Keep a child's checkpoint after checking who signed it; countersign it with this node's key."""
        payload = event.payload
        assert isinstance(payload, CheckpointMade)
        keeper = event.envelope.target_node
        assert keeper is not None
        parent = Node(payload.node).parent
        if parent is None or parent.code != keeper:
            raise ContractError("checkpoint.not_a_child", f"节点 {payload.node} 不是 {keeper} 的下级，不接收其检查点")
        checkpoint = SignedCheckpoint(**payload.model_dump())
        if not self.audit_keys.trusts(checkpoint.key_id, checkpoint.message(), checkpoint.signature):
            raise ContractError(
                "checkpoint.bad_signature", f"节点 {payload.node} 的检查点签名无法验证（密钥 {payload.key_id}）"
            )
        kid, countersignature = self.audit_keys.sign(keeper, checkpoint.countersign_message())
        self.db.session.execute(
            insert(_checkpoints(self.db.audit_log.table)).values(
                **_row(checkpoint, kept_by=keeper), countersign_key_id=kid, countersignature=countersignature
            )
        )

    def _last_size(self, table: Table, node: str) -> int:
        query = select(func.max(table.c.size)).where(
            table.c.kept_by == node, table.c.node == node, table.c.service == self.name
        )
        return int(self.db.session.execute(query).scalar() or 0)


def _checkpoints(audit: Table) -> Table:
    schema = audit.schema
    return audit.metadata.tables[f"{schema}.audit_checkpoint" if schema else "audit_checkpoint"]


def _payload(checkpoint: SignedCheckpoint) -> dict[str, Any]:
    return {k: getattr(checkpoint, k) for k in CheckpointMade.model_fields}


def _row(checkpoint: SignedCheckpoint, *, kept_by: str) -> dict[str, Any]:
    return {**_payload(checkpoint), "kept_by": kept_by, "kept_at": datetime.now(UTC)}
