"""Checkpoints between nodes: a nameko mixin that makes, sends, keeps, countersigns and anchors them.

A service whose metadata has `audit_entry` and `audit_checkpoint` and whose `db` is a `Database` adds
`AuditCheckpoints` to its bases. Every `HRSS_AUDIT_CHECKPOINT_SECONDS` (default 300) it signs the head of each
served node's chain that grew and sends it to the parent node; the process serving the parent checks the signature
against the keys it trusts, countersigns it and keeps it. A province has no parent: its own checkpoints, and the
children's it keeps, go to the external anchor (`hrss.audit.anchor`, an object-locked bucket) as well.

Configuration, config `AUDIT` first, else the environment:

    AUDIT:
      signing_keys: {"330102": "330102.1=base64-private-seed"}   # HRSS_AUDIT_SIGNING_KEYS=330102:330102.1=seed,...
      trusted_keys: "330102.1=base64-public,..."                 # HRSS_AUDIT_TRUSTED_KEYS: the nodes below
      anchor: <an AbstractAnchor>                                # HRSS_AUDIT_ANCHOR_BUCKET and HRSS_S3_*

A key speaks for one node only: its kid is the node's code, or the code, a dot and anything (`330102.2027`), so a
county cannot sign for its neighbour.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import timer
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import Table, func, insert, select

from hrss.audit.anchor import AbstractAnchor, Anchored, AnchorUnavailable, anchor_from_environment
from hrss.audit.checkpoints import SignedCheckpoint, b64, unb64
from hrss.auth.keys import KeySet, SigningKey
from hrss.bus.consumer import Received, Transient, consume
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


def speaks_for(kid: str, node: str) -> bool:
    """True if a key named `kid` may sign for `node`."""
    return kid == node or kid.startswith(f"{node}.")


def parse_signing_keys(value: Any) -> dict[str, SigningKey]:
    """`{node: "kid=seed"}`, or the environment's `node:kid=seed,node:kid=seed`."""
    if isinstance(value, str):
        pairs = (item.strip().partition(":") for item in value.split(",") if item.strip())
        value = {node.strip(): text for node, _, text in pairs}
    keys = {}
    for node, text in (value or {}).items():
        key = SigningKey.parse(str(text))
        if not speaks_for(key.kid, str(node)):
            raise ValueError(f"audit signing key {key.kid} does not name node {node} (kid {node} or {node}.<n>)")
        keys[str(node)] = key
    return keys


class CheckpointKeys(DependencyProvider):
    """This process's node signing keys, the public keys of the nodes below it, and the external anchor."""

    def setup(self) -> None:
        config = self.container.config.get("AUDIT") or {}
        self.signing = parse_signing_keys(config.get("signing_keys") or os.environ.get("HRSS_AUDIT_SIGNING_KEYS", ""))
        trusted = config.get("trusted_keys") or os.environ.get("HRSS_AUDIT_TRUSTED_KEYS", "")
        self.trusted: KeySet | None = None
        if isinstance(trusted, dict) and trusted:
            self.trusted = KeySet.from_base64(trusted)
        elif isinstance(trusted, str) and trusted.strip():
            self.trusted = KeySet.parse(trusted)
        anchor = config.get("anchor")
        self.anchor: AbstractAnchor | None = anchor if isinstance(anchor, AbstractAnchor) else anchor_from_environment()
        self._anchor_checked = False

    def get_dependency(self, worker_ctx: Any) -> CheckpointKeys:
        return self

    def sign(self, node: str, message: bytes) -> tuple[str, str]:
        key = self.signing.get(node)
        if key is None:
            raise RuntimeError(f"no audit signing key configured for node {node} (HRSS_AUDIT_SIGNING_KEYS)")
        return key.kid, b64(key.sign(message))

    def trusts(self, node: str, kid: str, message: bytes, signature: str) -> bool:
        """True if `signature` over `message` was made by a trusted key that speaks for `node`."""
        key = self.trusted.get(kid) if self.trusted is not None and speaks_for(kid, node) else None
        if key is None:
            return False
        try:
            key.verify(unb64(signature), message)
        except Exception:
            return False
        return True

    def anchor_for(self, node: str) -> AbstractAnchor:
        """The anchor of a node with no parent; a province without one is a configuration error."""
        if self.anchor is None:
            raise RuntimeError(f"node {node} has no parent: its checkpoints need an anchor (HRSS_AUDIT_ANCHOR_BUCKET)")
        if not self._anchor_checked:
            self.anchor.ensure()
            self._anchor_checked = True
        return self.anchor


def _of_this_service(event: Received, service: str) -> bool:
    """Every service reads the one checkpoint topic; only its own service's checkpoints are its business (and its
    audit chain's): the others are taken off the topic without an entry."""
    return getattr(event.payload, "service", None) == service


class AuditCheckpoints:
    """Mixin: periodic checkpoints of the served nodes' chains, and keeping those of the nodes below."""

    audit_keys = CheckpointKeys()
    db: Any
    name: str

    @timer(interval=INTERVAL)
    def make_checkpoints(self) -> int:
        """Sign each served node's chain head (if it grew) and send it to the parent node, or anchor it.

        Making a checkpoint is not itself an audit entry: it would grow the chain it attests, so every run
        would find something new to sign. Its record is the append-only checkpoint row, here and above.
        """
        unit = self.db
        log = unit.audit_log
        table = _checkpoints(log.table)
        made = 0
        for node in unit.nodes:
            size, head = log.head(unit.session, node)
            if head is None or size <= self._last_size(table, node):
                continue
            made_at = utcnow()
            draft = SignedCheckpoint(self.name, node, size, head, log.algorithm, made_at, "", "")
            kid, signature = self.audit_keys.sign(node, draft.message())
            checkpoint = SignedCheckpoint(self.name, node, size, head, log.algorithm, made_at, kid, signature)
            unit.session.execute(insert(table).values(**_row(checkpoint, kept_by=node)))
            parent = Node(node).parent
            if parent is None:  # in the same transaction: no checkpoint row without its anchor
                self.audit_keys.anchor_for(node).put(Anchored(checkpoint, kept_by=node))
            else:
                unit.publish(
                    CheckpointMade(**_payload(checkpoint)),
                    subject=f"{self.name}:{node}",
                    target_node=parent.code,
                    node=node,
                )
            made += 1
        return made

    @consume(CheckpointMade, concerns=_of_this_service)
    def keep_checkpoint(self, event: Received) -> None:
        """Keep a child's checkpoint of this service after checking who signed it; countersign it with the key of
        the served node holding the parent (a central platform keeps its unserved cities' children); anchor it at
        a province. Other services' checkpoints on the same topic are theirs to keep."""
        payload = event.payload
        assert isinstance(payload, CheckpointMade)
        if payload.service != self.name:
            return
        target = event.envelope.target_node
        assert target is not None
        parent = Node(payload.node).parent
        if parent is None or parent.code != target:
            raise ContractError("checkpoint.not_a_child", f"节点 {payload.node} 不是 {target} 的下级，不接收其检查点")
        keeper = next((n for n in self.db.nodes if Node(n).contains(parent)), target)
        checkpoint = SignedCheckpoint(**payload.model_dump())
        if not self.audit_keys.trusts(payload.node, checkpoint.key_id, checkpoint.message(), checkpoint.signature):
            raise ContractError(
                "checkpoint.bad_signature", f"节点 {payload.node} 的检查点签名无法验证（密钥 {payload.key_id}）"
            )
        kid, countersignature = self.audit_keys.sign(keeper, checkpoint.countersign_message())
        self.db.session.execute(
            insert(_checkpoints(self.db.audit_log.table)).values(
                **_row(checkpoint, kept_by=keeper), countersign_key_id=kid, countersignature=countersignature
            )
        )
        if Node(keeper).parent is None:
            try:
                self.audit_keys.anchor_for(keeper).put(Anchored(checkpoint, keeper, kid, countersignature))
            except AnchorUnavailable as error:  # the store is down: retry from the offset, never dead-letter
                raise Transient(str(error)) from error

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
