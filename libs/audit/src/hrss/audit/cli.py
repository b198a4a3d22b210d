"""`python -m hrss.audit.cli --schema <service> --node <code>`: verify a node's audit chain.

Against the checkpoints its parent keeps (`--parent-dsn`), the external anchor (`--anchor`: the bucket
`HRSS_AUDIT_ANCHOR_BUCKET` on the store of `HRSS_S3_*`) and a JSON export (`--checkpoints`); exit status 1 when the
chain is broken, truncated, rewritten or missing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import MetaData, create_engine
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from hrss.audit.anchor import anchor_from_environment
from hrss.audit.chain import AuditEntry, printable
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
    """The checkpoints of `node`'s chain that the level above keeps in its own database (its parent, or the
    central platform serving the parent)."""
    parent = Node(node).parent
    if parent is None:
        return []
    engine = _engine(dsn, schema)
    with Session(engine) as session:
        found = kept_checkpoints(
            session, checkpoint_table(MetaData(schema=schema)), kept_by=None, service=service, node=node
        )
    engine.dispose()
    return found


def read_chain(dsn: str, schema: str, node: str) -> list[AuditEntry] | None:
    """A node's chain, or None if the service's audit table itself is gone."""
    engine = _engine(dsn, schema)
    log = AuditLog(audit_table(MetaData(schema=schema)))
    try:
        with Session(engine) as session:
            return list(log.entries(session, node))
    except ProgrammingError:
        return None
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="校验一个节点的审计哈希链")
    parser.add_argument("--dsn", default=os.environ.get("HRSS_PG_DSN"))
    parser.add_argument("--schema", required=True, help="the service's schema holding audit_entry")
    parser.add_argument("--node", required=True)
    parser.add_argument("--checkpoints", type=Path, help="JSON file of checkpoints kept by the level above")
    parser.add_argument("--parent-dsn", help="the parent node's database, to read the checkpoints it keeps")
    parser.add_argument("--parent-schema", help="schema of audit_checkpoint there (default: --schema)")
    parser.add_argument("--service", help="whose chain the checkpoints attest (default: --schema)")
    parser.add_argument("--anchor", action="store_true", help="also check the external anchor (HRSS_AUDIT_ANCHOR_*)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if not args.dsn:
        parser.error("--dsn or HRSS_PG_DSN is required")
    service = args.service or args.schema
    checkpoints = load_checkpoints(args.checkpoints, args.node)
    if args.parent_dsn:
        checkpoints += parent_checkpoints(args.parent_dsn, args.parent_schema or args.schema, service, args.node)
    if args.anchor:
        anchor = anchor_from_environment()
        if anchor is None:
            parser.error("--anchor needs HRSS_AUDIT_ANCHOR_BUCKET and HRSS_S3_ENDPOINT")
        checkpoints += anchor.checkpoints(service, args.node)
    chain = read_chain(args.dsn, args.schema, args.node)
    report = verify(args.node, chain, checkpoints, table_missing=chain is None)
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
