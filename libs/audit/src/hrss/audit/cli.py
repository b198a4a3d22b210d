"""`python -m hrss.audit.cli --schema <service> --node <code>`: verify a node's audit chain."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import MetaData, create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from hrss.audit.chain import printable
from hrss.audit.checkpoints import checkpoint_table, kept_checkpoints
from hrss.audit.log import AuditLog
from hrss.audit.tables import audit_table
from hrss.audit.verify import Checkpoint, verify
from hrss.contracts import Node


def load_checkpoints(path: Path | None, node: str) -> list[Checkpoint]:
    """Checkpoints from a JSON list of {node, size, head_hash, made_at}."""
    if path is None:
        return []
    return [
        Checkpoint(c["node"], int(c["size"]), c["head_hash"], datetime.fromisoformat(c["made_at"]))
        for c in json.loads(path.read_text())
        if c["node"] == node
    ]


def _engine(dsn: str, schema: str):  # type: ignore[no-untyped-def]
    return create_engine(
        dsn.replace("postgresql://", "postgresql+psycopg2://", 1),
        poolclass=NullPool,
        connect_args={"options": f"-csearch_path={schema}"},
    )


def parent_checkpoints(dsn: str, schema: str, service: str, node: str) -> list[Checkpoint]:
    """The checkpoints of `node`'s chain that its parent node keeps in its own database."""
    parent = Node(node).parent
    if parent is None:
        return []
    engine = _engine(dsn, schema)
    with Session(engine) as session:
        found = kept_checkpoints(
            session, checkpoint_table(MetaData(schema=schema)), kept_by=parent.code, service=service, node=node
        )
    engine.dispose()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="校验一个节点的审计哈希链")
    parser.add_argument("--dsn", default=os.environ.get("HRSS_PG_DSN"))
    parser.add_argument("--schema", required=True, help="the service's schema holding audit_entry")
    parser.add_argument("--node", required=True)
    parser.add_argument("--checkpoints", type=Path, help="JSON file of checkpoints kept by the level above")
    parser.add_argument("--parent-dsn", help="the parent node's database, to read the checkpoints it keeps")
    parser.add_argument("--parent-schema", help="schema of audit_checkpoint there (default: --schema)")
    parser.add_argument("--service", help="whose chain the checkpoints attest (default: --schema)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if not args.dsn:
        parser.error("--dsn or HRSS_PG_DSN is required")
    engine = _engine(args.dsn, args.schema)
    log = AuditLog(audit_table(MetaData(schema=args.schema)))
    with Session(engine) as session:
        chain = list(log.entries(session, args.node))
    engine.dispose()
    checkpoints = load_checkpoints(args.checkpoints, args.node)
    if args.parent_dsn:
        checkpoints += parent_checkpoints(
            args.parent_dsn, args.parent_schema or args.schema, args.service or args.schema, args.node
        )
    report = verify(args.node, chain, checkpoints)
    finding = report.finding
    if args.json:
        print(
            json.dumps(
                {
                    "node": report.node,
                    "entries": report.entries,
                    "head_hash": report.head_hash,
                    "checkpoints": report.checkpoints,
                    "ok": report.ok,
                    "problem": str(finding.problem) if finding else None,
                    "seq": finding.seq if finding else None,
                    "message": finding.message if finding else None,
                },
                ensure_ascii=False,
            )
        )
    elif finding is None:
        print(f"节点 {report.node}：{report.entries} 条审计记录，哈希链完整（对照 {report.checkpoints} 个检查点）")
    else:
        print(f"节点 {report.node}：第 {finding.seq} 条起有问题 [{finding.problem}] {printable(finding.message)}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
